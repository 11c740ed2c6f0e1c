"""OpenDocument spreadsheets (``.ods``, LibreOffice's own format), read and written.

An ``.ods`` file is a zip of XML (OASIS OpenDocument 1.2, ISO/IEC 26300): a
``mimetype`` entry stored first and uncompressed, a manifest, and
``content.xml`` holding each sheet as ``table:table`` of
``table:table-row`` of ``table:table-cell``. A cell carries its type and
value as attributes (``office:value-type="float" office:value="1.5"``), its
text as ``text:p``; repeats are compressed (``number-columns-repeated``,
``number-rows-repeated``). This module reads and writes that much with the
standard library, as :mod:`reserve.sheets` does ``.xlsx`` with openpyxl: the
maintained Python readers (odfpy, last released 2020; pyexcel-ods3, 2022)
add a dependency for a table of numbers and names.

Written: a ``data`` sheet (a bold header row, numbers as numbers, text as
text that never becomes a formula) and a ``units`` sheet, as the workbooks.
Read: the sheet named ``data``, else the only one with anything in it, as
rows of text cells as the sheet shows them (a percent as ``10%``, a date as
an ISO date); a formula with no saved value or an error value is refused by
its cell name, as for ``.xlsx``.
"""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from .errors import InputError

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NS = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
      "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
      "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"}
#: Largest content.xml read (a zip's entry unpacked): a bomb is refused.
CONTENT_MAX_BYTES = 200 * 1024 * 1024
#: Most cells a repeat may expand to (a formatted blank column runs to 1,024 or 16,384).
REPEAT_MAX = 100_000
#: The error values LibreOffice shows in a cell.
ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "Err:")


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


# -- writing --------------------------------------------------------------------------

def ods_bytes(rows: list[dict], columns: list[str], cell, unit_of) -> bytes:
    """A spreadsheet of ``rows`` (a ``data`` sheet and a ``units`` sheet).
    ``cell(value, column)`` gives each value as a number, text or None (as the
    workbook writer does); ``unit_of(column)`` its (unit, meaning)."""
    data = [_row([str(c) for c in columns], bold=True)]
    data += [_row([cell(row.get(c, ""), c) for c in columns]) for row in rows]
    units = [_row(["column", "unit", "meaning"], bold=True)]
    units += [_row([str(c), *unit_of(c)]) for c in columns]
    names = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {names} '
        'office:version="1.2"><office:automatic-styles>'
        '<style:style style:name="head" style:family="table-cell">'
        '<style:text-properties fo:font-weight="bold"/></style:style>'
        '</office:automatic-styles><office:body><office:spreadsheet>'
        f'<table:table table:name="data">{"".join(data)}</table:table>'
        f'<table:table table:name="units">{"".join(units)}</table:table>'
        '</office:spreadsheet></office:body></office:document-content>')
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        f'manifest:media-type="{MIMETYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '</manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        book.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _row(values: list, bold: bool = False) -> str:
    style = ' table:style-name="head"' if bold else ""
    cells = []
    for value in values:
        if value is None or value == "":
            cells.append("<table:table-cell/>")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            cells.append(f'<table:table-cell{style} office:value-type="float" '
                         f'office:value="{value!r}"><text:p>{value!r}</text:p>'
                         "</table:table-cell>")
        else:
            cells.append(f'<table:table-cell{style} office:value-type="string">'
                         f"<text:p>{escape(str(value))}</text:p></table:table-cell>")
    return f"<table:table-row>{''.join(cells)}</table:table-row>"


# -- reading --------------------------------------------------------------------------

def read_ods_rows(data: bytes, path: str | Path, what: str, number_text) -> list[list[str]]:
    """The data sheet of an ``.ods`` file (its bytes) as rows of text cells
    (module docs); every problem is an InputError naming ``what`` and the cell."""
    name = Path(str(path)).name
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            info = book.getinfo("content.xml")
            if info.file_size > CONTENT_MAX_BYTES:
                raise InputError(what, str(path), "an .ods file whose content is at most "
                                 f"{CONTENT_MAX_BYTES // (1024 * 1024)} MB unpacked")
            root = ET.fromstring(book.read(info))
    except InputError:
        raise
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, ValueError) as err:
        raise InputError(what, str(path), "a readable .ods spreadsheet (LibreOffice's "
                         f"format; {type(err).__name__})") from None
    sheets = root.findall(f".//{_q('table', 'table')}")
    if not sheets:
        raise InputError(what, str(path), "an .ods spreadsheet with at least one sheet")
    tables = [(s.get(_q("table", "name"), ""), _rows(s, name, what, number_text))
              for s in sheets]
    named = [rows for title, rows in tables if title.strip().lower() == "data"]
    filled = [(title, rows) for title, rows in tables if any(any(r) for r in rows)]
    if named:
        rows = named[0]
    elif len(filled) <= 1:
        rows = filled[0][1] if filled else []
    else:
        raise InputError(what, str(path), "a spreadsheet with its data on one sheet, or on "
                         "a sheet named 'data' (this one has data on the sheets "
                         + ", ".join(repr(t) for t, _ in filled) + ")")
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _rows(sheet, name: str, what: str, number_text) -> list[list[str]]:
    rows: list[list[str]] = []
    title = sheet.get(_q("table", "name"), "")
    for row in sheet.iter(_q("table", "table-row")):
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
                continue
            where = f"{name} sheet {title!r} cell {_column(len(cells) + 1)}{len(rows) + 1}"
            text = _cell_text(cell, where, what, number_text)
            repeat = int(cell.get(_q("table", "number-columns-repeated"), "1"))
            if text == "":
                cells.extend([""] * min(repeat, REPEAT_MAX))
            elif repeat > REPEAT_MAX or len(cells) + repeat > REPEAT_MAX:
                raise InputError(what, text, f"{where}: at most {REPEAT_MAX:,} cells a row")
            else:
                cells.extend([text] * repeat)
        while cells and cells[-1] == "":
            cells.pop()
        repeat = int(row.get(_q("table", "number-rows-repeated"), "1"))
        if not cells:
            repeat = min(repeat, 1)     # blank rows repeated to the sheet's end: one is enough
        elif len(rows) + repeat > REPEAT_MAX:
            raise InputError(what, str(len(rows) + repeat), f"{name}: at most {REPEAT_MAX:,} "
                             "rows")
        rows.extend([[c.strip() for c in cells] for _ in range(repeat)])
    return rows


def _cell_text(cell, where: str, what: str, number_text) -> str:
    """A cell as the text it shows: a number, a percent, a date, or its text."""
    kind = cell.get(_q("office", "value-type"))
    formula = cell.get(_q("table", "formula"))
    shown = "\n".join("".join(p.itertext()) for p in cell.findall(_q("text", "p")))
    if kind in ("float", "percentage", "currency"):
        value = float(cell.get(_q("office", "value"), "nan"))
        if not math.isfinite(value):
            raise InputError(what, shown, f"{where}: a number")
        if kind == "percentage":
            return number_text(round(value * 100.0, 10)) + "%"
        return number_text(value)
    if kind == "date":
        return cell.get(_q("office", "date-value"), "")[:10]
    if kind == "boolean":
        return "1" if cell.get(_q("office", "boolean-value")) == "true" else "0"
    if formula and kind is None:
        raise InputError(what, formula, f"{where}: a formula with no saved value (open and "
                         "save the sheet in LibreOffice to compute it, or type the value)")
    if shown.strip().startswith(ERRORS):
        raise InputError(what, shown, f"{where}: an error value, not a number or a name")
    return shown


def _column(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters

