"""The active data set: size, column completeness, first rows, validation report, downloads."""

import streamlit as st

from kundenmodell import overview
from kundenmodell.i18n import format_date, format_number
from kundenmodell.schema import TABLES, validate
from ui.downloads import csv_download_button
from ui.feedback import guard
from ui.money_tile import money_tile
from ui.sample_notice import sample_notice
from ui.session import T, dataset, dataset_title, derive, lang
from ui.tables import show_table

st.title(T("dataset.title"))
sample_notice()
data = dataset()
if data is None:
    st.info(T("dataset.none"), icon=":material/info:")
    st.stop()

with guard():
    language = lang()
    period = data.period
    details = [
        f"{T('dataset.name')}: **{dataset_title(data)}**",
        f"{T('dataset.source')}: {T(f'source.{data.source}')}",
        f"{T('dataset.created')}: {format_date(data.created, language)}",
    ]
    if period is not None:
        details.append(
            f"{T('dataset.period')}: {format_date(period[0], language)} – "
            f"{format_date(period[1], language)}"
        )
    st.caption(" · ".join(details))
    metrics = st.columns(4)
    metrics[0].metric(T("dataset.customers"), format_number(data.n_customers, language))
    metrics[1].metric(T("dataset.transactions"), format_number(data.n_transactions, language))
    money_tile(metrics[2], T("dataset.revenue"), data.revenue, data.currency)
    if data.interactions is not None:
        metrics[3].metric(
            T("dataset.interactions"), format_number(len(data.interactions), language)
        )

    st.header(T("dataset.validation_title"))
    report = derive(validate)
    if not report.issues:
        st.success(T("dataset.validation_ok"), icon=":material/check_circle:")
    else:
        infos = len(report.issues) - len(report.errors) - len(report.warnings)
        summary = T(
            "dataset.validation_summary",
            errors=len(report.errors),
            warnings=len(report.warnings),
            infos=infos,
        )
        show = st.error if report.errors else st.warning if report.warnings else st.info
        show(summary)
        show_table(report.to_frame(language))

    tables = [
        name for name in TABLES if getattr(data, name) is not None and not getattr(data, name).empty
    ]
    tabs = st.tabs([T(f"table.{name}") for name in tables])
    for name, tab in zip(tables, tabs, strict=True):
        frame = getattr(data, name)
        with tab:
            st.markdown(f"### {T('dataset.completeness_title')}")
            st.caption(T("dataset.completeness_help"))
            completeness = derive(overview.table_completeness, name)
            completeness = completeness.assign(
                column=[T(f"column.{column}") for column in completeness["column"]],
                filled=completeness["filled"] * 100,
            )
            show_table(
                completeness[["column", "filled", "missing"]],
                column_config={
                    "column": T("dataset.column"),
                    "filled": st.column_config.ProgressColumn(
                        T("dataset.filled"), format="%.0f %%", min_value=0, max_value=100
                    ),
                    "missing": T("dataset.missing"),
                },
            )
            st.markdown(f"### {T('dataset.preview_title')}")
            preview = frame.head(100)
            show_table(
                overview.labelled_rows(preview, name, language).rename(
                    columns={c: T(f"column.{c}") for c in TABLES[name].names}
                )
            )
            csv_download_button(
                T("dataset.download", table=T(f"table.{name}")),
                frame,
                file_name=f"{data.name}_{name}.csv",
                key=f"download_{name}",
            )
