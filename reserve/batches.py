"""`reserve batch`: a sheet of scenarios in, a sheet of answers out.

Each input row is one run. Its columns are any parameter names of the
schema (flat names or ``storage.NAME.FIELD``) plus, optionally:

- ``id``: any label, copied through;
- ``scenario``: a base scenario: a TOML, CSV, .xlsx or .ods file in the sheet's
  folder tree (``high.toml``, ``scen/high.toml``; links are followed, then
  the file must still lie inside the tree), or a shipped scenario's name
  (``us-spr-2022``); empty: the default (October 2008);
- columns whose name starts with ``#``: notes, copied through unread;
- ``mode``: ``size`` (default) or ``impact``;
- ``capacity_mb``, ``fill_rate_mbd``, ``release_rate_mbd``, ``direction``:
  the design and direction of impact mode (as `reserve impact` takes them).

Empty cells take the defaults. The output repeats every input column, in
order, then every result column, then ``status`` (``ok``, ``infeasible``,
``error``, or ``cancelled`` when the run was interrupted) and ``message``:
one output row per input row, in input order, whatever happens to any row;
a row out of reach also says what it would need (``needed_*``, as a sweep's
point). A **units row** right under the header, its first cell ``unit`` (as
``reserve template batch`` writes it), is no run: the answers keep it first,
each output's unit filled in (status ``units``).
A sheet may be CSV, an ``.xlsx`` workbook or an ``.ods`` spreadsheet. A spreadsheet's dialect is read (comma or
semicolon, byte-order mark, CRLF, quotes, decimal commas in semicolon files,
``5%`` targets).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from .errors import InputError, ReserveError, TargetUnreachable
from .schema import OUTPUTS
from .files import read_text
from .sheets import UNITS_MARK, read_workbook_rows
from .schema import PARAMETER_BY_NAME, STORAGE_FIELD_BY_NAME
from .scenario import build_scenario, with_overrides
from .scenariofile import (DECIMAL_COMMA, csv_delimiter, read_csv_rows, shipped_name,
                           shipped_scenarios)
from .diagnosis import diagnosis_of
from .sweep import PointResult, Resolver, needs_of
from .workers import solve_all

RUN_COLUMNS = ("id", "scenario", "mode", "capacity_mb", "fill_rate_mbd", "release_rate_mbd",
               "direction")
#: read only on impact rows; filled on a size row, they are refused, not ignored
IMPACT_COLUMNS = ("capacity_mb", "fill_rate_mbd", "release_rate_mbd", "direction")


def read_sheet(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a sheet, blank rows kept (each is an input row).

    Every row after the header is a run, whatever its first cell holds (a
    ``#`` starts no comment here: row N of the output answers row N of the
    input). Rows keep all their cells; :meth:`BatchSolver.solve` refuses a row
    with more filled cells than the header has names.
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".ods"):
        data = read_text(path, "batch input", f"{path.suffix.lower()} spreadsheet", binary=True)
        rows = [r if any(r) else [] for r in read_workbook_rows(data, path, "batch input")]
        text = ""
    else:
        text = read_text(path, "batch input", "CSV file")
        rows = read_csv_rows(text, "batch input", keep_blank=True, comments=False)
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise InputError("batch input", str(path), "a header row of parameter names")
    header = rows[0]
    if [c.lower() for c in header[:2]] == ["name", "value"]:
        # `reserve params --format csv` writes one scenario as name,value rows:
        # read it as a sheet of one run (an empty value keeps the default)
        named = [r for r in rows[1:] if len(r) >= 2 and r[0] and not r[0].startswith("#")]
        return [r[0] for r in named], [[r[1] for r in named]]
    while header and header[-1] == "":
        header = header[:-1]   # a spreadsheet's trailing empty columns
    if len(set(header)) != len(header) or "" in header:
        raise InputError("batch input", ",".join(header), "a header of distinct, non-empty names")
    semicolons = text != "" and csv_delimiter(text) == ";"
    body = []
    for row in rows[1:]:
        cells = (row + [""] * len(header)) if any(row) else []
        if semicolons:   # a semicolon sheet writes decimals with a comma
            cells = [c.replace(",", ".") if DECIMAL_COMMA.match(c) else c for c in cells]
        body.append(cells)
    while body and not body[-1]:
        body.pop()   # trailing blank lines are the file's end, not rows
    return header, body


#: The status of the units row in the answers (it is no run).
UNITS_STATUS = "units"


def units_row(body: list[list[str]]) -> list[str] | None:
    """The sheet's units row, taken out of ``body``, or None."""
    if body and body[0] and body[0][0].strip().lower() == UNITS_MARK:
        return body.pop(0)
    return None


def _names_a_parameter(name: str) -> bool:
    if name in PARAMETER_BY_NAME:
        return True
    parts = name.split(".")
    return len(parts) == 3 and parts[0] == "storage" and parts[2] in STORAGE_FIELD_BY_NAME


