"""The concepts of the source texts, in short, in the user's language."""

import streamlit as st

from kundenmodell.concepts import CONCEPTS
from ui.sample_notice import sample_notice
from ui.session import T

st.title(T("concepts.title"))
sample_notice()
st.markdown(T("concepts.intro"))

columns = st.columns(2)
for index, concept in enumerate(CONCEPTS):
    card = columns[index % 2].container(border=True)
    card.markdown(f"## {T(f'concept.{concept}.term')}")
    card.markdown(T(f"concept.{concept}.text"))
