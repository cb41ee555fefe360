"""The role charts: the sankey layout tiles its nodes exactly, labels are translated, numbers
follow the language, and every chart serialises to a valid Vega-Lite spec."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundenmodell import roles
from kundenmodell.roles import charts
from kundenmodell.schema import CONSUMER_ROLES
from kundenmodell.synth import generate


@pytest.fixture(scope="module")
def report():
    return roles.compare(generate(1_500, seed=5), by="category")


def _data(chart) -> list[dict]:
    """All inline rows of a chart's spec (layers and concatenations included)."""
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


flows = st.lists(
    st.tuples(
        st.sampled_from(["b2c", "b2b", "all"]),
        st.sampled_from(CONSUMER_ROLES),
        st.floats(min_value=0.01, max_value=1e6, allow_nan=False),
    ),
    min_size=1,
    max_size=18,
    unique_by=lambda edge: (edge[0], edge[1]),
)


@settings(max_examples=30, deadline=None)
@given(flows)
def test_sankey_links_tile_their_nodes_exactly(edges):
    flow = pd.DataFrame(edges, columns=["source", "target", "revenue"]).assign(purchases=1)
    layout = charts.sankey_layout(flow)
    links = layout["links"]
    for side, column in (("sources", "source"), ("targets", "target")):
        nodes = layout[side]
        assert nodes["top"].iloc[0] == pytest.approx(0.0, abs=1e-12)
        assert nodes["bottom"].iloc[-1] == pytest.approx(1.0)
        assert nodes["value"].sum() == pytest.approx(1.0)
        assert (nodes["top"].to_numpy()[1:] >= nodes["bottom"].to_numpy()[:-1] - 1e-12).all()
        end = "source" if side == "sources" else "target"
        for node in nodes.itertuples():
            bands = links[links[column] == node.node].sort_values(f"{end}_top")
            # The node's links sit side by side and fill it from top to bottom.
            assert bands[f"{end}_top"].iloc[0] == pytest.approx(node.top)
            assert bands[f"{end}_bottom"].iloc[-1] == pytest.approx(node.bottom)
            gaps = bands[f"{end}_top"].to_numpy()[1:] - bands[f"{end}_bottom"].to_numpy()[:-1]
            assert abs(gaps).max(initial=0) < 1e-9


def test_flow_chart_shows_translated_buyers_and_users(report):
    rows = _data(charts.flow_chart(report.flow, "de", "EUR"))
    labels = {row.get("label") for row in rows if "label" in row}
    assert any(label.startswith("Privatkunde (B2C)\n") for label in labels)
    assert any(label.startswith("Kind\n") for label in labels)
    assert {row.get("text") for row in rows if "text" in row} >= {
        "Käufer (bezahlt)",
        "Nutzer (verwendet)",
    }
    spec = charts.flow_chart(report.flow, "de", "EUR").to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_role_share_chart_labels_groups_and_large_shares(report):
    chart = charts.role_share_chart(report.role_mix, "en", group_column="category")
    rows = _data(chart)
    assert {row["label"] for row in rows} == set(report.groups["group"])
    assert {row["role_label"] for row in rows} <= {
        "The buyer themself",
        "Child",
        "Partner",
        "Gift recipient",
        "Employee",
        "Someone else",
    }
    for row in rows:
        assert (row["text"] == "") == (row["revenue_share"] < charts.LABEL_MIN_SHARE)
        assert 0 <= row["start"] <= row["end"] <= 1 + 1e-9


def test_age_profile_chart_puts_unknown_ages_last(report):
    chart = charts.age_profile_chart(report.age_profile(["child"]), "nb")
    spec = chart.to_dict()
    assert len(spec["hconcat"]) == 2
    assert [panel["title"] for panel in spec["hconcat"]] == [
        "Kjøper (betaler)",
        "Bruker (tar i bruk)",
    ]
    rows = _data(chart)
    assert {row["basis_label"] for row in rows if "basis_label" in row} <= {
        "fra kundedataene",
        "antatt ut fra rollen",
        "ukjent",
    }
    y = spec["hconcat"][0]["layer"][0]["encoding"]["y"]
    assert y["sort"][-1] == "Alder ukjent"


def test_gift_season_chart_marks_the_peak_with_month_names(report):
    chart = charts.gift_season_chart(report.gift_season, "de")
    rows = [row for row in _data(chart) if "month_label" in row]
    assert [row["month_label"] for row in rows][:3] == ["Jan.", "Feb.", "März"]
    assert [row["month_label"] for row in rows if row["peak"]] == ["Dez."]
    assert charts.month_names("en", "wide")[11] == "December"


def test_repeat_chart_has_one_bar_per_first_role(report):
    rows = _data(charts.repeat_chart(report.repeat, "en"))
    assert [row["first_role"] for row in rows] == report.repeat["first_role"].tolist()
