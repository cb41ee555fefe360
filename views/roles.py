"""Kunde vs. Verbraucher: who buys and pays, who uses, and what follows for marketing."""

import pandas as pd
import streamlit as st

from kundenmodell import Dataset, roles
from kundenmodell.i18n import Formats, has_key, value_label
from kundenmodell.roles import charts as role_charts
from kundenmodell.roles import summaries as role_summaries
from kundenmodell.roles.implications import MIN_OVERALL_SHARE, MIN_PURCHASES, MIN_SHARE
from kundenmodell.roles.report import RoleReport
from kundenmodell.schema import CONSUMER_ROLES
from ui.feedback import guard
from ui.sample_notice import sample_notice
from ui.session import T, dataset, derive, lang
from ui.tables import WRAPPED_ROW_HEIGHT, table_with_download

ROLE_SOURCES = ("checkout", "gift", "b2b")
GROUPING = "roles_grouping"
ROUNDED = (
    "revenue",
    "average_purchase",
    "revenue_per_customer",
    "repeat_purchases",
    "gift_revenue",
    "index",
    "purchases_per_contact",
    "revenue_per_contact",
    "revenue_per_buyer",
    "nps",
    "nps_low",
    "nps_high",
)


def _formats() -> Formats:
    """The page's language and currency: the data set's, or without data the teaching
    example's (its money is in the currency of the language's country)."""
    language = lang()
    data = dataset()
    if data is None:
        return Formats(language, roles.example_dataset(language).currency)
    return Formats.of(language, data.currency)


def _role(role: str) -> str:
    return value_label("consumer_role", role, lang())


def _two_decimals(frame: pd.DataFrame) -> pd.DataFrame:
    """The :data:`ROUNDED` columns (money, averages, the season index, NPS) rounded to two
    decimals for display: a spreadsheet or browser showing ``109.593`` would read as a hundred
    thousand in German."""
    columns = [name for name in frame.columns if name in ROUNDED]
    return frame.assign(**{name: frame[name].astype(float).round(2) for name in columns})


def _buying_role(role: str) -> str:
    key = f"roles.bc.{role}"
    return T(key) if has_key(key, lang()) else role


def _headline(report: RoleReport) -> None:
    """The four key figures and the one sentence that says what they mean."""
    fmt = _formats()
    cells = st.columns(4)
    cells[0].metric(
        T("roles.kpi_other_purchases"),
        fmt.percent(report.other_purchase_share),
        help=T("roles.kpi_other_purchases_help"),
    )
    cells[1].metric(
        T("roles.kpi_other_revenue"),
        fmt.percent(report.other_revenue_share),
        help=T("roles.kpi_other_revenue_help"),
    )
    if report.main_other_role is not None:
        role, share = report.main_other_role
        cells[2].metric(
            T("roles.kpi_main_role"),
            _role(role),
            T("roles.kpi_main_role_share", share=fmt.percent(share)),
            delta_color="off",
            delta_arrow="off",
            help=T("roles.kpi_main_role_help"),
        )
    cells[3].metric(
        T("roles.kpi_coverage"),
        fmt.percent(report.coverage),
        help=T("roles.kpi_coverage_help", purchases=fmt.number(report.purchases)),
    )
    st.success(
        T(
            "roles.headline",
            purchases=fmt.percent(report.other_purchase_share),
            revenue=fmt.percent(report.other_revenue_share),
        ),
        icon=":material/diversity_3:",
    )
    if report.unknown_purchases:
        st.caption(T("roles.unknown_note", count=fmt.number(report.unknown_purchases)))


def _flow(report: RoleReport) -> None:
    fmt = _formats()
    st.header(T("roles.flow_title"))
    st.caption(T("roles.flow_caption"))
    st.altair_chart(role_charts.flow_chart(report.flow, fmt.lang, fmt.currency), width="stretch")
    st.caption(role_summaries.flow_summary(report.flow, fmt.lang))


def _implications(report: RoleReport, *, download: bool) -> None:
    fmt = _formats()
    if not report.implications:
        st.info(T("roles.no_implications", minimum=MIN_PURCHASES), icon=":material/info:")
        return
    if report.grouping == roles.ROLE_COLUMN:
        st.caption(T("roles.marketing_caption_total", share=fmt.percent(MIN_OVERALL_SHARE)))
    else:
        st.caption(T("roles.marketing_caption", share=fmt.percent(MIN_SHARE)))
    for item in report.implications:
        with st.container(border=True):
            st.markdown(f"**{item.headline(fmt.lang)}:** {item.message(fmt.lang)}")
            st.caption(
                T(
                    "roles.marketing_line",
                    audience=item.audience_label(fmt.lang),
                    channel=item.channel(fmt.lang),
                )
            )
    if download:
        rows = [
            {
                "group": item.group_label(fmt.lang),
                "role": _role(item.role),
                "share": item.share,
                "audience": item.audience_label(fmt.lang),
                "message": item.message(fmt.lang),
                "channel": item.channel(fmt.lang),
            }
            for item in report.implications
        ]
        table_with_download(
            pd.DataFrame(rows),
            {name: T(f"roles.col.{name}") for name in rows[0]},
            file_name="marketing_implications.csv",
            key="roles_download_implications",
            formats={"share": "percent"},
            column_config={
                "message": st.column_config.TextColumn(width="large"),
                "channel": st.column_config.TextColumn(width="large"),
            },
            row_height=WRAPPED_ROW_HEIGHT,
        )


