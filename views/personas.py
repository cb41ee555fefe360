"""Buyer personas: built from the customers who bought, as cards with traits, goals and pain
points; compared, edited, drilled into and downloaded."""

import json
import math
from functools import partial

import streamlit as st

from kundenmodell import DataError, personas
from kundenmodell.i18n import format_number, format_percent
from kundenmodell.personas import charts as persona_charts
from kundenmodell.personas import export, image, pdf
from kundenmodell.personas import summaries as persona_summaries
from kundenmodell.personas.cards import card_html
from kundenmodell.personas.features import DEFAULT_FEATURES, FEATURES
from kundenmodell.personas.text import feature_label, quality_notes
from ui.downloads import download_button
from ui.feedback import guard
from ui.number_field import number_field
from ui.session import T, dataset, derive, lang, workspace_state
from ui.tables import table_with_download

K_CHOICES = ("auto", 2, 3, 4, 5, 6, 7, 8, 9, 10)
CARDS_PER_ROW = 4
ACTIVE = "personas_active"
GROUPS = ("demographics", "behaviour", "relationship")
NUMBER_FORMATS = {"purchase_rate": "%.1f", "quantity": "%.1f", "basket": "%.2f", "monetary": "%.2f"}


def build_personas(data, k, features, seed):
    """The persona set of the active data set (memoised per data set and arguments)."""
    return personas.build(data, k=k, features=features, seed=seed)


def _activate(data_id: int) -> None:
    st.session_state[ACTIVE] = data_id


def _signature(data, k: int | None, features: tuple | None, seed: int) -> str:
    """Which persona set an edit belongs to, as a JSON key that a saved workspace can keep."""
    return json.dumps([data.name, data.n_customers, k, list(features or ()), seed])


def _save_edit(signature: str, index: int, values: dict[str, str] | None) -> None:
    edits = workspace_state("personas").setdefault(signature, {})
    if values is None:
        edits.pop(str(index), None)
    else:
        edits[str(index)] = values


def _edits(signature: str) -> dict[int, dict[str, str]]:
    stored = workspace_state("personas").get(signature, {})
    return {int(index): values for index, values in stored.items()}


def _edit_form(signature: str, persona: personas.Persona, card) -> None:
    tag = f"{abs(hash(signature))}_{persona.index}"
    with st.popover(T("personas.edit.button"), icon=":material/edit:", width="stretch"):
        with st.form(f"persona_edit_{tag}", border=False):
            name = st.text_input(
                T("personas.edit.name"), value=card.name, max_chars=60, key=f"persona_name_{tag}"
            )
            description = st.text_area(
                T("personas.edit.description"), value=card.description, key=f"persona_desc_{tag}"
            )
            quote = st.text_input(
                T("personas.edit.quote"),
                value=card.quote,
                max_chars=200,
                key=f"persona_quote_{tag}",
            )
            st.caption(T("personas.edit.hint"))
            left, right = st.columns(2)
            save = left.form_submit_button(
                T("personas.edit.save"), type="primary", key=f"persona_save_{tag}"
            )
            reset = right.form_submit_button(T("personas.edit.reset"), key=f"persona_reset_{tag}")
        if save:
            _save_edit(
                signature,
                persona.index,
                {"name": name, "description": description, "quote": quote},
            )
            st.rerun()
        if reset:
            _save_edit(signature, persona.index, None)
            for field in ("name", "desc", "quote"):
                st.session_state.pop(f"persona_{field}_{tag}", None)
            st.rerun()


def _features_tab(result: personas.PersonaSet, available: tuple[str, ...]) -> None:
    st.markdown(f"**{T('personas.features.used')}**")
    for group in GROUPS:
        names = [n for n in result.features_used if FEATURES[n].group == group]
        if names:
            st.markdown(
                f"- {T(f'personas.group.{group}')}: "
                + ", ".join(feature_label(n, language) for n in names)
            )
    described = [n for n in available if n not in result.features_used]
    if described:
        st.caption(
            T(
                "personas.features.described",
                features=", ".join(feature_label(n, language) for n in described),
            )
        )
    constant = result.features.constant
    if constant:
        st.caption(
            T(
                "personas.features.constant",
                features=", ".join(feature_label(n, language) for n in constant),
            )
        )
    missing = [n for n in FEATURES if n in result.features.missing]
    if not missing:
        st.success(T("personas.features.none_missing"), icon=":material/check_circle:")
        return
    st.markdown(f"**{T('personas.features.missing')}**")
    st.markdown(
        T("personas.features.missing_hint")
        + "\n"
        + "\n".join(
            f"- {feature_label(name, language)}: "
            + ", ".join(
                f"{T(f'table.{table}')} → {T(f'column.{column}')}"
                for table, column in FEATURES[name].columns
            )
            for name in missing
        )
    )


