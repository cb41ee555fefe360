"""Overview: KPIs, lifecycle funnel, actual and regular customers, RFM, NPS, churn and cohorts."""

import streamlit as st

from kundenmodell import Dataset, charts, summaries
from kundenmodell.i18n import (
    format_date,
    format_money,
    format_number,
    format_percent,
)
from kundenmodell.segments import NPS_GROUPS, ActivityRules
from kundenmodell.segments.report import SegmentReport, segment_report
from ui.feedback import future_reference_warning, guard
from ui.money_tile import money_tile
from ui.segment_controls import segment_controls
from ui.session import T, dataset, derive, derive_in_place, in_place_source, lang
from ui.tables import WRAPPED_ROW_HEIGHT, table_with_download


def _missing(report: SegmentReport, view: str) -> None:
    """Which column a view needs that the data set lacks (:attr:`SegmentReport.missing`)."""
    column = report.missing[view]
    st.info(T("overview.missing_columns", columns=T(f"column.{column}")), icon=":material/info:")


def _kpis(data: Dataset, report: SegmentReport, rules: ActivityRules, inactive_months: int) -> None:
    """Customers, revenue, actual and regular customers, order value, NPS and churn."""
    language = lang()
    figures = report.kpis
    row = st.columns(4)
    row[0].metric(T("overview.customers"), format_number(report.customers, language))
    money_tile(row[1], T("overview.revenue"), figures.revenue, data.currency)
    if report.actual_customers is not None:
        row[2].metric(
            T("segments_page.kpi_actual"),
            format_number(report.actual_customers, language),
            help=T("segments_page.kpi_actual_help", days=rules.active_window_days),
        )
        row[3].metric(
            T("segments_page.kpi_regular"),
            format_number(report.regular_customers, language),
            help=T(
                "segments_page.kpi_regular_help",
                purchases=rules.regular_min_purchases,
                days=rules.regular_window_days,
            ),
        )
    row = st.columns(4)
    if report.regular_revenue_share is not None:
        row[0].metric(
            T("segments_page.kpi_regular_revenue"),
            format_percent(report.regular_revenue_share, language),
            help=T("segments_page.kpi_regular_revenue_help"),
        )
    if figures.average_purchase is not None:
        row[1].metric(
            T("overview.order_value"),
            format_money(figures.average_purchase, data.currency, language),
        )
    if report.nps is not None:
        row[2].metric(
            T("segments_page.kpi_nps"),
            format_number(report.nps.score, language),
            help=T(
                "segments_page.kpi_nps_help",
                low=format_number(report.nps.ci_low, language),
                high=format_number(report.nps.ci_high, language),
                n=format_number(report.nps.n, language),
            ),
        )
    if report.monthly_churn is not None:
        row[3].metric(
            T("segments_page.kpi_churn"),
            format_percent(report.monthly_churn, language, decimals=1),
            help=T("segments_page.kpi_churn_help", months=inactive_months),
        )


def _monthly(data: Dataset, report: SegmentReport) -> None:
    """Revenue month by month."""
    language = lang()
    if not report.monthly.empty:
        st.header(T("overview.monthly_title"))
        st.altair_chart(
            charts.monthly_revenue_chart(report.monthly, language, data.currency), width="stretch"
        )
        st.caption(summaries.monthly_revenue_summary(report.monthly, language, data.currency))


def _lifecycle_tab(report: SegmentReport) -> None:
    """The lifecycle funnel from lead to customer."""
    language = lang()
    if report.funnel is None:
        _missing(report, "funnel")
    else:
        st.markdown(f"### {T('segments_page.funnel_title')}")
        st.caption(T("segments_page.funnel_caption"))
        st.altair_chart(charts.funnel_chart(report.funnel, language), width="stretch")
        st.caption(summaries.funnel_summary(report.funnel, language))
        days = report.funnel["median_days_to_customer"].dropna()
        if not days.empty:
            st.caption(T("segments_page.median_days", days=format_number(days.iloc[0], language)))
        funnel = report.funnel.assign(stage=[T(f"status.{s}") for s in report.funnel["stage"]])
        table_with_download(
            funnel,
            {
                "stage": T("segments_page.stage"),
                "current": T("segments_page.current"),
                "reached": T("segments_page.reached"),
                "share": T("overview.share"),
                "conversion": T("segments_page.conversion"),
            },
            file_name="funnel.csv",
            key="download_funnel",
            formats={"share": "percent", "conversion": "percent"},
        )


