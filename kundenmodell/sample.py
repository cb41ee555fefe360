"""The bundled sample data sets: how they are made and how they are loaded.

The files in ``kundenmodell/sample_data/`` are written by :func:`write_samples` from the synthetic
generator (``python scripts/make_sample_data.py``), so they can always be regenerated and a
test proves they equal a fresh regeneration. The German sample is written the way German Excel
saves CSV (``;``, decimal comma, ``31.12.2024`` dates, UTF-8 with BOM); the English one as a
plain US CSV.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kundenmodell.csvio import read_canonical_csv, to_csv_bytes
from kundenmodell.dataset import Dataset
from kundenmodell.errors import DataError
from kundenmodell.synth import generate

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"
"""Inside the package, so that an installed ``kundenmodell`` has its samples too."""


@dataclass(frozen=True)
class SampleSpec:
    """One bundled sample: generator settings and the two file names."""

    lang: str
    locale: str
    currency: str
    n_customers: int
    seed: int
    customers_file: str
    transactions_file: str


SAMPLES: dict[str, SampleSpec] = {
    "de": SampleSpec("de", "de_DE", "EUR", 1_000, 7, "kunden_de.csv", "kaeufe_de.csv"),
    "en": SampleSpec("en", "en_US", "USD", 600, 11, "customers_en.csv", "purchases_en.csv"),
}


def _spec(name: str) -> SampleSpec:
    if name not in SAMPLES:
        raise DataError("error.unknown_sample", name=name)
    return SAMPLES[name]


def sample_files(name: str) -> dict[str, bytes]:
    """The file contents of sample ``name``, freshly generated: ``{file name: bytes}``."""
    spec = _spec(name)
    dataset = generate(spec.n_customers, locale=spec.locale, seed=spec.seed)
    return {
        spec.customers_file: to_csv_bytes(dataset.customers, spec.lang),
        spec.transactions_file: to_csv_bytes(dataset.transactions, spec.lang),
    }


def write_samples(directory: Path = SAMPLE_DIR) -> list[Path]:
    """Regenerate every sample file into ``directory`` and return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SAMPLES:
        for file_name, content in sample_files(name).items():
            path = directory / file_name
            path.write_bytes(content)
            written.append(path)
    return written


def load_sample(name: str, directory: Path = SAMPLE_DIR) -> Dataset:
    """Load bundled sample ``name`` (``"de"`` or ``"en"``) as a :class:`Dataset`."""
    spec = _spec(name)
    customers = read_canonical_csv(
        (directory / spec.customers_file).read_bytes(), spec.lang, "customers"
    )
    transactions = read_canonical_csv(
        (directory / spec.transactions_file).read_bytes(), spec.lang, "transactions"
    )
    return Dataset(
        customers=customers,
        transactions=transactions,
        name=spec.customers_file.removesuffix(".csv"),
        source="sample",
        currency=spec.currency,
        locale=spec.locale,
        created=dt.datetime.fromtimestamp((directory / spec.customers_file).stat().st_mtime),
    )
