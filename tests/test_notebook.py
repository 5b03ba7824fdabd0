"""The tutorial notebook runs from top to bottom in a real Jupyter kernel, and its cells show the facts they promise."""

from __future__ import annotations

import html

import pytest

from support import REPO

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("pandas")

NOTEBOOK = REPO / "docs" / "tutorial.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Run the notebook in a fresh kernel from the checkout; return each tagged cell's outputs by tag."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ECOGRAPH_HOME", raising=False)
        client = nbclient.NotebookClient(
            notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(REPO / "docs")}}
        )
        client.execute()
    out = tmp_path_factory.mktemp("notebook") / "tutorial.ipynb"
    nbformat.write(notebook, out)  # kept for a look when a check below fails
    cells = {}
    for cell in notebook.cells:
        for tag in cell.metadata.get("tags", []):
            cells[tag] = cell
    return cells


def text(cell: dict) -> str:
    """Everything a cell displayed: plain text and HTML, HTML unescaped."""
    parts = []
    for output in cell.outputs:
        assert output.output_type != "error", "".join(output.get("traceback", []))
        data = output.get("data", {})
        parts.append(data.get("text/plain", "") + html.unescape(data.get("text/html", "")) + output.get("text", ""))
    return "\n".join(parts)


def test_the_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in notebook.cells if c.cell_type == "code")


def test_every_cell_runs_without_error(executed: dict[str, dict]) -> None:
    assert set(executed) == {"open", "figures", "share", "evidence", "sparql", "chains", "ranks", "page", "store"}
    for tag, cell in executed.items():
        assert cell.outputs, f"cell {tag} shows nothing"
        text(cell)


def test_the_figures_cell_returns_a_dataframe_with_the_national_figures(executed: dict[str, dict]) -> None:
    cell = executed["figures"]
    [result] = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert "<table" in result.data["text/html"]  # pandas' DataFrame display
    shown = text(cell)
    assert "makers' spaces" in shown and "5739" in shown and "organisation" in shown
    assert result.data["text/html"].split("<tbody>", 1)[1].count("<tr>") == 15


def test_the_computed_share_is_right(executed: dict[str, dict]) -> None:
    assert text(executed["share"]).strip() == "85% of the investment won came from social sectors"  # 57 of 67 billion yuan


def test_evidence_sparql_chains_and_ranks_show_their_facts(executed: dict[str, dict]) -> None:
    assert "Makers' spaces cultivate a large number of excellent enterprises" in text(executed["evidence"])
    assert "Sudatiangong Makers' Space" in text(executed["sparql"])
    chains = text(executed["chains"])
    assert "iFLYTEK" in chains and "graduatedFrom" in chains
    assert "pagerank" not in text(executed["ranks"]).split("\n")[0] and "Pujiang" in text(executed["ranks"])


def test_the_page_shows_inline_in_a_sandboxed_frame(executed: dict[str, dict]) -> None:
    [result] = [o for o in executed["page"].outputs if o.output_type == "execute_result"]
    frame = result.data["text/html"]
    assert frame.startswith('<iframe sandbox="allow-scripts" srcdoc="') and "HUIBO" in html.unescape(frame)


def test_the_store_cell_counts_the_named_graphs(executed: dict[str, dict]) -> None:
    assert "https://w3id.org/ecograph/graph/" in text(executed["store"])
