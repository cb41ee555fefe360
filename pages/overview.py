"""Overview: headline numbers, revenue per month, lifecycle status and customer types."""

import streamlit as st

from kundenmodell import charts, overview
from kundenmodell.i18n import format_money, format_number
from ui.feedback import guard
from ui.session import T, dataset, derive, lang

st.title(T("overview.title"))
data = dataset()
if data is None:
    st.info(T("overview.none"), icon=":material/info:")
    st.stop()

with guard():
    language = lang()
    figures = derive(overview.kpis)
    cells = st.columns(5)
    cells[0].metric(T("overview.customers"), format_number(figures.customers, language))
    cells[1].metric(
        T("overview.buyers"),
        format_number(figures.buyers, language),
        help=T("overview.buyers_help"),
    )
    cells[2].metric(
        T("overview.revenue"), format_money(figures.revenue, data.currency, language, decimals=0)
    )
    if figures.average_purchase is not None:
        cells[3].metric(
            T("overview.order_value"),
            format_money(figures.average_purchase, data.currency, language),
        )
        cells[4].metric(
            T("overview.per_buyer"),
            format_number(figures.purchases_per_buyer, language, decimals=1),
        )

    if data.transactions.empty:
        st.info(T("overview.no_transactions"), icon=":material/info:")
    else:
        st.subheader(T("overview.monthly_title"))
        monthly = derive(overview.monthly_revenue)
        st.altair_chart(
            charts.monthly_revenue_chart(monthly, language, data.currency), width="stretch"
        )

    left, right = st.columns(2)
    with left:
        st.subheader(T("overview.status_title"))
        statuses = overview.status_counts(data.customers)
        if statuses.empty:
            st.caption(T("overview.missing_columns", columns=T("column.status")))
        else:
            st.altair_chart(
                charts.category_share_chart(statuses, "status", language), width="stretch"
            )
    with right:
        st.subheader(T("overview.type_title"))
        types = overview.customer_type_counts(data.customers)
        if types.empty:
            st.caption(T("overview.missing_columns", columns=T("column.customer_type")))
        else:
            st.altair_chart(
                charts.category_share_chart(types, "customer_type", language), width="stretch"
            )
