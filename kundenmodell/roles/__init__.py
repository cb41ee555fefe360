"""Customer vs. consumer: who buys (the Kunde, who pays) and who uses (the Verbraucher).

>>> import kundenmodell as km
>>> from kundenmodell import roles
>>> report = roles.compare(km.synth.generate(2_000, seed=1), by="customer_type")
>>> report.status, 0 < report.other_revenue_share < 1
('ok', True)

- :mod:`.purchases`: the purchase table with canonical consumer roles;
- :mod:`.mix`: purchases and revenue per role, per group, and the buyer → consumer flow;
- :mod:`.ages`: buyers' age bands against the users' (estimated from the role);
- :mod:`.kpis`: repeat behaviour by first role, gift seasonality, buying-center roles;
- :mod:`.internal`: internal vs external customers;
- :mod:`.implications`: marketing implications generated from the role mix;
- :mod:`.report`: :func:`compare`, the whole analysis; :mod:`.charts`: its Altair charts.
"""

from kundenmodell.roles.ages import AGE_BANDS, UNKNOWN_BAND
from kundenmodell.roles.implications import Implication
from kundenmodell.roles.kpis import BUYING_CENTER_COLUMN, BUYING_CENTER_ROLES, BuyingCenter
from kundenmodell.roles.purchases import ROLE_COLUMN, role_codes
from kundenmodell.roles.report import (
    EXAMPLE_CUSTOMERS,
    GROUPINGS,
    RoleReport,
    available_groupings,
    compare,
    example_dataset,
    example_report,
    grouping_values,
    role_report,
    share_of_revenue,
)

__all__ = [
    "AGE_BANDS",
    "BUYING_CENTER_COLUMN",
    "BUYING_CENTER_ROLES",
    "EXAMPLE_CUSTOMERS",
    "GROUPINGS",
    "ROLE_COLUMN",
    "UNKNOWN_BAND",
    "BuyingCenter",
    "Implication",
    "RoleReport",
    "available_groupings",
    "compare",
    "example_dataset",
    "example_report",
    "grouping_values",
    "role_codes",
    "role_report",
    "share_of_revenue",
]
