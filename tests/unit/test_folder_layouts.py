"""One shop written to data folders in the layouts other tools write, each read into memory
and analysed in place: the overview must not depend on the layout or on the path.

The shop is written here with numpy and Arrow (not by kundenmodell): integer customer
numbers, purchases at any time of day, amounts with cents. Each layout changes how one thing
is stored, as exports from warehouses, Spark, pandas or spreadsheets store it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kundenmodell as km
from kundenmodell.segments.report import segment_report

GENERATOR = np.random.default_rng(5)
CUSTOMERS, PURCHASES = 400, 3000
IDS = GENERATOR.choice(10**6, CUSTOMERS, replace=False)
BUYERS = IDS[GENERATOR.integers(0, int(CUSTOMERS * 0.8), PURCHASES)]
TIMES = (
    pd.Timestamp("2021-01-01")
    + pd.to_timedelta(GENERATOR.integers(0, 1400, PURCHASES), "D")
    + pd.to_timedelta(GENERATOR.integers(0, 86_400, PURCHASES), "s")
)
AMOUNTS = np.round(GENERATOR.gamma(2, 30, PURCHASES), 2)


def _plain() -> tuple[pa.Table, pa.Table]:
    customers = pa.table({"customer_id": IDS.astype(str)})
    purchases = pa.table({"customer_id": BUYERS.astype(str), "date": TIMES, "amount": AMOUNTS})
    return customers, purchases


def _with(table: pa.Table, column: str, values: pa.Array | np.ndarray) -> pa.Table:
    return table.set_column(table.schema.get_field_index(column), column, pa.array(values))


def _integer_ids(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    return _with(c, "customer_id", IDS), _with(p, "customer_id", BUYERS)


def _integer_customers_text_purchases(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    return _with(c, "customer_id", IDS), p


def _float_ids(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    return _with(c, "customer_id", IDS.astype(float)), _with(p, "customer_id", BUYERS.astype(float))


def _dictionary_ids(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    return (
        _with(c, "customer_id", pa.array(IDS.astype(str)).dictionary_encode()),
        _with(p, "customer_id", pa.array(BUYERS.astype(str)).dictionary_encode()),
    )


def _padded_ids(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    return c, _with(p, "customer_id", np.char.add(" ", BUYERS.astype(str)))


def _duplicate_customers(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    return pa.concat_tables([c, c.slice(0, 25)]), p


def _missing_and_odd_values(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    amounts = AMOUNTS.copy()
    amounts[:30], amounts[30:33] = np.nan, np.inf
    ids = BUYERS.astype(str).astype(object)
    ids[40:60] = None
    return c, _with(_with(p, "amount", amounts), "customer_id", pa.array(ids, pa.string()))


def _days_only(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    return c, _with(p, "date", TIMES.values.astype("datetime64[D]"))


def _utc_times_decimal_amounts(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    p = _with(p, "date", pa.array(TIMES, type=pa.timestamp("us", tz="UTC")))
    return c, _with(p, "amount", pa.array(AMOUNTS).cast(pa.decimal128(12, 2)))


def _before_1970(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    return c, _with(p, "date", TIMES - pd.DateOffset(years=60))


def _cents_as_integers(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    return c, _with(p, "amount", np.round(AMOUNTS * 100).astype(np.int64))


def _large_strings(c: pa.Table, p: pa.Table) -> tuple[pa.Table, pa.Table]:
    return (
        _with(c, "customer_id", pa.array(IDS.astype(str), pa.large_string())),
        _with(p, "customer_id", pa.array(BUYERS.astype(str), pa.large_string())),
    )


LAYOUTS: dict[str, Callable[[pa.Table, pa.Table], tuple[pa.Table, pa.Table]]] = {
    "text ids": lambda c, p: (c, p),
    "integer ids": _integer_ids,
    "integer customers, text purchases": _integer_customers_text_purchases,
    "float ids": _float_ids,
    "dictionary-encoded ids": _dictionary_ids,
    "padded purchase ids": _padded_ids,
    "duplicate customer rows": _duplicate_customers,
    "missing, infinite and unknown values": _missing_and_odd_values,
    "days without times": _days_only,
    "UTC times and DECIMAL amounts": _utc_times_decimal_amounts,
    "dates before 1970": _before_1970,
    "cents as integers": _cents_as_integers,
    "large strings": _large_strings,
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_gives_the_same_overview_in_memory_and_in_place(tmp_path, layout):
    customers, purchases = LAYOUTS[layout](*_plain())
    for name, table in (("customers", customers), ("transactions", purchases)):
        (tmp_path / name).mkdir()
        pq.write_table(table, tmp_path / name / "part.parquet")
    in_memory = segment_report(km.load(tmp_path, in_place=False))
    in_place = segment_report(km.load(tmp_path, in_place=True))
    assert in_memory.kpis == in_place.kpis
    assert in_memory.as_of == in_place.as_of
    assert in_memory.regular_customers == in_place.regular_customers
    pd.testing.assert_frame_equal(
        in_memory.activity_summary, in_place.activity_summary, check_dtype=False
    )
    pd.testing.assert_frame_equal(in_memory.monthly, in_place.monthly, check_dtype=False)
    by_class = in_memory.activity_summary.set_index("activity")["customers"]
    assert by_class.sum() == len(IDS)  # each customer in one class, also when listed twice
    if layout not in ("missing, infinite and unknown values", "cents as integers"):
        assert in_memory.kpis.revenue == pytest.approx(AMOUNTS.sum())
    assert in_memory.kpis.buyers == len(np.unique(BUYERS)) - (
        layout == "missing, infinite and unknown values"
    ) * len(np.setdiff1d(BUYERS[40:60], np.concatenate([BUYERS[:40], BUYERS[60:]])))
