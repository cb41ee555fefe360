"""How deeply a JSON text nests, measured before any JSON parser sees it.

Parsers recurse once per level: Python's ``json`` raises ``RecursionError`` after about a
thousand levels and pyarrow's JSON reader crashes the whole process (a segmentation fault) on a
120 KB file nested 20,000 levels deep. A customer export nests a few levels (a list of records,
an address inside a record), so :func:`check_depth` refuses anything deeper than
:data:`MAX_JSON_DEPTH` before a parser runs.

The count is linear and vectorised. Three passes of C string code reduce the text to its
structure: escaped backslashes and escaped quotes are removed (``\\\\`` pairs from left to right,
exactly as JSON reads them, then ``\\"``), then every byte but quotes, brackets and line ends is
deleted. What remains is a few percent of the file; numpy walks it in blocks with two cumulative
sums (quotes seen, levels opened), carrying the open levels and whether a string is open from
block to block, so the memory used stays small whatever the file size. Broken JSON (a string
running into a line end, a closing bracket too many) takes a slower path that is still linear.
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
        quotes = (block == _QUOTE).view(np.int8)
        # Quotes before each byte; a string still open from the previous block counts as one.
        seen = np.cumsum(quotes, dtype=np.int32) - quotes + in_string
        newlines = block == _NEWLINE
        if (seen[newlines] & 1).any():  # broken JSON: a line end closes the open string
            seen -= np.maximum.accumulate(np.where(newlines, seen, 0))
        last = len(block) - 1
        in_string = not newlines[last] and bool((seen[last] + quotes[last]) & 1)
        folded = block | 0x20  # '[' -> '{', ']' -> '}'
        steps = (folded == _OPEN).view(np.int8) - (folded == _CLOSE).view(np.int8)
        steps *= (seen & 1 == 0).view(np.int8)  # brackets inside strings do not count
        levels = depth + np.cumsum(steps, dtype=np.int32)
        if levels.min() < 0:  # broken JSON: a stray closing bracket is not a level
            levels -= np.minimum(np.minimum.accumulate(levels), 0)
        deepest = max(deepest, int(levels.max()))
        depth = int(levels[last])
        if stop_above is not None and deepest > stop_above:
            break
    return deepest


def check_depth(data: bytes | memoryview, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise ``error.io.guard.too_deep`` when the JSON text ``data`` nests deeper than ``limit``."""
    if json_depth(data, stop_above=limit) > limit:
        raise DataError("error.io.guard.too_deep", limit=limit)
