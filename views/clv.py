"""Kundenwert: CLV from BG/NBD and Gamma-Gamma, P(alive), model check on a hold-out period,
retention curves and monthly churn. Every figure comes from :mod:`kundenmodell.clv.analysis`,
or from :mod:`kundenmodell.clv.in_place` on all rows of a source analysed where it lies (the
views that need customers in pandas then use the session's sample and say so); this page only
lays them out, one function per tab."""

import math

import pandas as pd
import streamlit as st

from kundenmodell.clv import analysis, charts, explain, in_place
from kundenmodell.clv import summaries as clv_summaries
from kundenmodell.clv.call_list import LIKELY_LEAVING, call_list
from kundenmodell.dataset import Dataset
from kundenmodell.engine.in_place import InPlaceSource
from kundenmodell.i18n import Formats
from ui.downloads import csv_download_button
from ui.feedback import dataset_with_purchases, future_reference_warning, guard
from ui.number_field import number_field
from ui.session import T, dataset, derive, derive_in_place, in_place_source, lang
from ui.tables import show_table

HORIZON_CHOICES = (3, 6, 12, 24, 36)
INACTIVITY_CHOICES = (90, 180, 365)
CALL_LIST_SHOWN, CALL_LIST_FILE = 15, 200


def _formats() -> Formats:
    """Numbers, money and shares in the page's fmt.lang and the data set's currency."""
    data = dataset()
    return Formats.of(lang(), data.currency if data is not None else None)


def _grouping_label(option: str) -> str:
    if option in analysis.SPECIAL_GROUPINGS:
        return T(f"clv.grouping.{option}")
    return T(f"column.{option}")


def _shortfalls(title_key: str, adequacy) -> None:
    lines = [f"- {T(item.key, **item.params)}" for item in adequacy.shortfalls]
    st.warning("\n".join([f"**{T(title_key)}**", *lines]), icon=":material/data_alert:")


def _doubts(title_key: str, trust) -> None:
    """Why the model cannot be trusted, in plain words, instead of its numbers."""
    lines = [f"- {T(doubt.key, **doubt.params)}" for doubt in trust.doubts]
    st.warning("\n".join([f"**{T(title_key)}**", *lines]), icon=":material/warning:")


def _download(label_key: str, frame: pd.DataFrame, suffix: str) -> None:
    data = dataset()
    csv_download_button(
        T(label_key), frame, file_name=f"{data.name}_{suffix}.csv", key=f"clv_download_{suffix}"
    )


def call_list_section(calls: pd.DataFrame, months: int, sample_note: str | None = None) -> None:
    """Valuable customers who are probably leaving (``calls``: the :func:`call_list` of the
    page's values), first on the page, with a CRM download (``sample_note``: that the values
    are a sample's)."""
    fmt = _formats()
    data = dataset()
    st.header(T("clv_call.title"))
    if sample_note:
        st.caption(sample_note)
    if calls.empty:
        st.info(T("clv_call.none", share=fmt.percent(LIKELY_LEAVING)), icon=":material/info:")
        return
    st.caption(T("clv_call.caption", months=months, count=fmt.number(len(calls))))
    calls = calls.assign(stage=[T(f"clv_call.stage_{stage}") for stage in calls["stage"]])
    headers = {
        name: T("column.customer_id") if name == "customer_id" else T(f"clv_call.col_{name}")
        for name in calls.columns
    }
    shown = calls.head(CALL_LIST_SHOWN)
    show_table(
        shown,
        formats={"p_alive": "percent", "revenue": 2, "value_if_kept": 2, "at_stake": 2},
        column_config={name: header for name, header in headers.items()},
    )
    csv_download_button(
        T("clv_call.download"),
        calls.rename(columns=headers),
        file_name=f"{data.name}_call_list.csv",
        key="clv_download_call_list",
    )


def value_tab(values: pd.DataFrame, months: int, discount: float) -> None:
    outlook_section(analysis.outlook(values), float(values["clv"].sum()), months, discount)
    distribution_section(
        analysis.clv_distribution(values), analysis.value_concentration(values), months
    )
    segment_section(values)