def _groups(report: RoleReport, *, table: bool = True) -> None:
    fmt = _formats()
    if report.grouping == roles.ROLE_COLUMN:
        mix = report.by_role.assign(group=T("roles.all_purchases"))
        st.altair_chart(role_charts.role_share_chart(mix, fmt.lang, fmt.currency), width="stretch")
        st.caption(role_summaries.role_share_summary(mix, fmt.lang))
        table_with_download(
            _two_decimals(report.by_role.assign(role=[_role(r) for r in report.by_role["role"]])),
            {
                name: T(f"roles.col.{name}")
                for name in (
                    "role",
                    "purchases",
                    "purchase_share",
                    "revenue",
                    "revenue_share",
                    "buyers",
                    "average_purchase",
                )
            },
            file_name="revenue_by_consumer.csv",
            key="roles_download_by_role",
            formats={
                "purchase_share": "percent",
                "revenue_share": "percent",
                "revenue": 2,
                "average_purchase": 2,
            },
        )
        return
    if report.groups.empty:
        st.info(
            T("roles.no_group_values", by=T(f"roles.by.{report.grouping}")), icon=":material/info:"
        )
        return
    st.caption(T("roles.groups_caption", by=T(f"roles.by.{report.grouping}")))
    st.altair_chart(
        role_charts.role_share_chart(
            report.role_mix, fmt.lang, fmt.currency, group_column=report.grouping
        ),
        width="stretch",
    )
    st.caption(
        role_summaries.role_share_summary(report.role_mix, fmt.lang, group_column=report.grouping)
    )
    if not table:
        return
    groups = report.groups.assign(
        group=[value_label(report.grouping, g, fmt.lang) for g in report.groups["group"]],
        main_other_role=[
            _role(r) if isinstance(r, str) else "–" for r in report.groups["main_other_role"]
        ],
    )
    table_with_download(
        _two_decimals(groups),
        {
            "group": T(f"roles.by.{report.grouping}"),
            "purchases": T("roles.col.purchases"),
            "revenue": T("roles.col.revenue"),
            "other_purchase_share": T("roles.col.other_purchase_share"),
            "other_revenue_share": T("roles.col.other_revenue_share"),
            "main_other_role": T("roles.col.main_other_role"),
            "main_other_share": T("roles.col.main_other_share"),
        },
        file_name="roles_by_group.csv",
        key="roles_download_groups",
        formats={
            "revenue": 2,
            "other_purchase_share": "percent",
            "other_revenue_share": "percent",
            "main_other_share": "percent",
        },
    )
    if report.ungrouped_purchases:
        st.caption(T("roles.ungrouped_note", count=fmt.number(report.ungrouped_purchases)))


def _ages(report: RoleReport, *, key: str, default: str | None = None) -> None:
    fmt = _formats()
    if report.age_cells is None:
        st.info(
            T("roles.ages_missing", age=T("column.age"), birth=T("column.birth_date")),
            icon=":material/info:",
        )
        return
    present = [role for role in CONSUMER_ROLES if role in set(report.by_role["role"])]
    labels = {"all": T("roles.ages_all")} | {role: _role(role) for role in present}
    options = list(labels)
    choice = st.selectbox(
        T("roles.ages_for"),
        options,
        index=options.index(default) if default in options else 0,
        format_func=labels.__getitem__,
        key=f"{key}_{fmt.lang}",  # labels are the widget's value: one widget per language
    )
    chosen = None if choice == "all" else [choice]
    buyer, user = report.typical_band("buyer", chosen), report.typical_band("user", chosen)
    if buyer and user:
        st.markdown(
            T(
                "roles.ages_sentence",
                buyer_band=buyer[0],
                buyer_share=fmt.percent(buyer[1]),
                user_band=user[0],
                user_share=fmt.percent(user[1]),
            )
        )
    st.altair_chart(
        role_charts.age_profile_chart(report.age_profile(chosen), fmt.lang), width="content"
    )
    st.info(T("roles.ages_assumptions"), icon=":material/lightbulb:")