def _activity_tab(report: SegmentReport, rules: ActivityRules) -> None:
    """Actual and regular customers, and the revenue they bring."""
    language = lang()
    if report.activity_summary is None:
        _missing(report, "activity")
    else:
        st.markdown(
            T(
                "segments_page.activity_explained",
                purchases=rules.regular_min_purchases,
                regular_days=rules.regular_window_days,
                active_days=rules.active_window_days,
            )
        )
        summary = report.activity_summary
        st.success(
            T(
                "segments_page.activity_result",
                regular_share=format_percent(report.regular_buyer_share, language),
                revenue_share=format_percent(report.regular_revenue_share, language),
            ),
            icon=":material/insights:",
        )
        st.altair_chart(
            charts.share_comparison_chart(
                summary, "activity", language, title=T("segments_page.class")
            ),
            width="stretch",
        )
        st.caption(summaries.share_comparison_summary(summary, "activity", language))
        table_with_download(
            summary.assign(activity=[T(f"activity.{a}") for a in summary["activity"]]),
            {
                "activity": T("segments_page.class"),
                "customers": T("segments_page.customers"),
                "customer_share": T("segments_page.customer_share"),
                "revenue": T("segments_page.revenue"),
                "revenue_share": T("segments_page.revenue_share"),
            },
            file_name="customer_activity.csv",
            key="download_activity",
            formats={"customer_share": "percent", "revenue": 2, "revenue_share": "percent"},
        )


def _rfm_tab(report: SegmentReport) -> None:
    """RFM grid and segments with their actions."""
    language = lang()
    if report.rfm_grid is None:
        _missing(report, "rfm")
    else:
        st.caption(T("segments_page.rfm_caption"))
        left, right = st.columns([2, 3])
        with left:
            st.markdown(f"### {T('segments_page.rfm_grid_title')}")
            st.altair_chart(charts.rfm_grid_chart(report.rfm_grid, language), width="stretch")
            st.caption(summaries.rfm_grid_summary(report.rfm_grid, language))
        with right:
            summary = report.rfm_summary
            st.altair_chart(
                charts.share_comparison_chart(
                    summary,
                    "segment",
                    language,
                    title=T("segments_page.segment"),
                    labels={s: T(f"rfm.segment.{s}") for s in summary["segment"]},
                ),
                width="stretch",
            )
            st.caption(
                summaries.share_comparison_summary(
                    summary,
                    "segment",
                    language,
                    labels={s: T(f"rfm.segment.{s}") for s in summary["segment"]},
                )
            )
        table_with_download(
            summary.assign(
                action=[T(f"rfm.action.{s}") for s in summary["segment"]],
                segment=[T(f"rfm.segment.{s}") for s in summary["segment"]],
            ),
            {
                "segment": T("segments_page.segment"),
                "customers": T("segments_page.customers"),
                "customer_share": T("segments_page.customer_share"),
                "revenue_share": T("segments_page.revenue_share"),
                "action": T("segments_page.action"),
            },
            file_name="rfm_segments.csv",
            key="download_rfm",
            formats={"customer_share": "percent", "revenue_share": "percent"},
            column_config={
                "action": st.column_config.TextColumn(width="large"),
            },
            row_height=WRAPPED_ROW_HEIGHT,
            height="content",
        )