def outlook_section(outlook: pd.DataFrame, total: float, months: int, discount: float) -> None:
    """Expected purchases and revenue in the next 3, 6 and 12 months, and how they relate to
    the total customer value."""
    fmt = _formats()
    st.header(T("clv.outlook_title"))
    for cell, row in zip(st.columns(len(outlook)), outlook.itertuples(), strict=True):
        # millions of purchases and their revenue abbreviated (they were cut off with an
        # ellipsis at 18 M purchases); the exact figures are the tile's help
        cell.metric(
            T("clv.outlook_period", months=row.months),
            T("clv.outlook_purchases", count=fmt.number_short(row.purchases)),
            T(
                "clv.outlook_detail",
                per_customer=fmt.number(row.per_customer, 2),
                revenue=fmt.money_short(row.revenue),
            ),
            delta_color="off",
            delta_arrow="off",
            help=T(
                "clv.outlook_help",
                purchases=T("clv.outlook_purchases", count=fmt.number(row.purchases)),
                revenue=fmt.money(row.revenue),
            ),
        )
    year = outlook[outlook["months"] == 12]
    if not year.empty:
        st.caption(
            T(
                "clv_explain.two_figures",
                revenue=fmt.money(float(year["revenue"].iloc[0])),
                value=fmt.money(total),
                months=months,
                rate=fmt.number(discount, 0 if float(discount).is_integer() else 1),
            )
        )


def distribution_section(histogram: pd.DataFrame, concentration: float, months: int) -> None:
    """The CLV histogram and the share of the value the top fifth holds."""
    fmt = _formats()
    data = dataset()
    st.header(T("clv.distribution_title", months=months))
    st.altair_chart(
        charts.clv_distribution_chart(histogram, fmt.lang, data.currency), width="stretch"
    )
    st.caption(clv_summaries.clv_distribution_summary(histogram, fmt.lang, data.currency))
    share = fmt.percent(concentration)
    st.caption(f"{T('clv.distribution_caption')} {T('clv.extra.concentration', share=share)}")


def segment_section(values: pd.DataFrame, sample_note: str | None = None) -> None:
    """Customer value per group of a chosen grouping (``sample_note``: that ``values`` are a
    sample's)."""
    fmt = _formats()
    data = dataset()
    st.header(T("clv.segment_title"))
    if sample_note:
        st.caption(sample_note)
    option = st.selectbox(
        T("clv.segment_choice"),
        derive(analysis.segment_options),
        format_func=_grouping_label,
        key="clv_segment",
    )
    table = analysis.clv_by_segment(values, derive(analysis.segment_groups, option))
    table["label"] = [analysis.group_label(option, value, fmt.lang) for value in table["group"]]
    st.altair_chart(charts.segment_chart(table, fmt.lang, data.currency), width="stretch")
    st.caption(clv_summaries.segment_summary(table, fmt.lang, data.currency))
    near_zero = explain.near_zero_groups(table)
    if not near_zero.empty:
        alive = explain.mean_p_alive(near_zero)
        st.info(
            T(
                "clv_explain.near_zero",
                groups=", ".join(T("clv_explain.quoted", text=x) for x in near_zero["label"]),
                value=fmt.money(float(near_zero["clv_mean"].max())),
                alive=fmt.percent(alive, 1 if alive < 0.1 else 0),
            ),
            icon=":material/help:",
        )
    shown = table.assign(
        customers=[fmt.number(value) for value in table["customers"]],
        clv_mean=[fmt.money(value) for value in table["clv_mean"]],
        clv_total=[fmt.money(value) for value in table["clv_total"]],
        share=table["share"] * 100,
        purchases_12m_mean=[fmt.number(value, 1) for value in table["purchases_12m_mean"]],
    )
    st.dataframe(
        shown[["label", "customers", "clv_mean", "clv_total", "share", "purchases_12m_mean"]],
        hide_index=True,
        width="stretch",
        column_config={
            "label": _grouping_label(option),
            "customers": T("clv.col.customers"),
            "clv_mean": T("clv.col.clv_mean"),
            "clv_total": T("clv.col.clv_total"),
            "share": st.column_config.ProgressColumn(
                T("clv.col.share"), format=fmt.percent_printf, min_value=0, max_value=100
            ),
            "purchases_12m_mean": T("clv.extra.purchases_12m_mean"),
        },
    )


def top_tab(values: pd.DataFrame, months: int) -> None:
    fmt = _formats()
    data = dataset()
    count = _top_count()
    top_table(analysis.top_customers(values, data.customers, count), months)
    st.caption(T("clv.top_caption"))
    _download("clv.download_values", analysis.export_table(values, fmt.lang, months), "clv")


def _top_count() -> int:
    """The header of the top list and how many customers it shows (5 to 500)."""
    st.header(T("clv.top_title"))
    st.session_state.setdefault("clv_top_count", 25)
    count = number_field(
        T("clv.top_count"), "clv_top_count", min_value=5, max_value=500, integer=True
    )
    return int(count)


