"""``python -m kundenmodell generate``: write a large synthetic data folder from the shell.

::

    python -m kundenmodell generate --customers 30000000 --out /data/shop \\
        [--locale de_DE] [--seed 1] [--chunk 250000] [--overwrite]

Messages are in the language of ``LANG`` (de, en or nb); a line per part file goes to stderr,
the summary to stdout. Exit status: 0 written, 1 the disk refused, 2 bad arguments (nothing
written), 130 interrupted (nothing left behind).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from kundenmodell.errors import DataError
from kundenmodell.i18n import format_number, t
from kundenmodell.synth.folder import DEFAULT_CHUNK, FolderProgress, write_folder

OPTIONS: dict[str, str | None] = {
    "--customers": None,
    "--out": None,
    "--locale": "de_DE",
    "--seed": "0",
    "--chunk": str(DEFAULT_CHUNK),
}
"""Options that take a value, with their defaults (None: required)."""
FLAGS = ("--overwrite", "--help", "-h")
NUMBERS = ("--customers", "--seed", "--chunk")


class _ArgumentsError(Exception):
    """The command line cannot be used; the message is already translated."""


def _arguments(argv: list[str], lang: str) -> dict[str, Any]:
    """The options (``--name value`` or ``--name=value``) and flags of ``argv`` by name, whole
    numbers converted; :class:`_ArgumentsError` with a translated message otherwise. Written
    out instead of argparse, whose messages are English only."""
    given: dict[str, Any] = dict(OPTIONS) | dict.fromkeys(FLAGS, False)
    unknown: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        name, equals, value = token.partition("=")
        if name in FLAGS and not equals:
            given[name] = True
        elif name in OPTIONS:
            value = value if equals else next(tokens, None)
            if value is None or (not equals and value.startswith("--")):
                raise _ArgumentsError(t("generate_cli.needs_value", lang, name=name))
            given[name] = value
        else:
            unknown.append(token)
    if given["--help"] or given["-h"]:
        return given
    if unknown:
        raise _ArgumentsError(t("generate_cli.unknown", lang, names=" ".join(unknown)))
    missing = [name for name in OPTIONS if given[name] is None]
    if missing:
        raise _ArgumentsError(t("generate_cli.missing", lang, names=", ".join(missing)))
    for name in NUMBERS:
        try:
            given[name] = int(given[name])
        except ValueError:
            raise _ArgumentsError(
                t("generate_cli.not_a_number", lang, name=name, value=given[name])
            ) from None
    return given


def _progress_line(lang: str) -> Callable[[FolderProgress], None]:
    """A progress callback that prints one line per part file to stderr."""

    def report(step: FolderProgress) -> None:
        rate = step.customers / step.seconds if step.seconds > 0 else 0.0
        line = t(
            "generate_cli.progress",
            lang,
            part=step.part,
            parts=step.parts,
            customers=format_number(step.customers, lang),
            transactions=format_number(step.transactions, lang),
            seconds=format_number(step.seconds, lang, decimals=1),
            rate=format_number(rate, lang),
        )
        print(line, file=sys.stderr, flush=True)

    return report


def main(argv: list[str], lang: str) -> int:
    """Run ``generate`` with the arguments after the command name; the exit status."""
    try:
        args = _arguments(argv, lang)
    except _ArgumentsError as error:
        print(f"{error}\n{t('generate_cli.usage', lang)}", file=sys.stderr)
        return 2
    if args["--help"] or args["-h"]:
        print(t("generate_cli.usage", lang))
        return 0
    try:
        summary = write_folder(
            args["--out"],
            args["--customers"],
            locale=args["--locale"],
            seed=args["--seed"],
            chunk_customers=args["--chunk"],
            overwrite=args["--overwrite"],
            progress=_progress_line(lang),
        )
    except DataError as error:
        print(error.message(lang), file=sys.stderr)
        return 2
    except OSError as error:
        reason = error.strerror or str(error)
        print(
            t("generate_cli.write_failed", lang, path=args["--out"], reason=reason), file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        print(t("generate_cli.interrupted", lang), file=sys.stderr)
        return 130
    done = t(
        "generate_cli.done",
        lang,
        path=str(summary.path),
        customers=format_number(summary.customers, lang),
        transactions=format_number(summary.transactions, lang),
        interactions=format_number(summary.interactions, lang),
        parts=summary.parts,
        seconds=format_number(summary.seconds, lang, decimals=1),
    )
    print(done)
    return 0
