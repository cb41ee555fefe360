"""Retention vs. acquisition: move budget between keeping and winning customers and see what
it does to customers and profit over time, how sure that is, and which split is best."""

import dataclasses
from functools import partial

import streamlit as st

from kundenmodell import DataError, scenarios
from kundenmodell.dataset import Dataset
from kundenmodell.i18n import Formats
from kundenmodell.scenarios import Scenario, Uncertainty
from kundenmodell.scenarios import charts as scenario_charts
from kundenmodell.scenarios import summaries as scenario_summaries
from ui.downloads import csv_download_button, download_button
from ui.feedback import guard
from ui.number_field import number_field
from ui.sample_notice import sample_notice
from ui.session import T, dataset, lang, workspace_state

MAX_SAVED = 3
SAVED = "saved"  # the named scenarios, in the workspace's "scenarios" section
CALIBRATION = "scenarios_calibration"
PATH_CHOICES = (1_000, 2_000, 5_000, 10_000)
CHANGE = 0.2
METRICS = {"customers": "customers", "profit": "discounted_cumulative_profit"}
DEFAULT_UNCERTAINTY = Uncertainty()


def _widget_values(plan: Scenario) -> dict[str, float | int]:
    """Widget state for a scenario: percentages as 0..100, no ceiling as 0."""
    return {
        "scn_customers": round(plan.customers),
        "scn_churn_pct": round(plan.monthly_churn * 100, 2),
        "scn_margin": round(float(plan.margin_per_customer), 2),
        "scn_acq": float(round(plan.acquisition_budget)),
        "scn_ret": float(round(plan.retention_budget)),
        "scn_cac": round(float(plan.cac), 2),
        "scn_ceiling": float(round(plan.max_new_customers or 0)),
        "scn_reduction_pct": round(plan.max_reduction * 100),
        "scn_half": round(float(plan.half_effect_spend), 3),
        "scn_months": int(plan.months),
        "scn_discount_pct": round(plan.annual_discount_rate * 100, 1),
    }


def _apply(plan: Scenario) -> None:
    st.session_state.update(_widget_values(plan))


def _apply_optimum() -> None:
    """Callback: the best split for the inputs as they are now (not as they were when the
    button was drawn, which may be a run behind when the user clicks during a rerun)."""
    try:
        split = scenarios.optimise_split(_plan_from_widgets())
    except DataError:
        return  # the page shows the message for the bad input
    st.session_state["scn_acq"] = float(round(split.acquisition_budget))
    st.session_state["scn_ret"] = float(round(split.retention_budget))