def top_table(top: pd.DataFrame, months: int) -> None:
    """The customers of :func:`kundenmodell.clv.analysis.top_customers`, formatted."""
    fmt = _formats()
    shown = top.assign(
        clv=[fmt.money(value) for value in top["clv"]],
        p_alive=top["p_alive"] * 100,
        purchases_12m=[fmt.number(value, 1) for value in top["purchases_12m"]],
        expected_spend=[fmt.money(value, 2) for value in top["expected_spend"]],
        purchases=[fmt.number(value) for value in top["purchases"]],
        last_purchase=[fmt.date(day) for day in top["last_purchase"]],
    )
    columns = ["customer_id", "name", "clv", "p_alive", "purchases_12m", "expected_spend"]
    st.dataframe(
        shown[[*columns, "purchases", "last_purchase"]],
        hide_index=True,
        width="stretch",
        height=min(35 * (len(shown) + 1) + 3, 900),
        column_config={
            "customer_id": T("column.customer_id"),
            "name": T("clv.col.name"),
            "clv": T("clv.col.clv", months=months),
            "p_alive": st.column_config.ProgressColumn(
                T("clv.col.p_alive"), format=fmt.percent_printf, min_value=0, max_value=100
            ),
            "purchases_12m": T("clv.col.purchases_12m"),
            "expected_spend": T("clv.col.expected_spend"),
            "purchases": T("clv.col.purchases"),
            "last_purchase": T("clv.col.last_purchase"),
        },
    )


def alive_tab(grid: pd.DataFrame) -> None:
    """P(alive) by repeat purchases and weeks since the last one
    (:func:`kundenmodell.clv.analysis.p_alive_grid`)."""
    fmt = _formats()
    st.header(T("clv.alive_title"))
    st.altair_chart(charts.p_alive_heatmap(grid, fmt.lang), width="stretch")
    st.caption(clv_summaries.p_alive_summary(grid, fmt.lang))
    st.caption(T("clv.alive_caption", weeks=fmt.number(grid["T"].iloc[0])))


def fit_tab(fit: analysis.FitVerdict, sample_note: str | None = None) -> None:
    """The hold-out check (on the loaded data set; ``sample_note`` says when that is a sample
    of a source analysed in place) and the parameters of ``fit``."""
    fmt = _formats()
    data = dataset()
    st.header(T("clv.fit_title"))
    if sample_note:
        st.caption(sample_note)
    smallest, largest = analysis.holdout_months_range(data)
    if largest < 1:
        st.info(T("clv.holdout_unavailable"), icon=":material/info:")
    else:
        holdout_months = st.select_slider(
            T("clv.holdout_choice"),
            list(range(smallest, largest + 1)),
            value=min(6, largest),
            format_func=lambda value: T("clv.months", months=value),
            key="clv_holdout",
        )
        with st.spinner(T("clv.progress.holdout")):
            check = derive(analysis.holdout_check, holdout_months)
        st.caption(
            T(
                "clv.holdout_caption",
                start=fmt.date(check.calibration_end),
                end=fmt.date(check.observation_end),
            )
        )
        if not check.adequacy.ok:
            _shortfalls("clv.thin.holdout_title", check.adequacy)
        elif not check.trust.ok:
            _doubts("clv_trust.holdout_title", check.trust)
        else:
            deviation = check.deviation if check.deviation is not None else math.nan
            cells = st.columns(3)
            cells[0].metric(T("clv.holdout_actual"), fmt.number(check.actual_total))
            cells[1].metric(T("clv.holdout_predicted"), fmt.number(check.predicted_total))
            cells[2].metric(
                T("clv.holdout_deviation"),
                ("+" if deviation > 0 else "") + fmt.percent(deviation, 1),
                help=T("clv.holdout_deviation_help"),
            )
            st.markdown(f"### {T('clv.tracking_title')}")
            st.altair_chart(
                charts.tracking_chart(check.tracking, check.calibration_end, fmt.lang),
                width="stretch",
            )
            st.caption(clv_summaries.tracking_summary(check.tracking, fmt.lang))
            st.markdown(f"### {T('clv.by_frequency_title')}")
            st.altair_chart(charts.holdout_chart(check.comparison, fmt.lang), width="stretch")
            st.caption(clv_summaries.holdout_summary(check.comparison, fmt.lang))
            st.caption(T("clv.holdout_note"))

    st.header(T("clv.params_title"))
    parameters = analysis.parameter_table(fit, fmt.lang)
    numbers = parameters.select_dtypes("number").columns
    st.dataframe(
        parameters.assign(**{name: parameters[name].map(fmt.significant) for name in numbers}),
        hide_index=True,
        width="stretch",
    )
    st.caption(T("clv.params_caption", buyers=fmt.number(fit.bg.n_observations_)))
    if isinstance(fit, in_place.InPlaceClvFit):
        st.caption(_fit_scope(fit))
    _download("clv.download_params", parameters, "clv_parameters")


