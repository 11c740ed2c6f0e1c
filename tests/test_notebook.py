"""The Python API in its real client: examples/notebook/reserve.ipynb run by
`jupyter nbconvert --execute` on a Jupyter kernel (skipped, with the reason,
where nbconvert or ipykernel is not installed)."""

import base64
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "notebook" / "reserve.ipynb"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("nbconvert") is None or importlib.util.find_spec("ipykernel") is None,
    reason="Jupyter's nbconvert and ipykernel are not installed: pip install '.[notebook]'")


def test_the_example_notebook_runs_in_a_kernel_and_shows_its_figures(tmp_path):
    import nbformat
    shutil.copy(NOTEBOOK, tmp_path / "reserve.ipynb")
    run = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook",
                          "--execute", "reserve.ipynb", "--output", "ran.ipynb"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    ran = nbformat.read(tmp_path / "ran.ipynb", as_version=4)
    outputs = [o for c in ran.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # the answer shows as HTML (its sentence and table), each figure as a picture
    assert "Holding crude $5.00/bbl above $66.75" in outputs[0]["data"]["text/html"]
    pictures = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    assert len(pictures) == 3 and all(len(base64.b64decode(p)) > 20_000 for p in pictures)
    assert (tmp_path / "base.json").exists() and (tmp_path / "steeper.json").exists()
    text = "".join(o.get("text", "") for o in outputs)
    assert "<reserve.Answer size: 173.9 mb" in text
    assert "base against steeper: 1 input differs (demand_elasticity)" in text
