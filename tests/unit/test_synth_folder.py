"""The folder writer: a synthetic data set as Parquet part files, read back by the engine.

Round trip (counts, ids, referential integrity, schema), determinism and independence of the
part size, statistics against the in-memory generator, peak memory in a subprocess, errors
and the ``python -m kundenmodell generate`` command. Most tests shrink the random block to
5,000 customers so that many block and part boundaries fit into a few thousand rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

import kundenmodell as km
from kundenmodell import __main__ as package_command
from kundenmodell import engine
from kundenmodell.errors import DataError
from kundenmodell.schema import CUSTOMERS, INTERACTIONS, TRANSACTIONS
from kundenmodell.synth import folder as folder_module
from kundenmodell.synth import generate, write_folder
from kundenmodell.synth.generator import plan

ROOT = Path(__file__).resolve().parents[2]
SMALL_BLOCK = 5_000
N = 23_000
CHUNK = 7_000  # parts of 7,000 customers cut the 5,000-customer blocks in three of four parts
TABLES = ("customers", "transactions", "interactions")

CATEGORY = pa.dictionary(pa.int8(), pa.string())
EXPECTED_TYPES = {
    "customers": {
        **dict.fromkeys(
            [
                "customer_id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "company",
                "industry",
                "city",
                "postcode",
            ],
            pa.large_string(),
        ),
        "status": pa.dictionary(pa.int8(), pa.string(), ordered=True),
        **dict.fromkeys(
            [
                "customer_type",
                "relationship",
                "gender",
                "country",
                "nationality",
                "contact_preference",
                "acquisition_channel",
            ],
            CATEGORY,
        ),
        "birth_date": pa.timestamp("ms"),
        "acquired_at": pa.timestamp("ms"),
        **dict.fromkeys(["age", "nps_score", "email_responses", "reminders"], pa.int64()),
        "income": pa.float64(),
    },
    "transactions": {
        "customer_id": pa.large_string(),
        "date": pa.timestamp("ms"),
        "amount": pa.float64(),
        "quantity": pa.int64(),
        "category": CATEGORY,
        "channel": CATEGORY,
        "consumer_role": CATEGORY,
    },
    "interactions": {
        "customer_id": pa.large_string(),
        "date": pa.timestamp("ms"),
        "kind": CATEGORY,
        "outcome": CATEGORY,
    },
}
CANONICAL = {"customers": CUSTOMERS, "transactions": TRANSACTIONS, "interactions": INTERACTIONS}


def _write_small(path: Path, **arguments) -> folder_module.FolderSummary:
    """``write_folder`` with the small test block."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(folder_module, "BLOCK_CUSTOMERS", SMALL_BLOCK)
        return write_folder(path, arguments.pop("n", N), **{"seed": 4, **arguments})


def _table(path: Path, name: str) -> pa.Table:
    """All part files of one table in part order, without the pandas metadata."""
    files = sorted((path / name).glob("part-*.parquet"))
    return pa.concat_tables(pq.read_table(file) for file in files).replace_schema_metadata(None)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, folder_module.FolderSummary, list]:
    path = tmp_path_factory.mktemp("folder") / "shop"
    steps: list[folder_module.FolderProgress] = []
    summary = _write_small(path, chunk_customers=CHUNK, progress=steps.append)
    return path, summary, steps


# --- round trip ------------------------------------------------------------------------------


def test_the_engine_reads_what_was_written(written):
    path, summary, _ = written
    tables = engine.open_source(path)
    counts = {name: getattr(tables, name).count().execute() for name in TABLES}
    assert counts == {
        "customers": N,
        "transactions": summary.transactions,
        "interactions": summary.interactions,
    }
    assert summary.customers == N and summary.parts == 4
    marker = json.loads((path / "synthetic.json").read_text(encoding="utf-8"))
    assert marker["rows"] == counts
    assert marker["currency"] == "EUR" and marker["seed"] == 4
    # Every purchase and interaction belongs to a written customer.
    for name in ("transactions", "interactions"):
        orphans = getattr(tables, name).anti_join(tables.customers, "customer_id")
        assert orphans.count().execute() == 0
    # About 3.6 purchases per person (leads, contacts and prospects included).
    assert 3.0 < summary.transactions / N < 4.2


