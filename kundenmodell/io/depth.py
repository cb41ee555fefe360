"""How deeply a JSON text nests, measured before any JSON parser sees it.

Parsers recurse once per level: Python's ``json`` raises ``RecursionError`` after about a
thousand levels and pyarrow's JSON reader crashes the whole process (a segmentation fault) on a
120 KB file nested 20,000 levels deep. A customer export nests a few levels (a list of records,
an address inside a record), so :func:`check_depth` refuses anything deeper than
:data:`MAX_JSON_DEPTH` before a parser runs.

The count is linear and vectorised. Three passes of C string code reduce the text to its
structure: escaped backslashes and escaped quotes are removed (``\\\\`` pairs from left to right,
exactly as JSON reads them, then ``\\"``), then every byte but quotes, brackets and line ends is
deleted. What remains is a few percent of the file; numpy walks it in blocks: an exclusive-or
accumulation over the quotes tells for every byte whether a string is open, and a cumulative
sum over the brackets outside strings gives the levels. The open levels and whether a string
is open are carried from block to block, so the memory used stays small whatever the size.
Broken JSON (a string running into a line end, a closing bracket too many) takes a slower path
that is still linear.
"""

from __future__ import annotations

import numpy as np

from kundenmodell.errors import DataError

MAX_JSON_DEPTH = 64
"""Deepest nesting accepted: a JSON array of records is 2 levels, each nested object one more."""

_BLOCK = 8 << 20
_STRUCTURE = b'"[]{}\n'
_OTHER_BYTES = bytes(byte for byte in range(256) if byte not in _STRUCTURE)
_QUOTE, _NEWLINE = ord('"'), ord("\n")
_OPEN, _CLOSE = ord("{"), ord("}")  # '[' and ']' are these with bit 0x20 cleared


def json_depth(data: bytes | memoryview, *, stop_above: int | None = None) -> int:
    """The deepest nesting of ``[``/``{`` in the JSON text ``data`` (UTF-8 or ASCII).

    Brackets inside strings do not count. Counting stops as soon as the depth exceeds
    ``stop_above``, so a hostile file is refused after its first block. For valid JSON the
    count is exact; for broken JSON it never falls below what a parser reaches before it finds
    the error: a line end closes any string (JSON lines are parsed line by line, in parallel
    blocks by pyarrow) and closing brackets never take the count below zero.
    """
    text = data if isinstance(data, bytes) else bytes(data)
    structure = text.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _OTHER_BYTES)
    values = np.frombuffer(structure, dtype=np.uint8)
    in_string = False
    depth = deepest = 0
    for start in range(0, len(values), _BLOCK):
        block = values[start : start + _BLOCK]
        # Whether a string is open after each byte: the quotes so far, odd or even (with the
        # string left open by the previous block).
        open_after = np.bitwise_xor.accumulate((block == _QUOTE).view(np.uint8))
        open_after ^= in_string
        newlines = block == _NEWLINE
        if open_after[newlines].any():  # broken JSON: a line end closes the open string
            line_end = np.maximum.accumulate(np.where(newlines, np.arange(len(block)), -1))
            open_after ^= open_after[np.maximum(line_end, 0)] * (line_end >= 0)
        in_string = bool(open_after[-1])
        folded = block | 0x20  # '[' -> '{', ']' -> '}'
        brackets = np.flatnonzero((folded == _OPEN) | (folded == _CLOSE))
        brackets = brackets[open_after[brackets] == 0]  # brackets inside strings do not count
        if len(brackets) == 0:
            continue
        levels = depth + np.cumsum(np.where(folded[brackets] == _OPEN, 1, -1), dtype=np.int64)
        if levels.min() < 0:  # broken JSON: a stray closing bracket is not a level
            levels -= np.minimum(np.minimum.accumulate(levels), 0)
        deepest = max(deepest, int(levels.max()))
        depth = int(levels[-1])
        if stop_above is not None and deepest > stop_above:
            break
    return deepest


def check_depth(data: bytes | memoryview, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise ``error.io.guard.too_deep`` when the JSON text ``data`` nests deeper than ``limit``."""
    if json_depth(data, stop_above=limit) > limit:
        raise DataError("error.io.guard.too_deep", limit=limit)
