"""Customer segments from the source texts: lifecycle funnel, actual and regular customers,
RFM, promoters/passives/detractors (NPS), churn and acquisition cohorts.

Every function takes canonical tables and returns pandas objects indexed by ``customer_id``
(or tidy frames for charts); class and segment values are stable English keys that the UI
translates (``activity.regular``, ``rfm.segment.champions``, ...).
"""

from kundenmodell.segments.activity import ACTIVITY_CLASSES, ActivityRules, classify_activity
from kundenmodell.segments.churn import churn_rate, cohort_retention
from kundenmodell.segments.filters import SegmentFilter, filter_dataset
from kundenmodell.segments.lifecycle import lifecycle_funnel
from kundenmodell.segments.nps import NPS_GROUPS, NpsResult, nps, nps_by, nps_group
from kundenmodell.segments.report import SegmentReport, activity_summary, segment_report
from kundenmodell.segments.rfm import RFM_SEGMENTS, rfm, rfm_summary

__all__ = [
    "ACTIVITY_CLASSES",
    "NPS_GROUPS",
    "RFM_SEGMENTS",
    "ActivityRules",
    "NpsResult",
    "SegmentFilter",
    "SegmentReport",
    "activity_summary",
    "churn_rate",
    "classify_activity",
    "cohort_retention",
    "filter_dataset",
    "lifecycle_funnel",
    "nps",
    "nps_by",
    "nps_group",
    "rfm",
    "rfm_summary",
    "segment_report",
]