def _kpis(report: RoleReport) -> None:
    fmt = _formats()
    st.markdown(f"### {T('roles.revenue_title')}")
    by_role = _two_decimals(report.by_role.assign(role=[_role(r) for r in report.by_role["role"]]))
    table_with_download(
        by_role,
        {
            name: T(f"roles.col.{name}")
            for name in (
                "role",
                "purchases",
                "revenue",
                "revenue_share",
                "buyers",
                "average_purchase",
                "median_buyer_age",
            )
        },
        file_name="revenue_by_consumer.csv",
        key="roles_download_revenue",
        formats={
            "revenue": 2,
            "revenue_share": "percent",
            "average_purchase": 2,
            "median_buyer_age": 0,
        },
    )

    st.markdown(f"### {T('roles.repeat_title')}")
    repeat = report.repeat
    if repeat is None:
        st.info(T("roles.needs_dates", column=T("column.date")), icon=":material/info:")
    elif repeat.empty:
        st.info(T("roles.repeat_none", days=report.repeat_window_days), icon=":material/info:")
    else:
        st.caption(T("roles.repeat_caption", days=report.repeat_window_days))
        if report.gift_vs_self_repeat is not None:
            gift, own = report.gift_vs_self_repeat
            st.markdown(
                T(
                    "roles.repeat_sentence",
                    days=report.repeat_window_days,
                    gift=fmt.percent(gift),
                    own=fmt.percent(own),
                )
            )
        st.altair_chart(role_charts.repeat_chart(repeat, fmt.lang), width="stretch")
        st.caption(role_summaries.repeat_summary(repeat, fmt.lang))
        table_with_download(
            _two_decimals(repeat.assign(first_role=[_role(r) for r in repeat["first_role"]])),
            {name: T(f"roles.col.{name}") for name in repeat.columns},
            file_name="repeat_by_first_role.csv",
            key="roles_download_repeat",
            formats={
                "repeat_rate": "percent",
                "repeat_purchases": 2,
                "revenue_per_customer": 2,
            },
        )

    st.markdown(f"### {T('roles.season_title')}")
    season = report.gift_season
    if season is None:
        st.info(T("roles.needs_dates", column=T("column.date")), icon=":material/info:")
    elif report.gift_peak is None:
        st.info(T("roles.season_none"), icon=":material/info:")
    else:
        peak = report.gift_peak
        st.markdown(
            T(
                "roles.season_sentence",
                month=role_charts.month_names(fmt.lang, "wide")[peak.month - 1],
                share=fmt.percent(peak.share),
                overall=fmt.percent(peak.overall_share),
            )
        )
        st.altair_chart(role_charts.gift_season_chart(season, fmt.lang), width="stretch")
        st.caption(role_summaries.gift_season_summary(season, fmt.lang))
        names = role_charts.month_names(fmt.lang, "wide")
        table_with_download(
            _two_decimals(season.assign(month=[names[m - 1] for m in season["month"]])),
            {name: T(f"roles.col.{name}") for name in season.columns},
            file_name="gift_seasonality.csv",
            key="roles_download_season",
            formats={
                "gift_share": "percent",
                "gift_revenue": 2,
                "index": 2,
            },
        )
    _buying_center(report)


def _buying_center(report: RoleReport) -> None:
    st.markdown(f"### {T('roles.bc_title')}")
    center = report.buying_center
    if center is None or not center.available:
        values = ", ".join(f"`{value}`" for value in roles.BUYING_CENTER_ROLES)
        st.info(
            T("roles.bc_missing", column=roles.BUYING_CENTER_COLUMN, values=values),
            icon=":material/info:",
        )
        return
    st.caption(T("roles.bc_caption"))
    table = _two_decimals(center.table.assign(role=[_buying_role(r) for r in center.table["role"]]))
    table_with_download(
        table,
        {name: T(f"roles.col.{name}") for name in table.columns} | {"role": T("roles.col.bc_role")},
        file_name="buying_center.csv",
        key="roles_download_bc",
        formats={
            "revenue": 2,
            "purchases_per_contact": 1,
            "revenue_per_contact": 2,
        },
    )


