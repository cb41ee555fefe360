"""Every customer of a source analysed in place labelled with personas fitted on its sample.

The shop is the numpy one of ``test_load_in_place`` (not made by kundenmodell.synth), stored
as a Parquet folder and analysed in place with a sample smaller than its customers.
"""

from __future__ import annotations

import gc
import io
import zipfile

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import kundenmodell as km
from kundenmodell import personas
from kundenmodell.csvio import DIALECTS
from kundenmodell.i18n import t
from kundenmodell.personas import labelling
from kundenmodell.personas.features import FeatureTable, Mix
from kundenmodell.personas.latent import fit_encoding
from tests.unit.test_load_in_place import CUSTOMERS, folder  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def source(folder):  # noqa: F811
    return km.load(folder, in_place=True)


@pytest.fixture(scope="module")
def fitted(source):
    return personas.build(source, k=3, sample_size=900)


@pytest.fixture(scope="module")
def population(fitted, source):
    return personas.label_source(fitted, source, part_customers=400)


def test_every_buyer_is_labelled_once_in_parts(population, folder):  # noqa: F811
    memory = km.load(folder)
    buyers = personas.build(memory, k=3).labels.index  # every buyer the customers table knows
    labels = population.labels()
    assert population.parts == 4  # 1,500 customers, 400 a part
    assert labels["customer_id"].is_unique
    assert set(labels["customer_id"]) == set(buyers.astype(str))
    assert population.buyers == len(buyers) == population.customers.sum()
    assert population.customers.tolist() == np.bincount(labels["persona"], minlength=3).tolist()
    assert labels["probability"].between(1 / 3, 1).all()
    assert population.shares().sum() == pytest.approx(1.0)


def test_the_sample_keeps_the_personas_the_fit_gave_it(fitted, population):
    labels = population.labels().set_index("customer_id")["persona"]
    assert fitted.n_customers == 900
    sample = fitted.labels
    assert labels.reindex(sample.index.astype(str)).tolist() == sample.tolist()


def test_the_labels_do_not_depend_on_how_many_parts(fitted, source, population):
    whole = personas.label_source(fitted, source, part_customers=CUSTOMERS)
    assert whole.parts == 1
    pd.testing.assert_frame_equal(
        whole.labels().sort_values("customer_id", ignore_index=True),
        population.labels().sort_values("customer_id", ignore_index=True),
    )
    np.testing.assert_allclose(whole.revenue, population.revenue, rtol=1e-12)


def test_revenue_per_persona_adds_up_to_the_buyers_revenue(fitted, folder, population):  # noqa: F811
    features = personas.customer_features(km.load(folder), as_of=fitted.features.as_of)
    assert population.revenue.sum() == pytest.approx(features.revenue.sum(), rel=1e-12)
    assert population.revenue_shares().sum() == pytest.approx(1.0)


def test_the_labels_file_goes_with_the_population(fitted, source):
    population = personas.label_source(fitted, source, part_customers=CUSTOMERS)
    path = population.path
    assert path.exists() and oct(path.parent.stat().st_mode & 0o777) == "0o700"
    del population
    gc.collect()
    assert not path.exists()


def test_a_persona_set_without_a_model_is_refused(fitted, source):
    import dataclasses

    with pytest.raises(ValueError):
        personas.label_source(dataclasses.replace(fitted, labeller=None), source)