def test_ids_are_unique_numbered_and_sorted_across_parts(written):
    path, _, _ = written
    ids = _table(path, "customers")["customer_id"].to_pylist()
    assert ids == [f"C{number:07d}" for number in range(1, N + 1)]
    purchases = _table(path, "transactions").select(["customer_id", "date"]).to_pandas()
    order = purchases.sort_values(["customer_id", "date"], kind="stable").index
    assert (order == purchases.index).all()  # sorted by customer and date, as generate sorts


def test_parts_hold_chunks_of_customers_with_all_their_rows(written):
    path, _, steps = written
    sizes = [
        pq.read_metadata(path / "customers" / f"part-{part:05d}.parquet").num_rows
        for part in range(4)
    ]
    assert sizes == [CHUNK, CHUNK, CHUNK, N - 3 * CHUNK]
    for name in ("transactions", "interactions"):
        owners = [
            set(pq.read_table(file, columns=["customer_id"])["customer_id"].to_pylist())
            for file in sorted((path / name).glob("*.parquet"))
        ]
        customers = [
            set(pq.read_table(file, columns=["customer_id"])["customer_id"].to_pylist())
            for file in sorted((path / "customers").glob("*.parquet"))
        ]
        assert all(rows <= people for rows, people in zip(owners, customers, strict=True))
    assert [step.part for step in steps] == [1, 2, 3, 4]
    assert [step.customers for step in steps] == [7_000, 14_000, 21_000, N]
    assert steps[-1].transactions == _table(path, "transactions").num_rows


def test_columns_and_types_are_the_canonical_schema(written):
    path, _, _ = written
    for name in TABLES:
        for file in sorted((path / name).glob("*.parquet")):
            schema = pq.read_schema(file)
            assert tuple(schema.names) == CANONICAL[name].names
            assert {field.name: field.type for field in schema} == EXPECTED_TYPES[name], file


def test_pandas_reads_the_dtypes_generate_gives(written):
    path, _, _ = written
    reference = generate(500, "de_DE", seed=4)
    for name in TABLES:
        read = pd.read_parquet(path / name)
        expected = getattr(reference, name).dtypes.astype(str)
        # Parquet has no seconds unit: dates come back as datetime64[ms].
        expected = expected.replace("datetime64[s]", "datetime64[ms]")
        assert read.dtypes.astype(str).to_dict() == expected.to_dict(), name
        for column in read.select_dtypes("category"):
            categories = getattr(reference, name)[column].cat.categories
            assert list(read[column].cat.categories) == list(categories), column


def test_km_load_opens_the_folder(written):
    path, summary, _ = written
    data = km.load(path)
    assert (data.n_customers, data.n_transactions) == (N, summary.transactions)
    assert len(data.interactions) == summary.interactions
    assert data.transactions["amount"].gt(0).all()


# --- determinism -----------------------------------------------------------------------------


def test_the_same_arguments_write_identical_files(written, tmp_path):
    path, _, _ = written
    _write_small(tmp_path / "again", chunk_customers=CHUNK)
    files = sorted(p.relative_to(path) for p in path.rglob("*") if p.is_file())
    assert files == sorted(
        p.relative_to(tmp_path / "again") for p in (tmp_path / "again").rglob("*") if p.is_file()
    )
    for file in files:
        assert (path / file).read_bytes() == (tmp_path / "again" / file).read_bytes(), file
    _write_small(tmp_path / "other", chunk_customers=CHUNK, seed=5)
    assert not _table(path, "transactions").equals(_table(tmp_path / "other", "transactions"))


