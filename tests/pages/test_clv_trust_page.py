"""The Kundenwert page on data the CLV model cannot back (issue 17): it says why in plain
words and shows no "NaN" or "inf" anywhere."""

import re

import pytest

from kundenmodell.clv import analysis
from kundenmodell.i18n import LANGUAGES, t
from tests.pages.test_clv_page import _with_dataset
from tests.unit.clv_histories import variant

NOT_A_NUMBER = re.compile(r"\bnan\b|\binf\b|\binfinity\b|∞", re.IGNORECASE)


def _texts(node) -> list[str]:
    """Every text the page shows: element messages, labels and values, table cells."""
    texts = []
    for child in getattr(node, "children", {}).values():
        texts.extend(_texts(child))
    if node.type == "arrow_data_frame":
        texts.append(node.value.to_string())
    elif hasattr(node, "proto") and node.type not in ("arrow_vega_lite_chart",):
        texts.append(str(node.proto))
    return texts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_short_histories_show_the_reason_not_nan(lang):
    data = variant("short")
    fit = analysis.fit_dataset(data)
    assert fit.adequacy.ok and not fit.trusted  # the case this page test is about
    app = _with_dataset(data, lang)  # the page's AppTest with this data set loaded
    assert not app.error, [error.value for error in app.error]
    warning = app.warning[0].value
    assert warning.startswith(f"**{t('clv_trust.title', lang)}**")
    for doubt in fit.trust.doubts:
        assert t(doubt.key, lang, **doubt.params) in warning
    assert t("clv_trust.advice", lang) in [caption.value for caption in app.caption]
    assert not app.metric  # no customer values the model cannot back
    shown = "\n".join(_texts(app.main) + _texts(app.sidebar))
    assert t("clv_trust.advice", lang) in shown  # the scan sees the page's texts
    assert not NOT_A_NUMBER.search(shown), NOT_A_NUMBER.search(shown)
    # The model-free retention curves are still there.
    assert app.header[0].value == t("clv.retention_title", lang)
