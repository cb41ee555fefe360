"""The engine: purchase scans as Ibis expressions, run where the data lives.

Reduce in the engine, model in Python. Every question that scans purchases (per-customer
summary, CLV inputs, RFM scores, activity, monthly revenue, churn, cohorts) is an Ibis
expression over a purchase table; DuckDB embedded runs it by default (in memory over Arrow for
a :class:`~kundenmodell.dataset.Dataset`, in place for Parquet and DuckDB files), Spark
through ``ibis.pyspark.connect(session)``, a warehouse through an Ibis connection string.
Only small results come back to pandas.
"""

from kundenmodell.engine.activity import activity_class
from kundenmodell.engine.connection import (
    backend_of,
    connection,
    frame_table,
    materialised,
    scalars,
    to_pandas,
)
from kundenmodell.engine.customers import clv_histogram, customer_summary, day_totals
from kundenmodell.engine.keys import KeyedPurchases, keyed_purchases
from kundenmodell.engine.periods import (
    cohort_cells,
    cohort_cells_of_periods,
    customer_periods,
    monthly_totals,
    spell_events,
    spell_events_of_periods,
)
from kundenmodell.engine.persona_features import (
    KeyedPersonaPurchases,
    keyed_persona_purchases,
    persona_behaviour,
    persona_mix,
    persona_purchases,
    sample_customers,
)
from kundenmodell.engine.purchases import last_day, purchase_rows, purchases
from kundenmodell.engine.scores import quantile_score, rfm_scores
from kundenmodell.engine.sources import PURCHASE_COLUMNS, EngineTables, open_source

__all__ = [
    "PURCHASE_COLUMNS",
    "EngineTables",
    "KeyedPersonaPurchases",
    "KeyedPurchases",
    "activity_class",
    "backend_of",
    "clv_histogram",
    "cohort_cells",
    "cohort_cells_of_periods",
    "connection",
    "customer_periods",
    "customer_summary",
    "day_totals",
    "frame_table",
    "keyed_persona_purchases",
    "keyed_purchases",
    "last_day",
    "materialised",
    "monthly_totals",
    "open_source",
    "persona_behaviour",
    "persona_mix",
    "persona_purchases",
    "purchase_rows",
    "purchases",
    "quantile_score",
    "rfm_scores",
    "sample_customers",
    "scalars",
    "spell_events",
    "spell_events_of_periods",
    "to_pandas",
]
