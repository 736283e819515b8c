"""The tutorial notebooks under docs/notebooks/ run from top to bottom, and are stored clean.

Each notebook is executed in a fresh kernel (nbclient) in a temporary folder; a cell that
raises fails the test with the cell's traceback. The notebooks are committed without
outputs, so that the repository holds the code, not one run's numbers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook extras (pip install -e .[dev])")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT_S = 300


def test_there_are_the_notebooks():
    names = {path.stem for path in NOTEBOOKS}
    assert {"first-study", "deal-of-your-own", "assumption-sets", "exploring"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_a_notebook_is_stored_without_outputs(path: Path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name} holds outputs: clear them (Jupyter: Edit > Clear Outputs of All "
                "Cells) before committing"
            )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_a_notebook_runs_from_top_to_bottom(path: Path, tmp_path: Path):
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    # The kernel is this interpreter (ipykernel's native kernel) with this environment.
    NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    html = [
        output["data"]["text/html"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "data" in output and "text/html" in output["data"]
    ]
    images = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "data" in output and "image/png" in output["data"]
    ]
    assert html, "no table was displayed"
    assert images, "no figure was drawn"
    if path.stem in ("first-study", "assumption-sets"):
        # The study shows itself as a table with its manifest (Study._repr_html_).
        assert any("offramp study" in text and "scenario_sha256" in text for text in html)