@pytest.mark.parametrize("chunk", [N, 5_000, 2_500])
def test_the_rows_do_not_depend_on_the_part_size(written, tmp_path, chunk):
    path, _, _ = written
    _write_small(tmp_path / "shop", chunk_customers=chunk)
    assert len(list((tmp_path / "shop" / "customers").glob("*.parquet"))) == -(-N // chunk)
    for name in TABLES:
        assert _table(tmp_path / "shop", name).equals(_table(path, name)), name


def test_ids_widen_beyond_ten_million_customers():
    """The last block of a 10,000,003-customer set, drawn alone: ids stay unique and sortable."""
    settings = plan("de_DE")
    blocks = folder_module._Blocks(settings, 4, 10_000_003)
    last = blocks.get(10_000_002 // folder_module.BLOCK_CUSTOMERS)
    ids = last.tables["customers"]["customer_id"].to_pylist()
    assert ids == ["C10000001", "C10000002", "C10000003"]
    purchase_ids = set(last.tables["transactions"]["customer_id"].to_pylist())
    assert purchase_ids <= set(ids)


# --- statistics against generate -------------------------------------------------------------


def _per_customer(customers: pd.Series, purchases: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Purchases and revenue per person (zero for people who never bought)."""
    grouped = purchases.groupby("customer_id", observed=True)["amount"]
    counts = grouped.size().reindex(customers, fill_value=0).to_numpy()
    revenue = grouped.sum().reindex(customers, fill_value=0.0).to_numpy()
    return counts, revenue


def test_purchases_and_revenue_per_customer_match_generate(tmp_path):
    n = 60_000  # three real blocks (25,000 + 25,000 + 10,000)
    write_folder(tmp_path / "shop", n, seed=8, chunk_customers=40_000)
    written = km.load(tmp_path / "shop")
    memory = generate(n, "de_DE", seed=8)
    folder_counts, folder_revenue = _per_customer(
        written.customers["customer_id"], written.transactions
    )
    memory_counts, memory_revenue = _per_customer(
        memory.customers["customer_id"], memory.transactions
    )
    # Means agree within four standard errors of their difference.
    for left, right in ((folder_counts, memory_counts), (folder_revenue, memory_revenue)):
        error = np.sqrt(left.var() / len(left) + right.var() / len(right))
        assert abs(left.mean() - right.mean()) < 4 * error
    # Share of buyers (binomial, 60,000 each): within 1.5 percentage points.
    assert abs((folder_counts > 0).mean() - (memory_counts > 0).mean()) < 0.015
    # Whole distributions among buyers: a two-sample KS test does not tell them apart ...
    buyers = (folder_counts > 0, memory_counts > 0)
    assert stats.ks_2samp(folder_counts[buyers[0]], memory_counts[buyers[1]]).pvalue > 1e-3
    assert stats.ks_2samp(folder_revenue[buyers[0]], memory_revenue[buyers[1]]).pvalue > 1e-3
    # ... but it does tell apart a base of bargain hunters only (the test can fail).
    bargain = generate(5_000, "de_DE", seed=8, types=["bargain_hunter"])
    bargain_counts, bargain_revenue = _per_customer(
        bargain.customers["customer_id"], bargain.transactions
    )
    assert (
        stats.ks_2samp(folder_revenue[buyers[0]], bargain_revenue[bargain_counts > 0]).pvalue < 1e-6
    )


# --- peak memory -----------------------------------------------------------------------------

PRELUDE = """
import runpy
import sys

from kundenmodell.synth import generate
from kundenmodell.synth.pools import pools


def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024


pools("de_DE", 2)  # Faker's pools, the same in both runs: part of the baseline
start = peak_mb()
"""
FOLDER_RUN = """
sys.argv = ["kundenmodell", "generate", "--customers", "200000", "--chunk", "20000",
            "--seed", "2", "--out", sys.argv[1]]
try:
    runpy.run_module("kundenmodell", run_name="__main__", alter_sys=True)
except SystemExit as done:
    assert done.code == 0, done.code
"""
MEMORY_RUN = """
data = generate(200_000, "de_DE", seed=2)
"""


def _peak_growth(run: str, *arguments: str) -> tuple[float, str]:
    """MB by which ``run`` raises the peak resident memory (VmHWM) of a fresh interpreter,
    and what it wrote to stderr."""
    script = f"{PRELUDE}{run}\nprint('peak', peak_mb() - start)"
    done = subprocess.run(
        [sys.executable, "-c", script, *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("peak "))
    return float(line.split()[1]), done.stderr


def test_peak_memory_is_bounded_by_the_block_not_the_customers(tmp_path):
    """``python -m kundenmodell generate`` (run as ``-m`` does) against ``generate``."""
    folder_growth, progress = _peak_growth(FOLDER_RUN, str(tmp_path / "shop"))
    memory_growth, _ = _peak_growth(MEMORY_RUN)
    assert len(progress.strip().splitlines()) == 10  # a line per part file
    assert len(list((tmp_path / "shop" / "transactions").glob("*.parquet"))) == 10
    # generate(200,000) holds everything (about 210 MB more); the writer one block of 25,000
    # (about 75 MB, the same for 600,000 customers).
    assert memory_growth > 150
    assert folder_growth < 0.5 * memory_growth, (folder_growth, memory_growth)


# --- bad arguments and existing folders ------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "key"),
    [
        ({"n": 0}, "generate_error.invalid_folder_size"),
        ({"n": 1_000.5}, "generate_error.invalid_folder_size"),
        ({"n": True}, "generate_error.invalid_folder_size"),
        ({"chunk_customers": 0}, "generate_error.invalid_chunk"),
        ({"chunk_customers": 2.5}, "generate_error.invalid_chunk"),
        ({"seed": -1}, "generate_error.invalid_seed"),
        ({"locale": "fr_FR"}, "error.unknown_locale"),
        ({"b2b_share": 1.5}, "error.invalid_share"),
        ({"types": ["pensioner"]}, "error.unknown_customer_type"),
    ],
)
def test_bad_arguments_raise_data_errors_and_write_nothing(tmp_path, arguments, key):
    call = {"n": 100, **arguments}
    with pytest.raises(DataError) as caught:
        write_folder(tmp_path / "shop", call.pop("n"), **call)
    assert caught.value.key == key
    for lang in ("de", "en", "nb"):
        assert caught.value.message(lang)
    assert list(tmp_path.iterdir()) == []


def test_generate_above_its_cap_points_to_the_folder_writer():
    with pytest.raises(DataError) as caught:
        generate(5_000_001)
    assert caught.value.key == "generate_error.too_many_in_memory"
    for lang in ("de", "en", "nb"):
        assert "python -m kundenmodell generate" in caught.value.message(lang)
        assert "5000000" in caught.value.message(lang)


def test_a_foreign_folder_is_never_replaced(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "notes.txt").write_text("mine", encoding="utf-8")
    for overwrite in (False, True):
        with pytest.raises(DataError) as caught:
            write_folder(tmp_path / "shop", 10, overwrite=overwrite)
        assert caught.value.key == "generate_error.folder_foreign"
    assert [p.name for p in (tmp_path / "shop").iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["shop"]


def test_files_put_into_the_folder_during_the_run_are_kept(tmp_path):
    (tmp_path / "shop").mkdir()  # empty: may be used

    def meddle(step):
        (tmp_path / "shop" / "notes.txt").write_text("mine", encoding="utf-8")

    with pytest.raises(DataError) as caught:
        write_folder(tmp_path / "shop", 10, progress=meddle)
    assert caught.value.key == "generate_error.folder_foreign"
    assert [p.name for p in tmp_path.iterdir()] == ["shop"]
    assert [p.name for p in (tmp_path / "shop").iterdir()] == ["notes.txt"]


def test_a_generated_folder_is_replaced_only_on_request(tmp_path):
    (tmp_path / "shop").mkdir()  # an empty folder is fine
    write_folder(tmp_path / "shop", 10, seed=1)
    with pytest.raises(DataError) as caught:
        write_folder(tmp_path / "shop", 10, seed=2)
    assert caught.value.key == "generate_error.folder_exists"
    write_folder(tmp_path / "shop", 20, seed=2, overwrite=True)
    marker = json.loads((tmp_path / "shop" / "synthetic.json").read_text(encoding="utf-8"))
    assert (marker["seed"], marker["rows"]["customers"]) == (2, 20)
    assert [p.name for p in tmp_path.iterdir()] == ["shop"]  # nothing left aside
    # The folder gets the usual permissions (umask), not mkdtemp's private 0700.
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "shop").stat().st_mode & 0o777 == 0o777 & ~umask


def test_an_interrupted_run_leaves_nothing_behind(tmp_path):
    def stop(step):
        if step.part == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _write_small(tmp_path / "shop", n=12_000, chunk_customers=4_000, progress=stop)
    assert list(tmp_path.iterdir()) == []


# --- the command -----------------------------------------------------------------------------


def _speak(monkeypatch, lang: str) -> None:
    """The terminal's language is ``lang`` alone (variables read before LANG removed)."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", lang)


def _run(monkeypatch, capsys, lang: str, *arguments: str) -> tuple[int, str, str]:
    _speak(monkeypatch, lang)
    code = package_command.main(["generate", *arguments])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_writes_a_folder_with_a_line_per_part(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(folder_module, "BLOCK_CUSTOMERS", SMALL_BLOCK)
    code, out, err = _run(
        monkeypatch,
        capsys,
        "en_US.UTF-8",
        "--customers",
        "9000",
        "--out",
        str(tmp_path / "shop"),
        "--chunk=4000",
        "--locale",
        "nb_NO",
    )
    assert code == 0
    lines = err.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["Part 1/3", "Part 2/3", "Part 3/3"]
    assert "9,000 customers" in lines[-1] and "9,000 customers" in out
    marker = json.loads((tmp_path / "shop" / "synthetic.json").read_text(encoding="utf-8"))
    assert (marker["locale"], marker["currency"], marker["parts"]) == ("nb_NO", "NOK", 3)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--out", "x"], "Mangler: --customers."),
        (["--customers", "ti", "--out", "x"], "--customers trenger et helt tall, ikke «ti»."),
        (["--customers", "5", "--out"], "--out trenger en verdi."),
        (["--customers", "5", "--out", "x", "--fast"], "Ukjente argumenter: --fast."),
        (["--customers", "0", "--out", "x"], "Antall kunder må være et helt tall på minst 1."),
        (["--customers", "5", "--out", "x", "--seed", "-3"], "Startverdien må være"),
    ],
)
def test_bad_command_lines_exit_2_in_the_users_language(
    tmp_path, monkeypatch, capsys, arguments, expected
):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(monkeypatch, capsys, "nb_NO.UTF-8", *arguments)
    assert code == 2
    assert err.startswith(expected)
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_help_exits_0_and_a_refused_disk_exits_1(tmp_path, monkeypatch, capsys):
    code, out, _ = _run(monkeypatch, capsys, "de_DE.UTF-8", "--help")
    assert code == 0 and out.startswith("Aufruf: python -m kundenmodell generate")
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    code, _, err = _run(
        monkeypatch, capsys, "en_US.UTF-8", "--customers", "5", "--out", str(blocked / "shop")
    )
    assert code == 1 and err.startswith(f"Could not write “{blocked / 'shop'}”")


def test_without_a_command_both_usages_are_shown(monkeypatch, capsys):
    _speak(monkeypatch, "en_US.UTF-8")
    assert package_command.main([]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("Usage: python -m kundenmodell app")
    assert lines[1].startswith("Usage: python -m kundenmodell generate")
