"""Customer exports: formula neutralisation, UTF-8 CSV with BOM, well-formed SpreadsheetML with
escaping, XLSX that parses — without a database (the body generators take rows)."""

import csv
import io
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sidecar.domain.customer_export import (
    csv_body,
    safe_cell,
    spreadsheetml_body,
    xlsx_body,
)

HEADER = ["ID", "Name", "Phone"]
ROWS = [["1", "Zoë Ångström", "'+31 20"], ["2", 'A & B <c> "d"', '\'=HYPERLINK("x")']]
NS = {"ss": "urn:schemas-microsoft-com:office:spreadsheet"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_starts_get_an_apostrophe(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("text", ["", "Zoë", "1-2", "a=b", "'quoted"])
def test_other_text_is_unchanged(text):
    assert safe_cell(text) == text


def test_csv_is_utf8_with_bom_and_round_trips():
    data = b"".join(csv_body(HEADER, iter(ROWS)))
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [HEADER, *ROWS]


def test_csv_streams_in_chunks():
    rows = ([str(n), "x" * 100, ""] for n in range(5000))
    chunks = list(csv_body(HEADER, rows))
    assert len(chunks) > 5
    assert max(len(c) for c in chunks) < 70 * 1024


def test_spreadsheetml_is_well_formed_and_escaped():
    data = b"".join(spreadsheetml_body(HEADER, iter(ROWS)))
    root = ET.fromstring(data)  # noqa: S314 (our own output)
    rows = [
        [d.text or "" for d in r.iterfind("ss:Cell/ss:Data", NS)]
        for r in root.iterfind(".//ss:Row", NS)
    ]
    assert rows == [HEADER, *ROWS]


@given(st.text(max_size=40))
def test_spreadsheetml_survives_any_text(text):
    data = b"".join(spreadsheetml_body(["H"], iter([[safe_cell(text)]])))
    root = ET.fromstring(data)  # noqa: S314 (our own output)
    cells = [d.text or "" for d in root.iterfind(".//ss:Data", NS)]
    assert len(cells) == 2


def test_xlsx_parses_and_keeps_text():
    data = b"".join(xlsx_body(HEADER, iter(ROWS)))
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    rows = [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == [HEADER, *ROWS]