def test_conform_puts_mixes_in_the_fitted_levels_and_fills_missing_features():
    ids = pd.Index(["a", "b", "c", "d"])

    def table(levels, counts, numeric):
        return FeatureTable(
            ids=ids,
            numeric=pd.DataFrame(numeric, index=pd.RangeIndex(4)),
            categorical=pd.DataFrame({"gender": pd.Categorical(["f", "m", "f", "m"])}),
            mixes={"category": Mix(np.array(counts, dtype=float), levels)},
            revenue=np.ones(4),
            as_of=None,
            available=("age", "gender", "category"),
            missing=(),
        )

    fitted = table(
        ("toys", "food"), [[3, 0], [0, 2], [1, 1], [2, 0]], {"age": [20.0, 30.0, 40.0, 50.0]}
    )
    encoding = fit_encoding(fitted, ["age", "gender", "category"])
    part = table(("food", "tools", "toys"), [[0, 5, 3], [2, 0, 0], [1, 0, 1], [0, 0, 2]], {})
    conformed = encoding.conform(part)
    assert conformed.mixes["category"].levels == ("toys", "food")
    assert conformed.mixes["category"].counts.tolist() == [[3, 0], [0, 2], [1, 1], [2, 0]]
    assert conformed.numeric["age"].isna().all()
    design = encoding.design(conformed)
    assert design.matrix.shape[0] == 4


def test_the_labels_download_names_each_persona(fitted, population):
    from kundenmodell.csvio import to_csv_bytes
    from kundenmodell.personas.labelling import labels_frame, population_table

    names = {p.index: p.name for p in fitted.personas}
    frame = labels_frame(population, names)
    assert set(frame["persona"]) <= set(names.values())
    persona = population.labels()["persona"].to_numpy()
    assert frame["persona"].tolist() == [names[i] for i in persona]
    twins = labels_frame(population, dict.fromkeys(names, "Anna"))  # two cards renamed alike
    assert set(twins["persona"]) == {"Anna"}
    text = to_csv_bytes(frame.head(3), "de").decode("cp1252")
    assert text.splitlines()[0].split(";")[1] == "persona"
    table = population_table(population, fitted)
    assert table["buyers"].sum() == population.buyers
    assert table["sample_share"].sum() == pytest.approx(1.0)
    assert table["share"].tolist() == pytest.approx(population.shares().tolist())


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_labels_zip_holds_one_csv_of_every_buyer_written_in_chunks(
    fitted, population, monkeypatch, lang
):
    monkeypatch.setattr(labelling, "CSV_CHUNK", 97)  # 1,1xx buyers: a dozen chunks
    names = {p.index: f"=HYPERLINK({p.index})" for p in fitted.personas}  # hostile card names
    data = labelling.labels_zip(population, names, lang, "alle.csv")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["alle.csv"]
        raw = archive.read("alle.csv")
    dialect = DIALECTS[lang]
    assert raw.count("\ufeff".encode()) == (1 if dialect.encoding == "utf-8-sig" else 0)
    text = raw.decode(dialect.encoding)
    header = [t(f"personas_everyone.{name}", lang) for name in labelling.LABEL_COLUMNS]
    assert text.splitlines()[0].lstrip("\ufeff") == dialect.separator.join(header)
    assert text.count(header[0]) == 1  # one header, not one per chunk
    read = pd.read_csv(io.StringIO(text), sep=dialect.separator, decimal=dialect.decimal)
    read.columns = ["Kunde", "Persona", "P"]
    read["Kunde"] = read["Kunde"].astype(str)
    expected = labelling.labels_frame(population, names)
    assert len(read) == population.buyers == len(expected)
    assert read["Kunde"].tolist() == expected["customer_id"].tolist()
    assert read["Persona"].tolist() == ["'" + name for name in expected["persona"]]
    np.testing.assert_allclose(read["P"], expected["probability"], atol=0.5e-4)  # 4 decimals
    assert read["P"].round(4).equals(read["P"])


def test_the_labels_zip_of_no_buyer_is_a_header(fitted):
    empty = labelling._batch(pd.Index([], dtype=str), np.zeros((0, 3)))
    path = km.engine.kept_path()
    pq.write_table(empty, path)
    nobody = labelling.Population(np.zeros(3, np.int64), np.zeros(3), path, 1)
    data = labelling.labels_zip(nobody, {0: "a", 1: "b", 2: "c"}, "nb", "x.csv")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("x.csv").decode("utf-8-sig") == "Kundenummer;Persona;Sannsynlighet\n"
    path.unlink()
