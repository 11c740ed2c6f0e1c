"""Tables in and out as spreadsheets use them: CSV (two dialects) and .xlsx.

Writing (:func:`table_file`) picks the format from the file name: ``.csv``
(or ``-``, standard output) writes CSV, ``.xlsx`` an Excel workbook; any
other name is refused, never written as CSV under a name that promises
something else. The workbook's first sheet holds the table with numbers as
numbers; a second sheet, ``units``, gives each column's unit and meaning.

CSV has two dialects: ``comma`` (``,`` between cells, ``.`` in decimals: the
default, and what English-locale spreadsheets read) and ``semicolon`` (``;``
between cells, ``,`` in decimals: what German, French and most other
continental-European spreadsheets read and write).

Reading (:func:`read_table_rows`): a ``.xlsx`` sheet's first worksheet as rows
of text cells, numbers written as reserve writes them, so a workbook reads
exactly as the same sheet saved as CSV.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import numpy as np

from .errors import InputError

DIALECTS = ("comma", "semicolon")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?%?$")
_UNIT_SUFFIXES = (("_usd_per_bbl", "USD/bbl"), ("_musd_per_usd", "musd per USD/bbl"),
                  ("_musd", "million USD"), ("_mbd", "mb/d"), ("_mb", "mb"),
                  ("_days", "d"), ("_day", "d"), ("_yr", "yr"))


def check_dialect(dialect: str) -> str:
    if dialect not in DIALECTS:
        raise InputError("--csv-dialect", dialect, "one of: " + ", ".join(DIALECTS))
    return dialect


def check_table_path(path, option: str, also: tuple[str, ...] = ()) -> None:
    """Refuse, before any work, a file name whose format reserve cannot write."""
    if path is None or str(path) == "-":
        return
    suffix = Path(str(path)).suffix.lower()
    if suffix not in (".csv", *WORKBOOKS, *also):
        raise InputError(option, str(path), "a file name ending in "
                         + ", ".join((".csv", *WORKBOOKS, *also)))


def table_file(rows: list[dict], columns: list[str], path: str | Path, option: str,
               dialect: str = "comma") -> str | bytes:
    """The file for ``rows`` as ``path``'s name asks: CSV text, or .xlsx or .ods bytes."""
    suffix = Path(str(path)).suffix.lower()
    if str(path) == "-" or suffix == ".csv":
        return csv_text(rows, columns, dialect)
    if suffix == ".xlsx":
        return xlsx_bytes(rows, columns)
    if suffix == ".ods":
        from .ods import ods_bytes
        return ods_bytes(rows, [inert(str(c)) for c in columns],
                         lambda value, column: _xlsx_cell(value, inert, _numeric(column)),
                         unit_of)
    raise InputError(option, str(path), "a file name ending in .csv, .xlsx or .ods")


#: Spreadsheet files read and written besides CSV: Excel's and LibreOffice's own.
WORKBOOKS = (".xlsx", ".ods")


def read_workbook_rows(data: bytes, path: str | Path, what: str) -> list[list[str]]:
    """The data sheet of an .xlsx or .ods file (its bytes) as rows of text cells."""
    if Path(str(path)).suffix.lower() == ".ods":
        from .ods import read_ods_rows
        return read_ods_rows(data, path, what, number_text)
    return read_xlsx_rows(data, path, what)


def _numeric(column: str) -> bool:
    """Whether a column's text that reads as a number is written as one."""
    return column not in _TEXT_COLUMNS and not column.startswith("#")


def csv_text(rows: list[dict], columns: list[str], dialect: str = "comma") -> str:
    """CSV in a dialect (module docstring); cells as :func:`number_text`."""
    import csv

    semicolon = check_dialect(dialect) == "semicolon"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", delimiter=";" if semicolon else ",")
    writer.writerow([inert(str(c)) for c in columns])   # a header never becomes a formula
    for row in rows:
        cells = [number_text(row.get(c, "")) for c in columns]
        if semicolon:   # decimal commas, numbers only (text stays as written)
            cells = [c.replace(".", ",") if _NUMBER.match(c) else c for c in cells]
        writer.writerow(cells)
    return buffer.getvalue()


