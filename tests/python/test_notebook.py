"""examples/qiannan.ipynb runs headlessly from top to bottom (nbclient with
an ipykernel of this interpreter) without a cell error, and draws its two
plots."""

from __future__ import annotations

import os

import nbformat
from nbclient import NotebookClient

from conftest import BUILD, REPO


def test_notebook_runs_clean(sample, monkeypatch):
    nb = nbformat.read(REPO / "examples" / "qiannan.ipynb", as_version=4)
    # The kernel inherits the environment: the build tree's package, the sample.
    monkeypatch.setenv("ZHUCUN_SAMPLE_DATA", str(sample))
    monkeypatch.setenv("ZHUCUN_SOURCE_DIR", str(REPO))
    monkeypatch.setenv("ZHUCUN_BUILD_DIR", str(BUILD))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # ipykernel's debugger warning
    monkeypatch.setenv("PYTHONPATH", os.environ.get("PYTHONPATH", str(BUILD / "python")))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(REPO / "examples")}})
    client.execute()  # raises CellExecutionError on the first cell that fails
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "data" in o and "image/png" in o["data"]]
    assert len(images) == 2
    html = [o for o in outputs if "data" in o and "text/html" in o["data"]]
    assert any("zhucun-explanation" in o["data"]["text/html"] for o in html)
