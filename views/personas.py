"""Buyer personas: built from the customers who bought, as cards with traits, goals and pain
points; compared, edited, drilled into and downloaded.

Every figure and rule comes from :mod:`kundenmodell.personas` (the choices of k, the member
table formats and where edits are kept are in :mod:`kundenmodell.personas.edits`); this page
lays them out.
"""

import math
from functools import partial

import streamlit as st

from kundenmodell import DataError, Dataset, personas
from kundenmodell.i18n import format_number, format_percent
from kundenmodell.personas import charts as persona_charts
from kundenmodell.personas import export, image, labelling, pdf
from kundenmodell.personas import summaries as persona_summaries
from kundenmodell.personas.cards import card_html
from kundenmodell.personas.edits import (
    K_CHOICES,
    earlier_edits,
    edits_of,
    number_format,
    signature,
    with_edit,
)
from kundenmodell.personas.features import DEFAULT_FEATURES, FEATURES
from kundenmodell.personas.text import Sheet, feature_label, quality_notes
from ui.downloads import download_button
from ui.feedback import dataset_with_purchases, guard
from ui.number_field import number_field
from ui.sample_notice import sample_notice
from ui.session import T, derive, derive_in_place, in_place_source, lang, workspace_state
from ui.tables import table_with_download

CARDS_PER_ROW = 4
ACTIVE = "personas_active"
# the persona sets (signatures) whose labelling of every customer the user asked for; a
# comment, not a docstring: Streamlit's magic writes a page script's bare strings on the page
EVERYONE = "personas_everyone"
GROUPS = ("demographics", "behaviour", "relationship")


def build_personas(data, k, features, seed):
    """The persona set of the active data set (memoised per data set and arguments)."""
    return personas.build(data, k=k, features=features, seed=seed)


def _activate(data_id: int) -> None:
    st.session_state[ACTIVE] = data_id


def _save_edit(key: str, index: int, values: dict[str, str] | None) -> None:
    """Keep (or with None: drop) the user's words for persona ``index`` in the workspace."""
    section = workspace_state("personas")
    updated = with_edit(section, key, index, values)
    section.clear()
    section.update(updated)


def _edits(key: str) -> dict[int, dict[str, str]]:
    return edits_of(workspace_state("personas"), key)


def _edit_form(key: str, persona: personas.Persona, card: Sheet) -> None:
    tag = f"{abs(hash(key))}_{persona.index}"
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
                key, persona.index, {"name": name, "description": description, "quote": quote}
            )
            st.rerun()
        if reset:
            _save_edit(key, persona.index, None)
            for field in ("name", "desc", "quote"):
                st.session_state.pop(f"persona_{field}_{tag}", None)
            st.rerun()


def _controls(data: Dataset) -> tuple[int | None, tuple[str, ...] | None, int, list[str]] | None:
    """The number of personas, the build button and the advanced choices; returns k (None:
    automatic), the features (None: the defaults), the seed and the features on offer, or None
    until the user has built personas for this data set."""
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
        return None
    k = None if k_choice == "auto" else int(k_choice)
    return k, tuple(chosen) if chosen else None, int(seed), offered