def unit_of(column: str) -> tuple[str, str]:
    """(unit, meaning) of a column: a named output, parameter or schedule column."""
    from .schema import OUTPUTS, PARAMETER_BY_NAME, STORAGE_FIELD_BY_NAME
    for name, unit, label in OUTPUTS:
        if name == column:
            return unit, label
    if column in PARAMETER_BY_NAME:
        p = PARAMETER_BY_NAME[column]
        return p.unit, p.description
    if column.startswith("storage.") and column.split(".")[-1] in STORAGE_FIELD_BY_NAME:
        p = STORAGE_FIELD_BY_NAME[column.split(".")[-1]]
        return p.unit, p.description
    if column.startswith("capacity_mb_"):       # an option's own capacity
        return "mb", f"storage capacity of {column[len('capacity_mb_'):]}"
    for suffix, unit in _UNIT_SUFFIXES:
        if column.endswith(suffix):
            return unit, ""
    return "", ""


def plain_unit(unit: str) -> str:
    """A unit as a reader writes it: "$ m" for musd, "$/bbl" for USD/bbl, none for 1."""
    if unit == "1":
        return ""
    return (unit.replace("musd", "$ m").replace("USD bn", "$ bn").replace("USD/", "$/")
            .replace("USD", "$"))


#: The first cell of a batch sheet's units row (reserve.batches): the row under
#: the header that says each column's unit, as `reserve template batch` writes it.
UNITS_MARK = "unit"


def xlsx_bytes(rows: list[dict], columns: list[str]) -> bytes:
    """A workbook: the table (numbers as numbers, text as text) and a units sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append([inert(str(c)) for c in columns])   # a header never becomes a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    numeric = [_numeric(c) for c in columns]
    for row in rows:
        sheet.append([_xlsx_cell(row.get(c, ""), inert, n) for c, n in zip(columns, numeric)])
    sheet.freeze_panes = "A2"
    units = book.create_sheet("units")
    units.append(["column", "unit", "meaning"])
    for cell in units[1]:
        cell.font = Font(bold=True)
    for column in columns:
        units.append([inert(str(column)), *unit_of(column)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: Columns of labels: their text stays text ("007" is an id, not 7).
_TEXT_COLUMNS = {"id", "scenario", "mode", "direction", "status", "message", "sweep", "side",
                 "name", "binding_limit", "limits_exceeded", "termination"}


def _xlsx_cell(value, inert, numeric: bool = True):
    import numpy as np
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if math.isnan(x):
            return None
        return x if math.isfinite(x) else ("inf" if x > 0 else "-inf")
    text = str(value)
    if numeric and _NUMBER.match(text) and not text.endswith("%"):
        number = float(text)   # an input echoed as written: a number stays a number
        if math.isfinite(number):
            return number
    return inert(text)         # text never becomes a formula


def _text_of(value, number_text, number_format: str = "General") -> str:
    """A cell as the text a CSV would hold. A number shown as a percent (a
    ``10%`` typed in Excel or LibreOffice is stored as 0.1 with a percent
    format) is written as it shows, ``10%``."""
    import datetime as dt
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if (isinstance(value, (int, float)) and not isinstance(value, bool)
            and "%" in (number_format or "").replace('"%"', "").replace("\\%", "")):
        return number_text(round(value * 100.0, 10)) + "%"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return number_text(value)


#: The error values a spreadsheet cell can hold instead of a number.
_CELL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                "#GETTING_DATA", "#SPILL!", "#CALC!")


def _data_sheet(book, formulas, path, what: str):
    """The sheet that holds the data, and its twin in the workbook read for
    formulas: one named ``data`` (as reserve writes them), else the only one
    with anything in it; several candidates are refused, naming them."""
    filled = [k for k, sheet in enumerate(book.worksheets)
              if any(c.value is not None for row in sheet.iter_rows() for c in row)]
    names = [sheet.title for sheet in book.worksheets]
    named = [k for k, name in enumerate(names) if name.strip().lower() == "data"]
    if named:
        k = named[0]
    elif len(filled) <= 1:
        k = filled[0] if filled else 0
    else:
        raise InputError(what, str(path), "a workbook with its data on one sheet, or on a "
                         "sheet named 'data' (this one has data on the sheets "
                         + ", ".join(repr(names[i]) for i in filled) + ")")
    return book.worksheets[k], formulas.worksheets[k]


def read_xlsx_rows(data: bytes, path: str | Path, what: str) -> list[list[str]]:
    """The data sheet of a workbook (its bytes, read from ``path`` by
    :func:`reserve.files.read_text`) as rows of text cells.

    The cells are read as the workbook shows them (a percent as a percent);
    the real extent is read, whatever the file's ``<dimension>`` tag says. A
    formula with no saved value, or a cell holding an error value, is
    refused by its cell name: nothing is taken as empty that was not.
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as err:   # noqa: BLE001 - a damaged or foreign file: say so
        raise InputError(what, str(path), f"a readable .xlsx workbook ({type(err).__name__})") \
            from None
    name = Path(str(path)).name
    try:
        for sheet in (*book.worksheets, *formulas.worksheets):
            sheet.reset_dimensions()   # the real extent, not the file's <dimension> tag
        sheet, twin = _data_sheet(book, formulas, path, what)
        rows = []
        for r, (row, written) in enumerate(zip(sheet.iter_rows(), twin.iter_rows()), 1):
            cells = []
            for c, (cell, source) in enumerate(zip(row, written), 1):
                _check_cell(cell.value, source.value, f"{name} sheet {sheet.title!r} cell "
                            f"{get_column_letter(c)}{r}", what)
                cells.append(_text_of(cell.value, number_text,
                                      getattr(cell, "number_format", "General")))
            while cells and cells[-1] == "":
                cells.pop()
            rows.append([c.strip() for c in cells])
    finally:
        book.close()
        formulas.close()
    return rows