def _nps_tab(report: SegmentReport) -> None:
    """Net Promoter groups, strategies and NPS by activity."""
    language = lang()
    if report.nps is None:
        st.info(
            T("segments_page.nps_missing", column=T(f"column.{report.missing['nps']}")),
            icon=":material/info:",
        )
    else:
        st.markdown(f"### {T('segments_page.nps_groups_title')}")
        shares = {group: report.nps.share(group) for group in NPS_GROUPS}
        st.altair_chart(charts.nps_groups_chart(shares, language), width="stretch")
        st.caption(summaries.nps_groups_summary(shares, language))
        st.markdown(f"### {T('segments_page.nps_strategy_title')}")
        for group in NPS_GROUPS:
            st.markdown(f"- **{T(f'nps.group.{group}')}**: {T(f'nps.strategy.{group}')}")
        if report.nps_by_activity is not None and not report.nps_by_activity.empty:
            st.markdown(f"### {T('segments_page.nps_by_title')}")
            by = report.nps_by_activity
            table_with_download(
                by.assign(group=[T(f"activity.{g}") for g in by["group"]]),
                {
                    "group": T("segments_page.class"),
                    "n": T("segments_page.answers"),
                    "score": T("segments_page.kpi_nps"),
                    "ci_low": T("segments_page.ci.low"),
                    "ci_high": T("segments_page.ci.high"),
                },
                file_name="nps_by_activity.csv",
                key="download_nps",
                formats={"score": 1, "ci_low": 1, "ci_high": 1},
            )


def _churn_tab(report: SegmentReport, inactive_months: int) -> None:
    """Monthly churn and cohorts."""
    language = lang()
    if report.churn is None:
        _missing(report, "churn")
    else:
        st.markdown(f"### {T('segments_page.churn_title')}")
        st.caption(T("segments_page.churn_caption", months=inactive_months))
        st.altair_chart(charts.churn_chart(report.churn, language), width="stretch")
        st.caption(summaries.churn_summary(report.churn, language))
        st.markdown(f"### {T('segments_page.cohort_title')}")
        st.caption(T("segments_page.cohort_caption"))
        st.altair_chart(charts.cohort_heatmap(report.cohorts, language), width="stretch")
        st.caption(summaries.cohort_summary(report.cohorts, language))
        table_with_download(
            report.churn,
            {
                "period": T("segments_page.month"),
                "active_start": T("segments_page.active"),
                "churned": T("segments_page.churn_title"),
                "churn_rate": T("segments_page.churn_rate"),
            },
            file_name="churn.csv",
            key="download_churn",
            formats={"period": "month", "churn_rate": "percent"},
        )


def _report(data: Dataset) -> None:
    """The segment report of the filtered customers, as KPIs, monthly revenue and five tabs."""
    language = lang()
    selection, rules, inactive_months = segment_controls(data)
    source = in_place_source()
    if source is None:
        report = derive(segment_report, selection, rules, inactive_months)
    else:  # every row, where the data lies; ``data`` is the sample the controls offer
        with st.spinner(T("in_place.computing"), show_time=True):
            report = derive_in_place(segment_report, selection, rules, inactive_months)
        st.caption(
            ":material/database: "
            + T(
                "in_place.overview_note",
                customers=format_number(report.customers, language),
                transactions=format_number(report.kpis.purchases, language),
            )
        )
    if report.customers == 0:
        st.warning(T("segments_page.empty_filter"), icon=":material/filter_alt_off:")
        return
    if report.as_of is not None:
        st.caption(T("segments_page.as_of", date=format_date(report.as_of, language)))
        future_reference_warning(report.as_of)
    _kpis(data, report, rules, inactive_months)
    _monthly(data, report)
    lifecycle, activity, rfm, nps, churn = st.tabs(
        [
            T("segments_page.tab_lifecycle"),
            T("segments_page.tab_activity"),
            T("segments_page.tab_rfm"),
            T("segments_page.tab_nps"),
            T("segments_page.tab_churn"),
        ]
    )
    with lifecycle:
        _lifecycle_tab(report)
    with activity:
        _activity_tab(report, rules)
    with rfm:
        _rfm_tab(report)
    with nps:
        _nps_tab(report)
    with churn:
        _churn_tab(report, inactive_months)


def _page() -> None:
    st.title(T("overview.title"))
    data = dataset()
    if data is None:
        st.info(T("overview.none"), icon=":material/info:")
        return
    with guard():
        _report(data)


_page()