def _quality(result: personas.PersonaSet) -> None:
    """How many personas, how many customers they cover and how clearly they separate."""
    language = lang()
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
    if result.sample is not None:
        st.caption(
            T(
                "personas_sample.sample_caption",
                buyers=format_number(result.sample.buyers, language),
                sample=format_number(result.sample.size, language),
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


def _cards(result: personas.PersonaSet, sheets: list[Sheet], key: str) -> None:
    """The cards side by side in balanced rows, each with its edit form and PNG button."""
    language = lang()
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
                _edit_form(key, persona, card)
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


def _comparison(result: personas.PersonaSet) -> None:
    """The personas feature by feature, and their sizes."""
    language = lang()
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


def _profile_tab(names: dict[int, str], sheets: list[Sheet]) -> None:
    index = st.selectbox(
        T("personas.members.pick"), list(names), format_func=names.get, key="persona_profile"
    )
    st.html(card_html(sheets[index], lang()))


def _members_tab(result: personas.PersonaSet, names: dict[int, str]) -> None:
    language = lang()
    index = st.selectbox(
        T("personas.members.pick"), list(names), format_func=names.get, key="persona_members"
    )
    members = result.members(index)
    st.caption(T("personas.members.caption", count=format_number(len(members), language)))
    numeric = result.features.numeric.columns
    headers = {
        "customer_id": T("personas.members.customer_id"),
        "certainty": T("personas.members.certainty"),
        **{name: feature_label(name, language) for name in numeric},
    }
    table_with_download(
        members,
        headers,
        file_name=f"persona_{index + 1}_members.csv",
        key="persona_members_csv",
        column_config={
            "certainty": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0),
            **{name: st.column_config.NumberColumn(format=number_format(name)) for name in numeric},
        },
    )


def _customer_tab(result: personas.PersonaSet, sheets: list[Sheet]) -> None:
    """One customer's persona and how strongly they belong to each."""
    language = lang()
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
    if persona is None:
        return
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


def _features_tab(result: personas.PersonaSet, available: tuple[str, ...]) -> None:
    """Which features the personas rest on, which only describe them, and what is missing."""
    language = lang()
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


def _export_tab(
    result: personas.PersonaSet, sheets: list[Sheet], names: dict[int, str], key: str
) -> None:
    """The set as Markdown, JSON and PDF, and one card as PNG."""
    language = lang()
    st.caption(T("personas.export.caption"))
    row = st.columns(3)
    persona_set = (key, _edits(key), language)  # what the set's text depends on
    files = (  # kind, builder, what the file depends on, file name, type, icon
        ("markdown", export.to_markdown, persona_set, "md", "text/markdown", "description"),
        ("json", export.to_json, persona_set, "json", "application/json", "data_object"),
        ("pdf", pdf.cards_pdf, (*sheets, language), "pdf", "application/pdf", "picture_as_pdf"),
    )
    for cell, (kind, build, identity, suffix, mime, icon) in zip(row, files, strict=True):
        download_button(
            T(f"personas.export.{kind}"),
            partial(build, result, language),
            identity=identity,
            file_name=f"buyer_personas.{suffix}",
            mime=mime,
            icon=f":material/{icon}:",
            key=f"personas_{suffix}",
            target=cell,
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


def _label_everyone(source, labeller):
    """Every buyer of the source analysed in place labelled (memoised per source and fitted
    model), with a progress bar while the parts are read."""
    parts = math.ceil(source.rows["customers"] / labelling.PART_CUSTOMERS)
    bar = st.progress(0.0, text=T("personas_everyone.splitting", parts=parts))

    def advance(done: int, parts: int) -> None:
        bar.progress(done / parts, text=T("personas_everyone.progress", done=done, parts=parts))

    population = labelling.label_with(labeller, source, progress=advance)
    bar.empty()
    return population


def _everyone_tab(result: personas.PersonaSet, names: dict[int, str], key: str) -> None:
    """A source analysed in place: every customer labelled with the personas of its sample,
    on request (it reads the whole source), then persona sizes over all of them and a
    download of every customer's persona."""
    language = lang()
    source = in_place_source()
    parts = math.ceil(source.rows["customers"] / labelling.PART_CUSTOMERS)
    st.caption(
        T(
            "personas_everyone.caption",
            sample=format_number(result.n_customers, language),
            customers=format_number(source.rows["customers"], language),
            parts=format_number(parts, language),
        )
    )
    requested: set[str] = st.session_state.setdefault(EVERYONE, set())
    if key not in requested:
        if st.button(
            T("personas_everyone.button"), key="personas_label_all", icon=":material/groups:"
        ):
            requested.add(key)
            st.rerun()  # the labelling then runs without the button above its progress
        return
    population = derive_in_place(_label_everyone, result.labeller)
    st.success(
        T(
            "personas_everyone.done",
            buyers=format_number(population.buyers, language),
            parts=format_number(population.parts, language),
        ),
        icon=":material/check_circle:",
    )
    table = labelling.population_table(population, result)
    table["persona"] = table["persona"].map(names)
    st.caption(T("personas_everyone.table_caption"))
    table_with_download(
        table,
        {name: T(f"personas_everyone.{name}") for name in table.columns},
        file_name="persona_sizes_all_customers.csv",
        key="personas_everyone_sizes",
        formats={
            "buyers": 0,
            "share": "percent",
            "sample_share": "percent",
            "revenue_share": "percent",
        },
    )
    download_button(
        T("personas_everyone.download"),
        partial(labelling.labels_zip, population, names, language, "personas_all_customers.csv"),
        identity=(population.path.name, language, tuple(names.values())),
        file_name="personas_all_customers.zip",
        mime="application/zip",
        key="personas_everyone_csv",
        eager=False,
    )


def _truth_tab(data: Dataset, result: personas.PersonaSet, names: dict[int, str]) -> None:
    """Synthetic data only: the personas against the customer types the generator used."""
    language = lang()
    st.markdown(f"**{T('personas.truth.title')}**")
    st.caption(T("personas.truth.caption"))
    ari, crosstab = result.compare_with_truth(data.truth)
    st.metric(T("personas.truth.ari"), format_number(ari, language, decimals=2))
    st.altair_chart(persona_charts.truth_chart(crosstab, names, language), width="stretch")
    st.caption(persona_summaries.truth_summary(crosstab, names, language))


def _tabs(
    data: Dataset,
    result: personas.PersonaSet,
    sheets: list[Sheet],
    key: str,
    offered: list[str],
) -> None:
    """Profile, members, one customer, features, export (and the truth for synthetic data)."""
    names = {p.index: p.name for p in result.personas}
    tab_keys = ["profile", "members", "customer", "features", "export"]
    if data.truth is not None:
        tab_keys.append("truth")
    source = in_place_source()
    everyone = source is not None and source.sampled and result.labeller is not None
    titles = [T(f"personas.tab.{name}") for name in tab_keys]
    if everyone:
        tab_keys.append("everyone")
        titles.append(T("personas_everyone.tab"))
    tabs = dict(zip(tab_keys, st.tabs(titles), strict=True))
    with tabs["profile"]:
        _profile_tab(names, sheets)
    with tabs["members"]:
        _members_tab(result, names)
    with tabs["customer"]:
        _customer_tab(result, sheets)
    with tabs["features"]:
        _features_tab(result, tuple(offered))
    with tabs["export"]:
        _export_tab(result, sheets, names, key)
    if "truth" in tabs:
        with tabs["truth"]:
            _truth_tab(data, result, names)
    if "everyone" in tabs:
        with tabs["everyone"]:
            _everyone_tab(result, names, key)


def _personas(data: Dataset) -> None:
    """Build (once per choice) and show the personas of ``data``."""
    chosen = _controls(data)
    if chosen is None:
        return
    k, features, seed, offered = chosen
    with st.spinner(T("personas.building")):
        built = derive(build_personas, k, features, seed)
    key = signature(data, k, features, seed)
    if earlier := earlier_edits(workspace_state("personas"), key):
        st.info(T("personas_earlier.notice", count=earlier), icon=":material/history:")
    result = built.with_edits(_edits(key))
    sheets = [personas.sheet(p, lang(), result.currency) for p in result.personas]
    _quality(result)
    _cards(result, sheets, key)
    _comparison(result)
    _tabs(data, result, sheets, key, offered)


def _page() -> None:
    st.title(T("personas.title"))
    sample_notice()
    st.caption(T("personas.intro"))
    data = dataset_with_purchases("personas")
    if data is None:
        return
    st.info(T("personas.buyers_note"), icon=":material/shopping_bag:")
    with guard():
        _personas(data)


_page()
