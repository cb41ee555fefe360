"""The bundled sample files are current, in the promised formats, and load as they were made."""

import pandas as pd
import pytest

from kundenmodell import DataError, load_sample, validate
from kundenmodell.sample import SAMPLE_DIR, SAMPLES, sample_files
from kundenmodell.synth import generate


@pytest.mark.parametrize("name", list(SAMPLES))
def test_committed_files_equal_a_fresh_regeneration(name):
    for file_name, content in sample_files(name).items():
        assert (SAMPLE_DIR / file_name).read_bytes() == content, (
            f"{file_name} is stale: run scripts/make_sample_data.py"
        )


def test_german_sample_is_written_like_german_excel():
    raw = (SAMPLE_DIR / "kaeufe_de.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, first = raw.decode("utf-8-sig").splitlines()[:2]
    assert header == "Kundennummer;Datum;Betrag;Menge;Kategorie;Kanal;Genutzt von"
    fields = first.split(";")
    assert pd.to_datetime(fields[1], format="%d.%m.%Y")  # 31.12.2024 style
    assert "," in fields[2] and "." not in fields[2]  # decimal comma


@pytest.mark.parametrize("name", list(SAMPLES))
def test_loaded_sample_equals_the_generated_data(name):
    spec = SAMPLES[name]
    loaded = load_sample(name)
    made = generate(spec.n_customers, locale=spec.locale, seed=spec.seed)
    assert loaded.n_customers == spec.n_customers
    assert loaded.currency == spec.currency
    for table in ("customers", "transactions"):
        expected = getattr(made, table).reset_index(drop=True)
        got = getattr(loaded, table)
        assert list(got.columns) == list(expected.columns)
        for column in expected.columns:
            left, right = got[column], expected[column]
            if right.dtype.kind in "fiu" or str(right.dtype) == "Int64":
                pd.testing.assert_series_equal(
                    left.astype("Float64"), right.astype("Float64"), check_names=False
                )
            elif right.dtype.kind == "M":
                pd.testing.assert_series_equal(
                    left.astype("datetime64[s]"), right.astype("datetime64[s]"), check_names=False
                )
            else:
                as_text = right.astype(object).where(right.notna(), "").astype(str)
                assert left.fillna("").astype(str).tolist() == as_text.tolist(), column
    assert validate(loaded).ok


def test_unknown_sample_is_a_data_error():
    with pytest.raises(DataError) as caught:
        load_sample("fr")
    assert caught.value.key == "error.unknown_sample"