def _internal(report: RoleReport) -> None:
    fmt = _formats()
    table = report.internal_external
    if table is None:
        st.info(
            T("roles.internal_missing", column=T("column.relationship")), icon=":material/info:"
        )
        return
    st.caption(T("roles.internal_caption"))
    cells = st.columns(2)
    for cell, row in zip(cells, table.itertuples(index=False), strict=True):
        with cell.container(border=True):
            st.markdown(f"**{value_label('relationship', row.relationship, fmt.lang)}**")
            top, bottom = st.columns(2), st.columns(2)
            top[0].metric(T("roles.col.customers"), fmt.number(row.customers))
            top[1].metric(T("roles.col.revenue"), fmt.money(row.revenue))
            if row.nps == row.nps:  # not NaN
                bottom[0].metric(
                    T("roles.col.nps"),
                    fmt.number(row.nps, 1),
                    help=T(
                        "roles.nps_help",
                        low=fmt.number(row.nps_low, 1),
                        high=fmt.number(row.nps_high, 1),
                        n=fmt.number(row.nps_answers),
                    ),
                )
            else:
                bottom[0].metric(T("roles.col.nps"), "–", help=T("roles.nps_missing"))
            if row.revenue_per_buyer == row.revenue_per_buyer:
                bottom[1].metric(T("roles.col.revenue_per_buyer"), fmt.money(row.revenue_per_buyer))
    table_with_download(
        _two_decimals(
            table.assign(
                relationship=[
                    value_label("relationship", r, fmt.lang) for r in table["relationship"]
                ]
            )
        ),
        {name: T(f"roles.col.{name}") for name in table.columns},
        file_name="internal_external.csv",
        key="roles_download_internal",
        formats={
            "revenue": 2,
            "revenue_per_buyer": 2,
            "other_revenue_share": "percent",
            **{name: 1 for name in ("nps", "nps_low", "nps_high")},
            "nps_answers": 0,
        },
    )


def _how_to_capture(status: str, report: RoleReport | None) -> None:
    """Why there is no role analysis, how to collect the column, and the synthetic example."""
    fmt = _formats()
    if status == "empty_consumer_role":
        st.warning(
            T(
                "roles.status.empty_consumer_role",
                column=T("column.consumer_role"),
                count=fmt.number(report.unknown_purchases),
            ),
            icon=":material/help:",
        )
    elif status == "no_purchases":
        st.warning(T("roles.status.no_purchases"), icon=":material/help:")
    elif status == "no_consumer_role":
        st.warning(
            T("roles.status.no_consumer_role", column=T("column.consumer_role")),
            icon=":material/help:",
        )
    st.header(T("roles.capture_title"))
    for source in ROLE_SOURCES:
        st.markdown(f"- {T(f'roles.capture.{source}')}")
    st.markdown(T("roles.map_text", column=T("column.consumer_role"), code=roles.ROLE_COLUMN))
    st.dataframe(
        {
            T("roles.col.code"): list(CONSUMER_ROLES),
            T("roles.col.label"): [_role(role) for role in CONSUMER_ROLES],
            T("roles.col.example"): [T(f"roles.example_answer.{role}") for role in CONSUMER_ROLES],
        },
        hide_index=True,
        width="stretch",
    )
    st.divider()
    st.header(T("roles.example_title"))
    st.caption(T("roles.example_caption", customers=fmt.number(roles.EXAMPLE_CUSTOMERS)))
    example = roles.example_report(fmt.lang)
    _headline(example)
    _flow(example)
    st.markdown(f"### {T('roles.tab.groups')}")
    _groups(example, table=False)
    st.markdown(f"### {T('roles.tab.marketing')}")
    _implications(example, download=False)
    st.markdown(f"### {T('roles.tab.ages')}")
    _ages(example, key="roles_example_ages", default="child")


def _page(data: Dataset | None) -> None:
    """The role report of ``data`` (by the grouping the user picks), or, without the roles
    column, how to collect it and the synthetic example."""
    language = lang()
    if data is None:
        st.info(T("roles.none"), icon=":material/info:")
        _how_to_capture("none", None)
        return
    groupings = {option: T(f"roles.by.{option}") for option in roles.available_groupings(data)}
    chosen = st.session_state.get(GROUPING, roles.ROLE_COLUMN)
    # Streamlit keeps a radio's value as its label: one widget per language, so switching the
    # language shows the choice instead of an empty radio; the choice itself lives on.
    grouping = st.radio(
        T("roles.by_label"),
        list(groupings),
        index=list(groupings).index(chosen) if chosen in groupings else 0,
        format_func=groupings.__getitem__,
        horizontal=True,
        key=f"roles_by_{language}",
    )
    st.session_state[GROUPING] = grouping
    report = derive(roles.role_report, grouping)
    if not report.ok:
        _how_to_capture(report.status, report)
        if report.internal_external is not None:
            st.divider()
            st.header(T("roles.tab.internal"))
            _internal(report)
        return

    _headline(report)
    _flow(report)
    marketing, groups, ages, kpis, internal = st.tabs(
        [
            T("roles.tab.marketing"),
            T("roles.tab.groups"),
            T("roles.tab.ages"),
            T("roles.tab.kpis"),
            T("roles.tab.internal"),
        ]
    )
    with marketing:
        _implications(report, download=True)
    with groups:
        _groups(report)
    with ages:
        _ages(report, key="roles_ages", default="child")
    with kpis:
        _kpis(report)
    with internal:
        _internal(report)


st.title(T("roles.title"))
sample_notice()
st.markdown(T("roles.intro"))
with guard():
    _page(dataset())
