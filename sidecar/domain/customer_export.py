"""Exports of the customers grid (all, selected or filtered rows; the visible columns) as CSV,
XLSX and Excel 2003 XML (SpreadsheetML). Each is a generator of bytes fed by an unbuffered
server-side cursor, so memory stays constant whatever the number of rows.

Cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) get a leading apostrophe. CSV starts with a UTF-8 byte-order mark so
Excel reads "Zoë Ångström" right.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO
from xml.sax.saxutils import escape

import xlsxwriter

from ..config import DatabaseSettings
from ..store import customer_grid as store
from ..wp_bridge.db import Database, connect
from .customer_columns import BY_KEY, display
from .customer_grid import GridState, to_query

FORMATS = ("csv", "xlsx", "xml")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Export:
    """A file to send: its name, content type and body (an iterator of bytes)."""

    filename: str
    mimetype: str
    body: Iterator[bytes]


@dataclass(frozen=True)
class SpooledExport:
    """A finished export in a temporary file: name, content type, the file (rewound) and its
    size in bytes. The caller sends ``chunks(file)``, which closes it."""

    filename: str
    mimetype: str
    file: IO[bytes]
    size: int


def spooled_export(
    database: DatabaseSettings, state: GridState, fmt: str, *, ids: list[int] | None, now: datetime
) -> SpooledExport:
    """Export on a connection of its own (the rows stream through an unbuffered cursor) into a
    temporary file; an unknown ``fmt`` falls back to CSV. Raises Invalid for unusable
    filters."""
    db = connect(database)
    try:
        made = export(
            db, state, fmt if fmt in FORMATS else "csv", ids=ids, stamp=now.strftime("%Y%m%d-%H%M")
        )
        file, size = spool(made.body)
    finally:
        db.close()
    return SpooledExport(made.filename, made.mimetype, file, size)


def spool(body: Iterator[bytes]) -> tuple[IO[bytes], int]:
    """Write ``body`` to an anonymous temporary file; return it (rewound) and its size, so the
    answer can carry a Content-Length: a proxy that stores the download in a file (the shim)
    then never sees chunked transfer encoding. Memory stays constant."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the caller sends and closes it)
    for chunk in body:
        file.write(chunk)
    size = file.tell()
    file.seek(0)
    return file, size


def chunks(file: IO[bytes]) -> Iterator[bytes]:
    """The content of ``file`` in 64 KB pieces; closes it at the end."""
    with file:
        while chunk := file.read(_CHUNK):
            yield chunk


def safe_cell(value: str) -> str:
    """``value`` made harmless for spreadsheets: a leading apostrophe before a formula start."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def export(
    db: Database, state: GridState, fmt: str, *, ids: list[int] | None = None, stamp: str = ""
) -> Export:
    """The export of ``state``'s matching customers (only ``ids`` when given) with its
    visible columns, in ``fmt`` (csv, xlsx or xml). Raises ValueError for another format,
    Invalid for unusable filters. The body streams rows from ``db``: run nothing else on that
    connection until it is consumed."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    query = to_query(state, ids=ids, paged=False)
    columns = list(state.columns)
    header = [str(BY_KEY[key].label) for key in columns]
    rows = _cells(store.stream(db, query), columns)
    name = f"customers-{stamp}" if stamp else "customers"
    if fmt == "csv":
        return Export(f"{name}.csv", "text/csv; charset=utf-8", csv_body(header, rows))
    if fmt == "xlsx":
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Export(f"{name}.xlsx", mimetype, xlsx_body(header, rows))
    return Export(f"{name}.xml", "application/vnd.ms-excel", spreadsheetml_body(header, rows))


def _cells(records: Iterable[tuple], columns: list[str]) -> Iterator[list[str]]:
    """Shown, neutralised cell texts in ``columns`` order (the store selects ``id`` first,
    then the columns, each once)."""
    selected = list(dict.fromkeys(["id", *columns]))
    positions = [selected.index(key) for key in columns]
    for record in records:
        yield [
            safe_cell(display(key, record[i])) for key, i in zip(columns, positions, strict=True)
        ]


def csv_body(header: list[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    """CSV (UTF-8 with BOM, CRLF line ends) in chunks of about 64 KB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([safe_cell(text) for text in header])
    for row in rows:
        writer.writerow(row)
        if buffer.tell() >= _CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_body(header: list[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    """XLSX written by xlsxwriter in constant-memory mode to a temporary file, then sent in
    64 KB chunks; the file is removed afterwards."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
        sheet = workbook.add_worksheet("Customers")
        bold = workbook.add_format({"bold": True})
        for col, text in enumerate(header):
            sheet.write_string(0, col, safe_cell(text), bold)
        for number, row in enumerate(rows, start=1):
            for col, text in enumerate(row):
                sheet.write_string(number, col, text)
        workbook.close()
        with open(path, "rb") as file:
            while chunk := file.read(_CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def _xml_text(text: str) -> str:
    return escape(_XML_INVALID.sub("", text), {'"': "&quot;"})


def spreadsheetml_body(header: list[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    """Excel 2003 XML (SpreadsheetML), written by hand row by row, in chunks of ~64 KB."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
        '<Styles><Style ss:ID="h"><Font ss:Bold="1"/></Style></Styles>\n'
        '<Worksheet ss:Name="Customers"><Table>\n',
        _xml_row([safe_cell(text) for text in header], ' ss:StyleID="h"'),
    ]
    size = 0
    for row in rows:
        line = _xml_row(row)
        parts.append(line)
        size += len(line)
        if size >= _CHUNK:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    parts.append("</Table></Worksheet>\n</Workbook>\n")
    yield "".join(parts).encode("utf-8")


def _xml_row(cells: list[str], style: str = "") -> str:
    inner = "".join(
        f'<Cell{style}><Data ss:Type="String">{_xml_text(text)}</Data></Cell>' for text in cells
    )
    return f"<Row>{inner}</Row>\n"
