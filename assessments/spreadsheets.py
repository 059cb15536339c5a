"""CSV downloads, shared by every feature that offers one: cells a spreadsheet will not run as
formulas, and the response they are sent in."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.http import content_disposition_header

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """The value, with a leading quote where a spreadsheet would run it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def safe_rows(rows: Iterable[list[str]]) -> list[list[str]]:
    return [[safe_cell(value) for value in row] for row in rows]


def csv_download(rows: Iterable[list[str]], filename: str) -> HttpResponse:
    """The rows as a CSV file to download, each cell made safe."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    # UTF-8 with a byte order mark: without it, Excel reads the file in the computer's legacy
    # encoding and mangles “quotes”, dashes and accents (see README.md).
    response.write("\ufeff")
    csv.writer(response).writerows(safe_rows(rows))
    return response
