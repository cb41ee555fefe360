"""Size and build time of the printable persona PDF for five cards, in every language.

``python -m bench persona_pdf [--customers 4000] [--runs 5]``

The personas: five built from the synthetic generator's customers (seed 5). Timed:
:func:`kundenmodell.personas.pdf.cards_pdf`, best of ``--runs``, which loads the two bundled
DejaVu faces, lays out and draws every card, and subsets the fonts into the file. For
comparison, the former export (five 150-dpi page images drawn with Pillow) measured 896 KiB
and, best of 7 interleaved with the vector export on the same busy 2-core machine, 1.88 s
against 1.57 s.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bench._common import best_of
from kundenmodell.i18n import LANGUAGES
from kundenmodell.personas import build
from kundenmodell.personas.pdf import cards_pdf
from kundenmodell.synth import generate


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench persona_pdf")
    parser.add_argument("--customers", type=int, default=4_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    personas = build(generate(args.customers, seed=5), k=5, seed=0)
    for lang in LANGUAGES:
        size = len(cards_pdf(personas, lang))
        seconds = best_of(args.runs, lambda lang=lang: cards_pdf(personas, lang))
        print(f"{lang}: {personas.k} cards, {size / 1024:.1f} KiB, built in {seconds:.2f} s")
