"""The dashboard's tables as files: a CSV per table (UTF-8 with a byte order mark, so that Excel
reads the Chinese right) and one Excel workbook with a sheet per table and the definitions."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .sql import Period
from .tables import Table, definitions, text_of

BYTE_ORDER_MARK = "\ufeff"
NUMBER_FORMATS = {"share": "0.0%", "ratio": "0.00", "date": "yyyy-mm-dd"}


def csv_text(table: Table) -> str:
    """The table as the page shows it: the same labels and the same text in each cell (an
    empty cell where the page shows a dash)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in table.columns])
    for row in [*table.rows, *([table.footer] if table.footer else [])]:
        writer.writerow([text_of(value, column.unit, empty="")
                         for value, column in zip(row, table.columns, strict=True)])
    return BYTE_ORDER_MARK + out.getvalue()


def workbook(tables: list[Table], period: Period, scope: str | None) -> bytes:
    """A sheet per table, numbers as numbers (shares formatted as percentages), then the
    definitions of every figure on a sheet of their own."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(_sheet_title(str(table.title)))
        sheet.append([str(column.label) for column in table.columns])
        for row in [*table.rows, *([table.footer] if table.footer else [])]:
            sheet.append([_cell(value, column.unit) for value, column in
                          zip(row, table.columns, strict=True)])
        for index, column in enumerate(table.columns, 1):
            for cells in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if column.unit in NUMBER_FORMATS:
                    cells[0].number_format = NUMBER_FORMATS[column.unit]
            sheet.column_dimensions[get_column_letter(index)].width = 28 if index == 1 else 14
        _header(sheet)
    notes = book.create_sheet(_sheet_title(_("指标说明")))
    notes.append([_("统计期间"), f"{period.since.isoformat()} – {period.until.isoformat()}"])
    if scope:
        notes.append([_("范围"), scope])
    notes.append([])
    notes.append([_("类别"), _("指标"), _("定义")])
    for group, figures in definitions():
        for figure in figures:
            notes.append([str(group), str(figure.label), str(figure.meaning)])
    for letter, width in zip("ABC", (12, 22, 90), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=4):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value, unit: str):
    if value is None:
        return None
    if unit in ("count", "days", "share", "ratio") or isinstance(value, date):
        return value
    return str(value)


def _header(sheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"


def _sheet_title(title: str) -> str:
    """Excel's rules: 31 characters at most, none of []:*?/\\."""
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    return title[:31]
