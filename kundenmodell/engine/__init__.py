"""The engine: purchase scans as Ibis expressions, run where the data lives.

Reduce in the engine, model in Python. Every question that scans purchases (per-customer
summary, CLV inputs, RFM scores, activity, monthly revenue, churn, cohorts) is an Ibis
expression over a purchase table; DuckDB embedded runs it by default (in memory over Arrow for
a :class:`~kundenmodell.dataset.Dataset`, in place for Parquet and DuckDB files), Spark
through ``ibis.pyspark.connect(session)``, a warehouse through an Ibis connection string.
Only small results come back to pandas.
"""

from kundenmodell.engine.activity import BUYER_CLASSES, activity_class, activity_code
from kundenmodell.engine.connection import (
    arrow_table,
    backend_of,
    connection,
    frame_table,
    materialised,
    releasing,
    scalars,
    to_arrow,
    to_pandas,
)
from kundenmodell.engine.customers import (
    BASE_COLUMNS,
    clv_histogram,
    customer_base,
    customer_summary,
    day_totals,
    every_purchase_day,
    recent_day_counts,
    summary_of_base,
    summary_of_days,
    totals_of_days,
)
from kundenmodell.engine.frame_days import PurchaseDays, purchase_days
from kundenmodell.engine.kept import KeptTable, keep, kept_path
from kundenmodell.engine.keys import KeyedPurchases, key_table, keyed_purchases
from kundenmodell.engine.periods import (
    cohort_cells,
    cohort_cells_of_periods,
    customer_periods,
    flag_periods,
    monthly_of_period_cells,
    monthly_of_period_totals,
    monthly_totals,
    period_cells,
    period_totals,
    spell_events,
    spell_events_of_periods,
)
from kundenmodell.engine.persona_features import (
    KeyedPersonaPurchases,
    keyed_persona_purchases,
    part_customers,
    persona_behaviour,
    persona_mix,
    persona_purchases,
    sample_customers,
)
from kundenmodell.engine.purchases import (
    MONEY,
    as_float,
    last_day,
    money,
    purchase_rows,
    purchase_totals,
    purchases,
)
from kundenmodell.engine.scores import rfm_scores, value_scores
from kundenmodell.engine.sources import PURCHASE_COLUMNS, EngineTables, open_source

__all__ = [
    "BASE_COLUMNS",
    "BUYER_CLASSES",
    "MONEY",
    "PURCHASE_COLUMNS",
    "EngineTables",
    "KeptTable",
    "KeyedPersonaPurchases",
    "KeyedPurchases",
    "PurchaseDays",
    "activity_class",
    "activity_code",
    "arrow_table",
    "as_float",
    "backend_of",
    "clv_histogram",
    "cohort_cells",
    "cohort_cells_of_periods",
    "connection",
    "customer_base",
    "customer_periods",
    "customer_summary",
    "day_totals",
    "every_purchase_day",
    "flag_periods",
    "frame_table",
    "keep",
    "kept_path",
    "key_table",
    "keyed_persona_purchases",
    "keyed_purchases",
    "last_day",
    "materialised",
    "money",
    "monthly_of_period_cells",
    "monthly_of_period_totals",
    "monthly_totals",
    "open_source",
    "part_customers",
    "period_cells",
    "period_totals",
    "persona_behaviour",
    "persona_mix",
    "persona_purchases",
    "purchase_days",
    "purchase_rows",
    "purchase_totals",
    "purchases",
    "recent_day_counts",
    "releasing",
    "rfm_scores",
    "sample_customers",
    "scalars",
    "spell_events",
    "spell_events_of_periods",
    "summary_of_base",
    "summary_of_days",
    "to_arrow",
    "to_pandas",
    "totals_of_days",
    "value_scores",
]