st.title(T("personas.title"))
st.caption(T("personas.intro"))
data = dataset()
if data is None:
    st.info(T("personas.none"), icon=":material/info:")
    st.stop()
if data.transactions.empty:
    st.info(T("personas.no_transactions"), icon=":material/info:")
    st.stop()
st.info(T("personas.buyers_note"), icon=":material/shopping_bag:")

with guard():
    language = lang()
    controls = st.columns([3, 2], vertical_alignment="bottom")
    k_choice = controls[0].select_slider(
        T("personas.k"),
        K_CHOICES,
        value="auto",
        format_func=lambda value: T("personas.k_auto") if value == "auto" else str(value),
        help=T("personas.k_help"),
        key="personas_k",
    )
    controls[1].button(
        T("personas.build"),
        type="primary",
        icon=":material/groups:",
        on_click=_activate,
        args=(id(data),),
        key="personas_build",
        width="stretch",
    )
    offered = list(personas.available_features(data))
    with st.expander(T("personas.advanced")):
        chosen = st.multiselect(
            T("personas.features_pick"),
            offered,
            default=[name for name in DEFAULT_FEATURES if name in offered],
            format_func=lambda name: feature_label(name, language),
            help=T("personas.features_help"),
            key="personas_features",
        )
        st.session_state.setdefault("personas_seed", 0)
        seed = number_field(
            T("personas.seed"),
            "personas_seed",
            min_value=0,
            max_value=2**31 - 1,
            integer=True,
            help=T("personas.seed_help"),
        )
    if st.session_state.get(ACTIVE) != id(data):
        st.info(T("personas.press_build"), icon=":material/touch_app:")
        st.stop()

    k = None if k_choice == "auto" else int(k_choice)
    features = tuple(chosen) if chosen else None
    with st.spinner(T("personas.building")):
        built = derive(build_personas, k, features, int(seed))
    signature = _signature(data, k, features, int(seed))
    result = built.with_edits(_edits(signature))
    sheets = [personas.sheet(p, language, result.currency) for p in result.personas]

    st.header(T("personas.quality.title"))
    quality = result.quality
    cells = st.columns(5)
    cells[0].metric(
        T("personas.metric.count"),
        result.k,
        T("personas.metric.count_auto" if result.automatic else "personas.metric.count_fixed"),
        delta_color="off",
        delta_arrow="off",
    )
    cells[1].metric(
        T("personas.metric.clustered"),
        format_number(len(result.labels), language),
        help=T("personas.metric.clustered_help"),
    )
    cells[2].metric(
        T("personas.metric.stability"),
        format_percent(quality.stability, language),
        help=T("personas.metric.stability_help"),
    )
    cells[3].metric(
        T("personas.metric.certainty"),
        format_percent(quality.certainty, language),
        help=T("personas.metric.certainty_help"),
    )
    cells[4].metric(
        T("personas.metric.silhouette"),
        format_number(quality.silhouette, language, decimals=2),
        help=T("personas.metric.silhouette_help"),
    )
    show = {"personas.quality.clear": st.success, "personas.quality.moderate": st.info}
    show.get(quality.reading, st.warning)(T(quality.reading), icon=":material/verified:")
    for note in quality_notes(result, language):
        if note.level == "warning":
            st.warning(note.text, icon=":material/warning:")
        else:
            st.info(note.text, icon=":material/filter_1:")
    st.caption(
        T(
            "personas.clustered",
            clustered=format_number(len(result.labels), language),
            customers=format_number(result.n_customers, language),
        )
    )
    with st.expander(T("personas.criterion.title")):
        if result.automatic:
            st.caption(T("personas.criterion.auto", k=result.k))
            st.altair_chart(
                persona_charts.criterion_chart(result.criterion, language), width="stretch"
            )
            st.caption(persona_summaries.criterion_summary(result.criterion, language))
        else:
            st.caption(T("personas.criterion.fixed", k=result.k))

    st.header(T("personas.cards.title"))
    st.caption(T("personas.cards.caption"))
    per_row = math.ceil(result.k / math.ceil(result.k / CARDS_PER_ROW))  # balanced rows
    for start in range(0, result.k, per_row):
        row = st.columns(per_row)
        for column, persona, card in zip(
            row, result.personas[start:], sheets[start : start + per_row], strict=False
        ):
            with column:
                st.html(card_html(card, language, compact=True))
                _edit_form(signature, persona, card)
                download_button(
                    T("personas.export.png"),
                    partial(image.card_png, card, language),
                    identity=(card, language),
                    file_name=f"persona_{persona.index + 1}.png",
                    mime="image/png",
                    icon=":material/image:",
                    key=f"persona_png_{persona.index}",
                    width="stretch",
                )

    with st.container(key="persona_comparison"):
        st.header(T("personas.compare.title"))
        st.caption(T("personas.compare.caption"))
        frame = persona_charts.comparison_frame(result, language)
        if not frame.empty:
            st.altair_chart(persona_charts.comparison_chart(frame, language), width="stretch")
            st.caption(persona_summaries.comparison_summary(frame, language))
        if not math.isnan(result.personas[0].revenue_share):
            st.markdown(f"**{T('personas.compare.sizes')}**")
            st.altair_chart(persona_charts.size_chart(result, language), width="stretch")
            st.caption(persona_summaries.size_summary(result, language))

    names = {p.index: p.name for p in result.personas}
    tab_keys = ["profile", "members", "customer", "features", "export"]
    if data.truth is not None:
        tab_keys.append("truth")
    tabs = dict(zip(tab_keys, st.tabs([T(f"personas.tab.{key}") for key in tab_keys]), strict=True))

    with tabs["profile"]:
        index = st.selectbox(
            T("personas.members.pick"), list(names), format_func=names.get, key="persona_profile"
        )
        st.html(card_html(sheets[index], language))

    with tabs["members"]:
        index = st.selectbox(
            T("personas.members.pick"), list(names), format_func=names.get, key="persona_members"
        )
        members = result.members(index)
        st.caption(T("personas.members.caption", count=format_number(len(members), language)))
        headers = {
            "customer_id": T("personas.members.customer_id"),
            "certainty": T("personas.members.certainty"),
            **{name: feature_label(name, language) for name in result.features.numeric.columns},
        }
        table_with_download(
            members,
            headers,
            file_name=f"persona_{index + 1}_members.csv",
            key="persona_members_csv",
            column_config={
                "certainty": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0),
                **{
                    name: st.column_config.NumberColumn(format=NUMBER_FORMATS.get(name, "%.0f"))
                    for name in result.features.numeric.columns
                },
            },
        )

    with tabs["customer"]:
        customer = st.text_input(
            T("personas.customer.pick"),
            value=str(result.labels.index[0]),
            help=T("personas.customer.help"),
            key="persona_customer",
        ).strip()
        try:
            persona = result.persona_of(customer) if customer else None
        except DataError as error:
            st.warning(error.message(language), icon=":material/person_off:")
            persona = None
        if persona is not None:
            probability = float(result.membership.at[customer, persona.key])
            st.success(
                T(
                    "personas.customer.result",
                    customer=customer,
                    persona=persona.name,
                    probability=format_percent(probability, language),
                ),
                icon=":material/person_search:",
            )
            left, right = st.columns([3, 2])
            with left:
                st.html(card_html(sheets[persona.index], language, compact=True))
            with right:
                st.markdown(f"**{T('personas.customer.membership')}**")
                for other in result.personas:
                    share = float(result.membership.at[customer, other.key])
                    st.progress(share, text=f"{other.name}: {format_percent(share, language)}")

    with tabs["features"]:
        _features_tab(result, tuple(offered))

    with tabs["export"]:
        st.caption(T("personas.export.caption"))
        row = st.columns(3)
        persona_set = (signature, _edits(signature), language)  # what the set's text depends on
        download_button(
            T("personas.export.markdown"),
            partial(export.to_markdown, result, language),
            identity=persona_set,
            file_name="buyer_personas.md",
            mime="text/markdown",
            icon=":material/description:",
            key="personas_md",
            target=row[0],
            width="stretch",
        )
        download_button(
            T("personas.export.json"),
            partial(export.to_json, result, language),
            identity=persona_set,
            file_name="buyer_personas.json",
            mime="application/json",
            icon=":material/data_object:",
            key="personas_json",
            target=row[1],
            width="stretch",
        )
        download_button(
            T("personas.export.pdf"),
            partial(pdf.cards_pdf, result, language),
            identity=(*sheets, language),
            file_name="buyer_personas.pdf",
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            key="personas_pdf",
            target=row[2],
            width="stretch",
        )
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        chosen_card = left.selectbox(
            T("personas.export.pick"), list(names), format_func=names.get, key="persona_png_pick"
        )
        download_button(
            T("personas.export.png"),
            partial(image.card_png, sheets[chosen_card], language),
            identity=(sheets[chosen_card], language),
            target=right,
            file_name=f"persona_{chosen_card + 1}.png",
            mime="image/png",
            icon=":material/image:",
            key="persona_png_export",
            width="stretch",
        )

    if "truth" in tabs:
        with tabs["truth"]:
            st.markdown(f"**{T('personas.truth.title')}**")
            st.caption(T("personas.truth.caption"))
            ari, crosstab = result.compare_with_truth(data.truth)
            st.metric(T("personas.truth.ari"), format_number(ari, language, decimals=2))
            st.altair_chart(persona_charts.truth_chart(crosstab, names, language), width="stretch")
            st.caption(persona_summaries.truth_summary(crosstab, names, language))
