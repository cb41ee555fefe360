"""Streamlit glue of the workbench: session state, sidebar, error display. Pages import this;
the ``kundenmodell`` package never does."""
