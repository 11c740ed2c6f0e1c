"""docs/reference/ is generated from the schema, the CLI and the equations'
docstrings (scripts/make_reference.py); it fails here the moment it is stale."""

from __future__ import annotations

import importlib.util
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_reference.py"


def _module():
    spec = importlib.util.spec_from_file_location("make_reference", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_reference_is_what_the_code_says_today():
    run = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True,
                         text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr


def test_a_stale_page_is_caught(tmp_path, monkeypatch):
    module = _module()
    shutil.copytree(module.FOLDER, tmp_path / "reference")
    monkeypatch.setattr(module, "FOLDER", tmp_path / "reference")
    assert module.stale() == []
    page = tmp_path / "reference" / "parameters.md"
    page.write_text(page.read_text(encoding="utf-8").replace("| 66.75 |", "| 70 |"),
                    encoding="utf-8")
    assert module.stale() == ["parameters.md"]


def test_every_parameter_output_command_and_equation_is_listed():
    module = _module()
    from reserve import schema
    from reserve.equations import FAMILIES
    text = {name: (module.FOLDER / name).read_text(encoding="utf-8") for name in module.PAGES}
    assert all(f"`{p.name}`" in text["parameters.md"] for p in schema.PARAMETERS)
    assert all(f"`{name}`" in text["outputs.md"] for name, _, _ in schema.OUTPUTS)
    for command in ("size", "impact", "sensitivity", "batch", "paths", "risk", "report"):
        assert f"## `reserve {command}`" in text["commands.md"]
    assert all(f"## `{rule.__name__}`" in text["equations.md"] for rule, _ in FAMILIES)