def _check_cell(value, written, where: str, what: str) -> None:
    """Refuse a cell whose value is not what it shows (module docstring)."""
    if value is None and isinstance(written, str) and written.startswith("="):
        raise InputError(what, written, f"{where}: a formula with no saved value (open and "
                         "save the workbook in Excel or LibreOffice to compute it, or type "
                         "the value)")
    if isinstance(value, str) and value.strip() in _CELL_ERRORS:
        raise InputError(what, value, f"{where}: an error value, not a number or a name")


# -- cells ---------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    if not text.startswith(_FORMULA_STARTS):
        return text
    try:
        float(text[:-1] if text.endswith("%") else text)
        return text
    except ValueError:
        return "'" + text


def bn_text(musd: float) -> str:
    """Money in words from musd: '$1.09 bn', '-$0.06 bn'."""
    return f"{'-' if musd < 0 else ''}${abs(musd) / 1000.0:.2f} bn"


def number_text(value: object) -> str:
    """A cell for CSV: plain decimal point, no thousands separator; '' for NaN.

    Text that a spreadsheet would run as a formula (it starts with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return and is not a number such
    as ``-5`` or ``-5%``) gets a leading apostrophe, the spreadsheets' own
    mark for "text", so a sheet echoed back never runs a cell it was given
    (OWASP, "CSV Injection").
    """
    if value is None:   # a parameter not set (e.g. no long-run elasticity): an empty cell
        return ""
    if isinstance(value, str):
        return inert(value)
    if isinstance(value, (bool, np.bool_)):
        return str(int(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    x = float(value)
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if abs(x) < 1e-9:
        return "0"
    text = f"{x:.10g}"
    if "e" in text:  # spreadsheets read this too, but plain digits are plainer
        text = f"{x:.12f}".rstrip("0").rstrip(".")
    return text