def retention_tab(sample_note: str | None = None) -> None:
    fmt = _formats()
    st.header(T("clv.retention_title"))
    if sample_note:
        st.caption(sample_note)
    choices = st.columns(2)
    grouping = choices[0].selectbox(
        T("clv.retention_group"),
        ["cohort_year", "cohort_quarter", "all", *derive(analysis.segment_options)],
        format_func=_grouping_label,
        key="clv_retention_group",
    )
    inactive_days = choices[1].select_slider(
        T("clv.inactive"),
        INACTIVITY_CHOICES,
        value=180,
        format_func=lambda value: T("clv.days", days=value),
        key="clv_inactive",
    )
    result = derive(analysis.retention, grouping, inactive_days)
    labels = {
        value: analysis.group_label(grouping, value, fmt.lang)
        for value in result.curves["group"].unique()
    }
    curves = result.curves.assign(label=result.curves["group"].map(labels))
    st.altair_chart(
        charts.retention_chart(curves, fmt.lang, _grouping_label(grouping)), width="stretch"
    )
    st.caption(clv_summaries.retention_summary(curves, fmt.lang))
    st.caption(T("clv.retention_caption", days=inactive_days))
    summary = result.summary
    st.dataframe(
        summary.assign(
            group=summary["group"].map(labels),
            customers=summary["customers"].map(fmt.number),
            one_time_share=summary["one_time_share"].map(fmt.percent),
            retention=summary["retention"].map(fmt.percent),
            monthly_churn=[fmt.percent(value, 1) for value in summary["monthly_churn"]],
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "group": _grouping_label(grouping),
            "customers": T("clv.col.followed"),
            "one_time_share": T("clv.col.one_time_share"),
            "horizon": T("clv.col.horizon"),
            "retention": T("clv.col.retention"),
            "monthly_churn": T("clv.col.monthly_churn"),
        },
    )
    _download("clv.download_retention", analysis.retention_export(curves, fmt.lang), "retention")


def _usable(fit: analysis.FitVerdict, sample_note: str | None = None) -> bool:
    """Whether ``fit`` can back customer values; if not, say why (and show the retention
    curves, which need no model)."""
    if not fit.adequacy.ok:
        _shortfalls("clv.thin.title", fit.adequacy)
        st.caption(T("clv.thin.advice"))
        return False
    if not fit.trusted:
        _doubts("clv_trust.title", fit.trust)
        st.caption(T("clv_trust.advice"))
        retention_tab(sample_note)
        return False
    return True


def _settings() -> tuple[int, float]:
    """The chosen horizon (months) and annual discount rate (percent)."""
    settings = st.columns([2, 2, 3])
    months = settings[0].select_slider(
        T("clv.horizon"),
        HORIZON_CHOICES,
        value=12,
        format_func=lambda value: T("clv.months", months=value),
        key="clv_horizon",
    )
    st.session_state.setdefault("clv_discount", 10.0)
    discount = number_field(
        T("clv.discount"),
        "clv_discount",
        min_value=0.0,
        max_value=30.0,
        decimals=1,
        help=T("clv.discount_help"),
        container=settings[1],
    )
    return months, discount


def _kpis(
    fit: analysis.FitVerdict,
    buyers: int,
    likely_active: float,
    total: float,
    months: int,
    discount: float,
) -> None:
    """Buyers, the share likely active, total and mean customer value, and the warning when
    spend depends on frequency."""
    fmt = _formats()
    cells = st.columns(4)
    cells[0].metric(T("clv.buyers"), fmt.number(buyers))
    cells[1].metric(
        T("clv.likely_active"), fmt.percent(likely_active), help=T("clv.likely_active_help")
    )
    cells[2].metric(
        T("clv.total_value", months=months),
        fmt.money_short(total),
        help=T("clv.total_value_help", months=months, rate=fmt.number(discount)),
    )
    cells[3].metric(T("clv.mean_value"), fmt.money(total / buyers))
    if fit.spend_depends_on_frequency:
        st.caption(
            ":material/warning: "
            + T("clv.correlation_note", value=fmt.number(fit.spend_correlation, 2))
        )


def _tabs() -> list:
    return st.tabs([T(f"clv.tab.{name}") for name in ("value", "top", "alive", "fit", "retention")])


