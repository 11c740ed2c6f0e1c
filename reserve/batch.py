"""`reserve batch`: a sheet of scenarios in, a sheet of answers out.

Each input row is one run. Its columns are any parameter names of the
schema (flat names or ``storage.NAME.FIELD``) plus, optionally:

- ``id``: any label, copied through;
- ``scenario``: a base scenario file (TOML or CSV), relative to the sheet's
  folder; empty: the default (October 2008);
- ``mode``: ``size`` (default) or ``impact``;
- ``capacity_mb``, ``fill_rate_mbd``, ``release_rate_mbd``, ``direction``:
  the design and direction of impact mode (as `reserve impact` takes them).

Empty cells take the defaults. The output repeats every input column, in
order, then every result column, then ``status`` (``ok``, ``infeasible``,
``error``) and ``message``: one output row per input row, in input order,
whatever happens to any row. A spreadsheet's dialect is read (comma or
semicolon, byte-order mark, CRLF, quotes, decimal commas in semicolon files,
``5%`` targets).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError, ReserveError, TargetUnreachable
from .results import OUTPUTS
from .scenario import build_scenario, read_csv_rows, read_text, with_overrides
from .diagnosis import diagnosis_of
from .sweep import PointResult, Resolver, map_in_blocks

RUN_COLUMNS = ("id", "scenario", "mode", "capacity_mb", "fill_rate_mbd", "release_rate_mbd",
               "direction")
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*%?\s*$")


def read_sheet(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a sheet, blank rows kept (each is an input row)."""
    path = Path(path)
    text = read_text(path, "batch input", "CSV file")
    rows = read_csv_rows(text, "batch input", keep_blank=True)
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise InputError("batch input", str(path), "a header row of parameter names")
    header = rows[0]
    if [c.lower() for c in header[:2]] == ["name", "value"]:
        # `reserve params --format csv` writes one scenario as name,value rows:
        # read it as a sheet of one run (an empty value keeps the default)
        named = [r for r in rows[1:] if len(r) >= 2 and r[0]]
        return [r[0] for r in named], [[r[1] for r in named]]
    if len(set(header)) != len(header) or "" in header:
        raise InputError("batch input", ",".join(header), "a header of distinct, non-empty names")
    semicolons = ";" in text.splitlines()[0]
    body = []
    for row in rows[1:]:
        cells = (row + [""] * len(header))[:len(header)] if any(row) else []
        if semicolons:   # a semicolon sheet writes decimals with a comma
            cells = [c.replace(",", ".") if _DECIMAL_COMMA.match(c) else c for c in cells]
        body.append(cells)
    while body and not body[-1]:
        body.pop()   # trailing blank lines are the file's end, not rows
    return header, body


def _number(row: dict, name: str) -> float | None:
    text = row.get(name, "").strip()
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(name, text, "a number") from None
    return value


class BatchSolver:
    """Solves rows; keeps one Resolver per base scenario so size rows re-solve in place."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.bases: dict[str, object] = {}
        self.resolvers: dict[str, Resolver] = {}

    def _base(self, name: str):
        if name not in self.bases:
            path = None if name == "" else (self.folder / name)
            self.bases[name] = build_scenario(path)
        return self.bases[name]

    def solve(self, header: list[str], cells: list[str]) -> PointResult:
        from .results import outputs
        from .solve import impact
        if not cells:
            return PointResult("error", {}, "empty row: nothing to solve")
        row = dict(zip(header, cells))
        try:
            base_name = row.get("scenario", "").strip()
            base = self._base(base_name)
            overrides = {k: v for k, v in row.items() if k not in RUN_COLUMNS and v.strip() != ""}
            scenario = with_overrides(base, overrides)
            mode = row.get("mode", "").strip().lower() or "size"
            if mode == "size":
                resolver = self.resolvers.get(base_name)
                if resolver is None:
                    resolver = self.resolvers[base_name] = Resolver(scenario)
                try:
                    answer = resolver.solve(scenario)
                except TargetUnreachable:
                    # a sheet deserves the diagnosis `reserve size` gives (what
                    # binds, what is reachable): a few more solves, this row only
                    raise diagnosis_of(scenario) from None
            elif mode == "impact":
                capacity = _number(row, "capacity_mb")
                if capacity is None:
                    raise InputError("capacity_mb", "", "a number: impact mode needs a capacity")
                answer = impact(scenario, capacity, _number(row, "fill_rate_mbd"),
                                _number(row, "release_rate_mbd"),
                                row.get("direction", "").strip().lower() or "raise")
            else:
                raise InputError("mode", mode, "one of: size, impact")
        except TargetUnreachable as err:
            return PointResult("infeasible", {}, str(err))
        except ReserveError as err:
            return PointResult("error", {}, str(err))
        return PointResult("ok", outputs(answer))


def _solve_block(args) -> list[PointResult]:
    folder, header, rows = args
    solver = BatchSolver(folder)
    return [solver.solve(header, cells) for cells in rows]


def run_batch(path: str | Path, workers: int = 1, on_result=None) -> tuple[list[str], list[dict]]:
    """Solve every row of the sheet at ``path``; returns (columns, output rows)."""
    path = Path(path)
    header, rows = read_sheet(path)
    folder = path.parent
    results: list[PointResult] = []
    if workers > 1 and len(rows) > 1:
        solved = map_in_blocks(_solve_block, (folder, header), rows, workers)
    else:
        solver = BatchSolver(folder)
        solved = (solver.solve(header, cells) for cells in rows)
    for result in solved:
        results.append(result)
        if on_result is not None:
            on_result(len(results), len(rows))
    result_columns = [name for name, _, _ in OUTPUTS]
    extra = []
    for r in results:
        for key in r.outputs:
            if key not in result_columns and key not in extra:
                extra.append(key)
    present = [c for c in result_columns + extra
               if any(c in r.outputs for r in results) and c not in header]
    columns = header + present + ["status", "message"]
    out = []
    for cells, result in zip(rows, results):
        # the input columns stay as the user wrote them, outputs after them
        values = {**result.outputs, **dict(zip(header, cells or [""] * len(header))),
                  "status": result.status, "message": result.message}
        out.append(values)
    return columns, out