def _is_note(column: str) -> bool:
    """A column whose name starts with ``#`` is the user's note, copied through."""
    return column.startswith("#")


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
            path = self._scenario_path(name)
            try:
                self.bases[name] = build_scenario(path)
            except InputError as err:
                if _names_a_parameter(err.name):
                    raise   # a scenario with a bad value: say which
                # never quote a file's content back: it may not be a scenario at all
                raise InputError("scenario", name, "a file that reads as a scenario; check "
                                 f"it with `reserve size -s {name}`") from None
        return self.bases[name]

    def _scenario_path(self, name: str) -> Path | str | None:
        """The file a ``scenario`` cell names: a scenario file anywhere in the
        sheet's folder tree (``high.toml``, ``scen/high.toml``, or an absolute
        path into it), links resolved first, or a shipped scenario's name;
        nothing outside the tree, so a sheet cannot read files elsewhere on the
        machine."""
        if name == "":
            return None
        allowed = ("a .toml, .csv, .xlsx or .ods scenario inside the sheet's folder or a folder "
                   "below it (links are followed, then the file must still lie inside), or "
                   "a shipped scenario: " + ", ".join(shipped_scenarios()))
        if Path(name).suffix.lower() not in (".toml", ".csv", ".xlsx", ".ods"):
            if shipped_name(name) is not None:
                return name
            raise InputError("scenario", name, allowed)
        root = self.folder.resolve()
        try:
            real = (self.folder / name).resolve(strict=True)
        except (OSError, RuntimeError):   # missing, or a loop of links
            if shipped_name(name) is not None:
                return name
            raise InputError("scenario", name, allowed + " (no such file)") from None
        if not real.is_relative_to(root):
            raise InputError("scenario", name, allowed + " (this one lies outside the sheet's "
                             "folder)")
        if not real.is_file():
            raise InputError("scenario", name, allowed + " (not a file)")
        return real

    def solve(self, header: list[str], cells: list[str]) -> PointResult:
        from .results import outputs, owners
        from .solve import impact
        if not cells:
            return PointResult("error", {}, "empty row: nothing to solve")
        extra = [c for c in cells[len(header):] if c]
        if extra:
            return PointResult("error", {}, f"the row has {len(header) + len(extra)} or more "
                               f"filled cells and the header names {len(header)} columns: "
                               "name every column, or delete the cells past the last one")
        row = {k: v for k, v in zip(header, cells) if not _is_note(k)}
        try:
            base_name = row.get("scenario", "").strip()
            base = self._base(base_name)
            overrides = {k: v for k, v in row.items() if k not in RUN_COLUMNS and v.strip() != ""}
            scenario = with_overrides(base, overrides)
            mode = row.get("mode", "").strip().lower() or "size"
            if mode == "size":
                for name in IMPACT_COLUMNS:
                    if row.get(name, "").strip():
                        raise InputError(name, row[name], "empty on a size row (it is read "
                                         "only with mode = impact)")
                resolver = self.resolvers.get(base_name)
                if resolver is None:
                    resolver = self.resolvers[base_name] = Resolver(scenario)
                try:
                    answer = resolver.solve(scenario)
                except TargetUnreachable:
                    # a sheet deserves the diagnosis `reserve size` gives (what
                    # binds, what is reachable) and, as a sweep's rows, what the
                    # row would need with the caps lifted: more solves, this row only
                    return PointResult("infeasible", needs_of(resolver, scenario),
                                       str(diagnosis_of(scenario)))
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
        return PointResult("ok", outputs(answer), owners=tuple(owners(answer)))


def run_batch(path: str | Path, workers: int = 1, on_result=None):
    """Solve every row of the sheet at ``path``.

    Returns ``(columns, output rows, interrupt)``: on Ctrl-C or SIGTERM the
    rows answered so far are kept, the others marked ``cancelled``, and the
    interrupt is returned instead of raised, so the caller writes the sheet.
    """
    path = Path(path)
    header, rows = read_sheet(path)
    units = units_row(rows)
    folder = path.parent
    results: list[PointResult | None] = [None] * len(rows)
    done = 0

    def record(i: int, result: PointResult) -> None:
        nonlocal done
        results[i] = result
        done += 1
        if on_result is not None:
            on_result(done, len(rows))

    interrupt = None
    try:
        solve_all(partial(RowSolver, folder, header), rows, workers, record)
    except KeyboardInterrupt as caught:
        interrupt = caught
    cancelled = PointResult("cancelled", {}, "not answered: the batch was interrupted")
    results = [r if r is not None else cancelled for r in results]
    result_columns = [name for name, _, _ in OUTPUTS]
    extra = []
    for r in results:
        for key in r.outputs:
            if key not in result_columns and key not in extra:
                extra.append(key)
    present = [c for c in result_columns + extra
               if any(c in r.outputs for r in results) and c not in header]
    owned = [c for r in results for row in r.owners for c in row if c not in present]
    columns = (header + (["owner"] if owned else []) + present
               + list(dict.fromkeys(c for c in owned if c != "owner")) + ["status", "message"])
    out = []
    if units is not None:    # the units row answers with the outputs' units
        from .sheets import unit_of
        given = dict(zip(header, units))
        out.append({**{c: unit_of(c)[0] for c in columns}, **given, "status": UNITS_STATUS,
                    "message": "each column's unit"})
    for cells, result in zip(rows, results, strict=True):
        # the input columns stay as the user wrote them, outputs after them
        given = dict(zip(header, cells or [""] * len(header)))
        values = {**result.outputs, **given, "status": result.status, "message": result.message}
        if result.owners:        # the row for them all, then one row per owner
            values["owner"] = "all owners"
        out.append(values)
        out += [{**given, **row, "status": result.status, "message": ""}
                for row in result.owners]
    return columns, out, interrupt


class RowSolver:
    """A BatchSolver bound to a sheet's folder and header: one row in, one result out."""

    def __init__(self, folder: Path, header: list[str]):
        self.solver = BatchSolver(folder)
        self.header = header

    def __call__(self, cells: list[str]) -> PointResult:
        return self.solver.solve(self.header, cells)
