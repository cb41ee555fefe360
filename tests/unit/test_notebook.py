"""The quickstart notebook runs top to bottom with the project's environment.

It walks through upload → personas → scenario → CLV → saved workspace on the bundled sample and
checks its own results with ``assert`` cells; here every cell must run without an error and
every cell tagged ``chart`` must show an Altair chart.
"""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "quickstart.ipynb"
VEGA_LITE = "application/vnd.vegalite.v6+json"


def test_quickstart_runs_top_to_bottom():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(o.get("output_type") != "error" for cell in code for o in cell.outputs)

    charts = [cell for cell in code if "chart" in cell.metadata.get("tags", [])]
    assert len(charts) == 4
    for cell in charts:
        shown = cell.outputs[0]["data"]
        assert VEGA_LITE in shown or "text/html" in shown, cell.source

    loaded = next(cell for cell in code if cell.source.startswith("data = km.load(export_file)"))
    assert loaded.outputs[0]["text"].startswith("shop_export 511 customers, 3219 purchases, EUR")
    listing = next(cell for cell in code if "km.store.workspaces()" in cell.source)
    assert listing.outputs[0]["data"]["text/plain"] == "[('Quickstart', 511, 3219)]"
