"""The scenario band charts carry their title and what line and bands mean in the chart spec,
so that a PNG saved from Streamlit's own chart menu (no vl-convert needed) explains itself."""

import pytest

from kundenmodell import scenarios
from kundenmodell.i18n import t
from kundenmodell.scenarios import charts as scenario_charts


@pytest.mark.parametrize("lang", ["de", "nb"])
def test_band_chart_spec_holds_title_and_band_legend(lang):
    bands = scenarios.monte_carlo(scenarios.Scenario(), scenarios.Uncertainty(), 100, 0).bands
    spec = scenario_charts.titled_band_chart(bands, "customers", lang).to_dict()
    assert spec["title"]["text"] == t("scenarios.metric.customers", lang)
    assert spec["title"]["subtitle"] == t("scenarios.png_band_legend", lang)
    assert "width" not in spec  # the page stretches it; only the exported PNG is 640 px wide