def _page() -> None:
    """The fitted models' figures: KPIs, the call list and five tabs."""
    with st.spinner(T("clv.progress.fitting")):
        fit = derive(analysis.fit_dataset)
    future_reference_warning(fit.summary.attrs["observation_end"])
    if not _usable(fit):
        return
    months, discount = _settings()
    values = derive(_customer_values, months, discount)
    total = float(values["clv"].sum())
    _kpis(fit, len(values), analysis.likely_active_share(values), total, months, discount)

    call_list_section(derive(_call_list, months, discount), months)

    tabs = _tabs()
    with tabs[0]:
        value_tab(values, months, discount)
    with tabs[1]:
        top_tab(values, months)
    with tabs[2]:
        alive_tab(analysis.p_alive_grid(fit))
    with tabs[3]:
        fit_tab(fit)
    with tabs[4]:
        retention_tab()


def _customer_values(_data: Dataset, months: int, discount: float) -> pd.DataFrame:
    """Every buyer's value for the page's settings, derived once per data set and settings
    (4–6 s at 18 M purchases, so a rerun of the page does not compute it again)."""
    fit = derive(analysis.fit_dataset)
    return analysis.customer_values(fit, months=months, annual_discount_rate=discount / 100)


def _call_list(data: Dataset, months: int, discount: float) -> pd.DataFrame:
    """The call list of :func:`_customer_values` for the page's settings, derived once per
    data set and settings (2.5–4 s at 18 M purchases, where it was made on every rerun)."""
    return call_list(derive(_customer_values, months, discount), data, count=CALL_LIST_FILE)


def _fit_scope(fit: in_place.InPlaceClvFit) -> str:
    """What the in-place figures cover: all buyers, and Gamma-Gamma's sample when it had one."""
    fmt = _formats()
    text = T("clv_in_place.scope", buyers=fmt.number(fit.buyers))
    if fit.gg_sampled:
        used, spenders = fmt.number(fit.gg_customers), fmt.number(fit.spenders)
        text += " " + T("clv_in_place.gg_sample", used=used, spenders=spenders)
    return text


def _in_place_page(source: InPlaceSource) -> None:
    """The page on every row of a source analysed where it lies: KPIs, distribution, top
    customers, P(alive) and parameters from :mod:`kundenmodell.clv.in_place`; the call list,
    segments, hold-out check and retention from the session's sample, captioned as such."""
    fmt = _formats()
    with st.spinner(T("clv_in_place.progress_fitting")):
        fit = derive_in_place(analysis.fit_dataset)
    customers = fmt.number(source.sample_customers)
    sample_note = T("clv_in_place.sample_note", customers=customers) if source.sampled else None
    future_reference_warning(fit.observation_end)
    if not _usable(fit, sample_note):
        return
    months, discount = _settings()
    rate = discount / 100
    population = in_place.population_values(fit, months=months, annual_discount_rate=rate)
    _kpis(
        fit, population.buyers, population.likely_active_share, population.total, months, discount
    )
    st.caption(_fit_scope(fit))
    values = analysis.customer_values(
        derive(in_place.sample_fit, fit), months=months, annual_discount_rate=rate
    )
    values_note = (
        T("clv_in_place.sample_values_note", customers=customers) if source.sampled else None
    )
    call_list_section(call_list(values, dataset(), count=CALL_LIST_FILE), months, values_note)
    with st.spinner(T("clv_in_place.progress_ranking")):
        ranking = derive_in_place(
            in_place.value_ranking,
            fit,
            months,
            rate,
            in_place.TOP_LIMIT,
            source.privacy,
            source.key,
        )

    tabs = _tabs()
    with tabs[0]:
        outlook_section(population.outlook, population.total, months, discount)
        distribution_section(ranking.distribution, ranking.concentration, months)
        segment_section(values, values_note)
    with tabs[1]:
        top_table(ranking.top.head(_top_count()), months)
        if source.sampled:
            caption = T(
                "clv_in_place.top_caption", buyers=fmt.number(fit.buyers), customers=customers
            )
            st.caption(caption)
            export = analysis.export_table(values, fmt.lang, months)
            _download("clv_in_place.download_sample", export, "clv_sample")
        else:
            st.caption(T("clv.top_caption"))
            _download("clv.download_values", analysis.export_table(values, fmt.lang, months), "clv")
    with tabs[2]:
        alive_tab(in_place.p_alive_grid_in_place(fit))
    with tabs[3]:
        fit_tab(fit, sample_note)
    with tabs[4]:
        retention_tab(sample_note)


def _main() -> None:
    st.title(T("clv.title"))
    st.caption(T("clv.intro"))
    if dataset_with_purchases("clv") is None:
        return
    source = in_place_source()
    with guard():
        if source is None:
            _page()
        else:
            _in_place_page(source)


_main()
