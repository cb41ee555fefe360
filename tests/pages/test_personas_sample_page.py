"""The personas page says when the personas were fitted on a sample of the buyers."""

from functools import partial

import pytest

from kundenmodell import personas
from kundenmodell.i18n import LANGUAGES, format_number, t
from tests.data.personas import webshop

PAGE = "views/personas.py"
SAMPLE = 400


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_names_the_sample_the_personas_were_fitted_on(
    lang, open_page, session, monkeypatch
):
    monkeypatch.setattr(personas, "build", partial(personas.build, sample_size=SAMPLE))
    data = webshop.generate(1_200, seed=2)
    app = open_page(PAGE, lang, data=data, timeout=300)
    captions = [caption.value for caption in app.caption]
    assert not any(
        text.startswith(t("personas_sample.sample_caption", lang).split(":")[0])
        for text in captions
    )
    app.button(key="personas_build").click().run()
    assert not app.exception, app.exception
    (result,) = session.derived(app, "build_personas")
    assert result.sample is not None and result.sample.size == SAMPLE
    expected = t(
        "personas_sample.sample_caption",
        lang,
        buyers=format_number(len(result.labels), lang),
        sample=format_number(SAMPLE, lang),
    )
    assert expected in [caption.value for caption in app.caption]
    assert result.sample.buyers == len(result.labels) > SAMPLE
