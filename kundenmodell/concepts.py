"""The domain concepts of the source texts, in teaching order.

Their names and explanations live in the i18n catalogues under ``concept.<key>.term`` and
``concept.<key>.text``; this list is the one place that says which concepts exist.
"""

CONCEPTS: tuple[str, ...] = (
    "customer",
    "consumer",
    "lifecycle",
    "actual_customer",
    "regular_customer",
    "b2b_b2c",
    "internal_external",
    "persona",
    "nps_groups",
    "churn",
    "retention_acquisition",
    "segmentation",
    "data_minimisation",
)