def _init_state() -> None:
    for key, value in _widget_values(Scenario()).items():
        st.session_state.setdefault(key, value)
    defaults = {
        "scn_margin_rate": 30,
        "scn_cv_churn": int(DEFAULT_UNCERTAINTY.churn_cv * 100),
        "scn_cv_cac": int(DEFAULT_UNCERTAINTY.cac_cv * 100),
        "scn_cv_margin": int(DEFAULT_UNCERTAINTY.margin_cv * 100),
        "scn_cv_effect": int(DEFAULT_UNCERTAINTY.effect_cv * 100),
        "scn_paths": 5_000,
        "scn_seed": 0,
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    workspace_state("scenarios").setdefault(SAVED, {})


def _saved_plans() -> dict[str, Scenario]:
    """The named scenarios; the workspace keeps them as plain JSON fields."""
    stored: dict = workspace_state("scenarios").setdefault(SAVED, {})
    return {name: Scenario(**fields) for name, fields in stored.items()}


def _plan_from_widgets() -> Scenario:
    state = st.session_state
    return Scenario(
        customers=float(state["scn_customers"]),
        monthly_churn=state["scn_churn_pct"] / 100,
        margin_per_customer=float(state["scn_margin"]),
        acquisition_budget=float(state["scn_acq"]),
        cac=float(state["scn_cac"]),
        retention_budget=float(state["scn_ret"]),
        months=int(state["scn_months"]),
        annual_discount_rate=state["scn_discount_pct"] / 100,
        max_reduction=state["scn_reduction_pct"] / 100,
        half_effect_spend=float(state["scn_half"]),
        max_new_customers=float(state["scn_ceiling"]) or None,
    )


def _uncertainty_from_widgets() -> Uncertainty:
    state = st.session_state
    return Uncertainty(
        churn_cv=state["scn_cv_churn"] / 100,
        cac_cv=state["scn_cv_cac"] / 100,
        margin_cv=state["scn_cv_margin"] / 100,
        effect_cv=state["scn_cv_effect"] / 100,
    )


@st.cache_data(max_entries=32, show_spinner=False)
def _monte_carlo(
    plan: Scenario, uncertainty: Uncertainty, n_paths: int, seed: int
) -> scenarios.MonteCarloResult:
    return scenarios.monte_carlo(plan, uncertainty, n_paths, seed, versus=plan.without_spend())


@st.cache_data(max_entries=16, show_spinner=False)
def _compare(plans: tuple, uncertainty: Uncertainty, n_paths: int, seed: int) -> tuple:
    return scenarios.compare(dict(plans), uncertainty, n_paths=n_paths, seed=seed)


def _save() -> None:
    """Callback: keep the inputs as they are now under the typed (or a numbered) name."""
    saved: dict = workspace_state("scenarios")[SAVED]
    try:
        plan = _plan_from_widgets()
    except DataError:
        return  # the page shows the message for the bad input
    typed = (st.session_state.get("scn_name") or "").strip()
    name = typed or T("scenarios.default_name", n=len(saved) + 1)
    if name in saved or len(saved) < MAX_SAVED:
        saved[name] = dataclasses.asdict(plan)
        st.session_state["scn_name"] = ""


def _remove(name: str) -> None:
    workspace_state("scenarios")[SAVED].pop(name, None)


def _start_panel(data: Dataset | None, fmt: Formats) -> None:
    with st.container(border=True):
        left, middle, right = st.columns([3, 2, 2], vertical_alignment="bottom")
        left.slider(
            T("scenarios.margin_rate"),
            1,
            100,
            format="%d %%",
            key="scn_margin_rate",
            help=T("scenarios.margin_rate_help"),
        )
        start = middle.button(
            T("scenarios.from_data"),
            type="primary",
            icon=":material/database:",
            disabled=data is None,
            key="scn_from_data",
            width="stretch",
        )
        reset = right.button(
            T("scenarios.reset"), icon=":material/restart_alt:", key="scn_reset", width="stretch"
        )
        if data is None:
            st.caption(T("scenarios.no_data_hint"))
    if reset:
        _apply(Scenario())
        st.session_state.pop(CALIBRATION, None)
    if start and data is not None:
        with guard():
            calibration = scenarios.estimate(
                data, margin_rate=st.session_state["scn_margin_rate"] / 100
            )
            _apply(calibration.scenario)
            st.session_state[CALIBRATION] = (data.name, calibration)
    stored = st.session_state.get(CALIBRATION)
    if stored is not None and data is not None and stored[0] == data.name:
        _calibration_note(stored[1], data.name, fmt)


def _calibration_note(calibration: scenarios.Calibration, name: str, fmt: Formats) -> None:
    plan = calibration.scenario
    st.success(T("scenarios.calibrated", name=name), icon=":material/check_circle:")
    with st.expander(T("scenarios.calibration_title"), icon=":material/help:"):
        st.markdown(
            T(
                "scenarios.calibration_data",
                buyers=fmt.number(calibration.buyers),
                months=fmt.number(calibration.history_months),
                end=fmt.date(calibration.end),
                churn=fmt.percent(plan.monthly_churn, 1),
                buy=fmt.percent(calibration.buy_probability),
                active=fmt.number(calibration.active_customers),
                new=fmt.number(calibration.new_per_month, 1),
                revenue=fmt.money(calibration.revenue_per_purchase_month, 2),
                margin_rate=fmt.percent(calibration.margin_rate),
                margin=fmt.money(plan.margin_per_customer, 2),
                window=fmt.number(calibration.window_months),
            )
        )
        st.markdown(
            T(
                "scenarios.calibration_defaults",
                cac=fmt.money(plan.cac),
                ceiling=fmt.number(plan.max_new_customers or 0),
                budget=fmt.money(plan.acquisition_budget),
                reduction=fmt.percent(plan.max_reduction),
                half=fmt.money(plan.half_effect_spend, 2),
                retained=fmt.money(calibration.cost_per_retained),
            )
        )


def _inputs(fmt: Formats) -> None:
    st.header(T("scenarios.inputs_title"))
    base, budgets, effect = st.columns(3)
    with base:
        st.markdown(f"**{T('scenarios.group_base')}**")
        number_field(T("scenarios.field.customers"), "scn_customers", min_value=0, integer=True)
        number_field(
            T("scenarios.field.churn"),
            "scn_churn_pct",
            min_value=0.0,
            max_value=100.0,
            decimals=2,
            help=T("scenarios.field.churn_help"),
        )
        number_field(
            T("scenarios.field.margin", currency=fmt.symbol),
            "scn_margin",
            decimals=2,
            help=T("scenarios.field.margin_help"),
        )
    with budgets:
        st.markdown(f"**{T('scenarios.group_budgets')}**")
        number_field(
            T("scenarios.field.acquisition_budget", currency=fmt.symbol),
            "scn_acq",
            decimals=0,
        )
        number_field(
            T("scenarios.field.retention_budget", currency=fmt.symbol),
            "scn_ret",
            decimals=0,
            help=T("scenarios.field.retention_budget_help"),
        )
        number_field(
            T("scenarios.field.cac", currency=fmt.symbol),
            "scn_cac",
            min_value=0.0,
            decimals=2,
            help=T("scenarios.field.cac_help"),
        )
        number_field(
            T("scenarios.field.ceiling"),
            "scn_ceiling",
            min_value=0.0,
            decimals=0,
            help=T("scenarios.field.ceiling_help"),
        )
    with effect:
        st.markdown(f"**{T('scenarios.group_effect')}**")
        st.slider(
            T("scenarios.field.reduction"),
            0,
            100,
            step=5,
            format="%d %%",
            key="scn_reduction_pct",
            help=T("scenarios.field.reduction_help"),
        )
        number_field(
            T("scenarios.field.half_effect", currency=fmt.symbol),
            "scn_half",
            min_value=0.0,
            decimals=3,
            help=T("scenarios.field.half_effect_help"),
        )
        st.slider(T("scenarios.field.months"), 1, 240, key="scn_months")
        number_field(
            T("scenarios.field.discount"),
            "scn_discount_pct",
            min_value=0.0,
            max_value=100.0,
            decimals=1,
            help=T("scenarios.field.discount_help"),
        )
    with st.expander(T("scenarios.uncertainty_title"), icon=":material/tune:"):
        st.caption(T("scenarios.uncertainty_help"))
        cells = st.columns(4)
        for cell, key, label in zip(
            cells,
            ("scn_cv_churn", "scn_cv_cac", "scn_cv_margin", "scn_cv_effect"),
            ("churn", "cac", "margin", "effect"),
            strict=True,
        ):
            cell.slider(T(f"scenarios.cv.{label}"), 0, 100, step=5, format="± %d %%", key=key)
        left, right = st.columns(2)
        left.select_slider(
            T("scenarios.paths"),
            PATH_CHOICES,
            format_func=fmt.number,
            key="scn_paths",
        )
        number_field(T("scenarios.seed"), "scn_seed", min_value=0, integer=True, container=right)


def _headline(plan: Scenario, result: scenarios.MonteCarloResult, fmt: Formats) -> None:
    summary = scenarios.summarise(plan)
    last = result.bands[result.bands["month"] == plan.months].set_index("metric")
    customers, profit = last.loc["customers"], last.loc["discounted_cumulative_profit"]
    cells = st.columns(3)
    cells[0].metric(
        T("scenarios.kpi.customers", months=fmt.number(plan.months)),
        fmt.number(customers["q50"]),
        delta=fmt.number(customers["q50"] - plan.customers),
        help=T(
            "scenarios.kpi.range",
            low=fmt.number(customers["q05"]),
            high=fmt.number(customers["q95"]),
        ),
    )
    cells[1].metric(
        T("scenarios.kpi.profit"),
        fmt.money(profit["q50"]),
        help=T("scenarios.kpi.range", low=fmt.money(profit["q05"]), high=fmt.money(profit["q95"])),
    )
    month = summary.break_even_month
    cells[2].metric(
        T("scenarios.kpi.break_even"),
        T("scenarios.month_n", month=month) if month else T("scenarios.not_within"),
        help=T("scenarios.kpi.break_even_help"),
    )
    retained, acquired, note = st.columns(3, vertical_alignment="center")
    retained.metric(
        T("scenarios.kpi.cost_retained"),
        fmt.money(summary.cost_per_retained),
        help=T("scenarios.kpi.cost_retained_help"),
    )
    acquired.metric(
        T("scenarios.kpi.cost_acquired"),
        fmt.money(summary.cost_per_acquired),
        help=T("scenarios.kpi.cost_acquired_help"),
    )
    if summary.retention_cost_share is not None:
        note.markdown(
            T("scenarios.note.cost_ratio", share=fmt.percent(summary.retention_cost_share))
        )
    if plan.total_budget > 0 and result.prob_beats is not None:
        st.markdown(T("scenarios.prob_vs_nothing", share=fmt.percent(result.prob_beats)))


def _split(plan: Scenario, fmt: Formats) -> None:
    st.header(T("scenarios.split_title"))
    split = scenarios.optimise_split(plan)
    if split.total_budget <= 0:
        st.info(T("scenarios.split_no_budget"), icon=":material/info:")
        return
    st.markdown(
        T(
            "scenarios.split_text",
            total=fmt.money(split.total_budget),
            share=fmt.percent(split.retention_share),
            retention=fmt.money(split.retention_budget),
            acquisition=fmt.money(split.acquisition_budget),
            profit=fmt.money(split.discounted_profit),
            gain=fmt.money(split.discounted_profit - (split.current_profit or 0.0)),
        )
    )
    st.altair_chart(scenario_charts.split_chart(split, fmt.lang, fmt.currency), width="stretch")
    st.caption(scenario_summaries.split_summary(split, fmt.lang, fmt.currency))
    st.button(
        T("scenarios.apply_optimum"),
        icon=":material/call_split:",
        on_click=_apply_optimum,
        key="scn_apply_optimum",
    )


def _tornado(plan: Scenario, fmt: Formats) -> None:
    st.header(T("scenarios.tornado_title"))
    st.caption(T("scenarios.tornado_caption", change=fmt.percent(CHANGE)))
    sensitivity = scenarios.tornado(plan, change=CHANGE)
    st.altair_chart(
        scenario_charts.tornado_chart(sensitivity, fmt.lang, fmt.currency, change=CHANGE),
        width="stretch",
    )
    st.caption(
        scenario_summaries.tornado_summary(sensitivity, fmt.lang, fmt.currency, change=CHANGE)
    )


def _comparison_table(saved: dict[str, Scenario], table, fmt: Formats) -> dict[str, list[str]]:
    """The rows of :func:`kundenmodell.scenarios.comparison_rows` as text: one row per figure,
    one column per saved scenario."""
    written = {
        "budgets": lambda pair: T(
            "scenarios.budgets_value", acquisition=fmt.money(pair[0]), retention=fmt.money(pair[1])
        ),
        "count": lambda value: "–" if value is None else fmt.number(value),
        "money": fmt.money,
        "money_range": lambda pair: T(
            "scenarios.range", low=fmt.money(pair[0]), high=fmt.money(pair[1])
        ),
        "month": lambda month: "–" if month is None else T("scenarios.month_n", month=int(month)),
        "share": fmt.percent,
    }
    first = next(iter(saved))
    rows = {
        T(f"scenarios.compare_row.{row.key}", first=first): [
            written[row.kind](value) for value in row.values
        ]
        for row in scenarios.comparison_rows(saved, table)
    }
    columns = {T("scenarios.compare_row.label"): list(rows)}
    for index, name in enumerate(saved):
        columns[name] = [values[index] for values in rows.values()]
    return columns


def _comparison(uncertainty: Uncertainty, n_paths: int, seed: int, fmt: Formats) -> None:
    st.header(T("scenarios.compare_title"))
    saved = _saved_plans()
    default_name = T("scenarios.default_name", n=len(saved) + 1)
    name_cell, button_cell = st.columns([3, 1], vertical_alignment="bottom")
    name_cell.text_input(
        T("scenarios.name"), key="scn_name", max_chars=40, placeholder=default_name
    )
    full = len(saved) >= MAX_SAVED
    button_cell.button(
        T("scenarios.save"),
        icon=":material/bookmark_add:",
        on_click=_save,
        disabled=full,
        key="scn_save",
        width="stretch",
    )
    if full:
        st.caption(T("scenarios.compare_full", maximum=MAX_SAVED))
    if not saved:
        st.caption(T("scenarios.compare_empty"))
        return
    bands, table = _compare(tuple(saved.items()), uncertainty, min(n_paths, 5_000), seed)
    st.dataframe(_comparison_table(saved, table, fmt), hide_index=True, width="stretch")
    download = scenarios.comparison_table(saved, table)
    download = download.rename(
        columns=lambda name: T(f"scenarios.compare_column.{name}", first=next(iter(saved)))
    )
    csv_download_button(
        T("scenarios.download_compare_csv"),
        download,
        file_name=f"{T('scenarios.file_name')}-{T('scenarios.file.comparison')}.csv",
        key="scn_download_compare",
    )
    customers_tab, profit_tab = st.tabs([T("scenarios.tab_customers"), T("scenarios.tab_profit")])
    customers_tab.altair_chart(
        scenario_charts.band_chart(bands, "customers", fmt.lang, fmt.currency), width="stretch"
    )
    customers_tab.caption(
        scenario_summaries.band_summary(bands, "customers", fmt.lang, fmt.currency)
    )
    profit_tab.altair_chart(
        scenario_charts.band_chart(bands, "discounted_cumulative_profit", fmt.lang, fmt.currency),
        width="stretch",
    )
    profit_tab.caption(
        scenario_summaries.band_summary(
            bands, "discounted_cumulative_profit", fmt.lang, fmt.currency
        )
    )
    cells = st.columns(MAX_SAVED)
    for cell, name in zip(cells, list(saved), strict=False):
        cell.button(
            T("scenarios.remove", name=name),
            icon=":material/delete:",
            on_click=_remove,
            args=(name,),
            key=f"scn_remove_{name}",
        )


def _downloads(
    plan: Scenario, result: scenarios.MonteCarloResult, charts: dict, fmt: Formats
) -> None:
    st.header(T("scenarios.downloads_title"))
    plan_label = T(
        "scenarios.png_plan",
        retention=fmt.money(plan.retention_budget),
        acquisition=fmt.money(plan.acquisition_budget),
        months=plan.months,
    )
    table = scenarios.monthly_table(plan, result.bands)
    table.columns = [T(f"scenarios.column.{name}") for name in table.columns]
    cells = st.columns(3)
    csv_download_button(
        T("scenarios.download_csv"),
        table,
        file_name=f"{T('scenarios.file_name')}.csv",
        key="scn_download_csv",
        target=cells[0],
    )
    if not scenario_charts.png_available():
        cells[1].caption(T("scenarios.png_unavailable"))
        return
    for cell, (metric, chart) in zip(cells[1:], charts.items(), strict=True):
        download_button(
            T(f"scenarios.download_png.{metric}"),
            partial(
                scenario_charts.chart_png,
                chart,
                title=f"{T(f'scenarios.metric.{METRICS[metric]}')} · {plan_label}",
                subtitle=scenario_charts.band_legend(fmt.lang),
            ),
            identity=(chart, plan_label, fmt.lang),
            file_name=f"{T('scenarios.file_name')}-{T(f'scenarios.file.{metric}')}.png",
            mime="image/png",
            icon=":material/image:",
            key=f"scn_download_{metric}",
            target=cell,
        )


st.title(T("scenarios.title"))
sample_notice()
st.markdown(T("scenarios.intro"))
data = dataset()
formats = Formats.of(lang(), data.currency if data is not None else None)
_init_state()
_start_panel(data, formats)
_inputs(formats)

with guard():
    plan = _plan_from_widgets()
    uncertainty = _uncertainty_from_widgets()
    n_paths, seed = int(st.session_state["scn_paths"]), int(st.session_state["scn_seed"])
    result = _monte_carlo(plan, uncertainty, n_paths, seed)
    st.divider()
    _headline(plan, result, formats)
    charts = {
        name: scenario_charts.titled_band_chart(
            result.bands, METRICS[name], formats.lang, formats.currency
        )
        for name in ("customers", "profit")
    }
    customers_tab, profit_tab = st.tabs([T("scenarios.tab_customers"), T("scenarios.tab_profit")])
    customers_tab.altair_chart(charts["customers"], width="stretch")
    customers_tab.caption(
        scenario_summaries.band_summary(result.bands, "customers", formats.lang, formats.currency)
    )
    profit_tab.altair_chart(charts["profit"], width="stretch")
    profit_tab.caption(
        scenario_summaries.band_summary(
            result.bands, "discounted_cumulative_profit", formats.lang, formats.currency
        )
    )
    st.caption(T("scenarios.bands_caption", paths=formats.number(n_paths)))
    _split(plan, formats)
    _tornado(plan, formats)
    _comparison(uncertainty, n_paths, seed, formats)
    _downloads(plan, result, charts, formats)
