"""The whole dashboard as a PDF (QPdfWriter): the overview on page one, then every table in full.

`export_pdf(view, path)` needs no dialog and no screen (it works offscreen):
page one is the tiles and charts as the manager sees them (drawn as vectors,
scaled to the page), the following pages list each report table completely,
with its header repeated on every page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QMarginsF, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPageLayout, QPageSize, QPainter, QPdfWriter, QRegion
from PySide6.QtWidgets import QComboBox, QLabel, QSplitter, QWidget

from desk_app.ui.dashboard.table_model import ReportTableModel



class DashboardPage(Protocol):
    """What the export reads of the dashboard (`view.DashboardView`, which imports this module)."""

    page: QWidget
    period_label: QLabel
    period_combo: QComboBox
    trend_combo: QComboBox
    queue_combo: QComboBox
    policy_combo: QComboBox
    tiles: dict[str, QWidget]
    splitter: QSplitter
    tables: Any

__all__ = ["export_pdf"]

RESOLUTION = 150


def export_pdf(view: DashboardPage, path: str | Path) -> Path:
    """Write the dashboard to `path` as a landscape A4 PDF; returns the path."""
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    writer.setTitle(QCoreApplication.translate("DashboardPdf", "SLA dashboard"))
    writer.setCreator("Desk")
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write a PDF to {path}")
    try:
        page = writer.pageLayout().paintRectPixels(RESOLUTION)
        area = QRect(0, 0, page.width(), page.height())
        top = _heading(painter, view, area)
        _overview(painter, view, QRect(0, top, area.width(), area.height() - top))
        for key, model in view.tables.models.items():
            title = view.tables.tabText(list(view.tables.models).index(key))
            _table(painter, writer, area, title, model)
    finally:
        painter.end()
    return path


def _font(point_size: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def _heading(painter: QPainter, view: DashboardPage, area: QRect) -> int:
    """Title, period and filters at the top of page one; returns the y below them."""
    painter.setFont(_font(16, bold=True))
    metrics = painter.fontMetrics()
    painter.drawText(QPoint(0, metrics.ascent()), QCoreApplication.translate("DashboardPdf", "SLA dashboard"))
    y = metrics.height()
    painter.setFont(_font(9))
    metrics = painter.fontMetrics()
    filters = [view.period_combo.currentText(), view.trend_combo.currentText(), view.queue_combo.currentText(),
               view.policy_combo.currentText()]
    line = f"{view.period_label.text()}  ·  {' · '.join(filters)}"
    painter.setPen(QColor("#4b5563"))
    painter.drawText(QPoint(0, y + metrics.ascent()), line)
    painter.setPen(QColor("#111827"))
    return y + metrics.height() * 2


def _overview(painter: QPainter, view: DashboardPage, target: QRect) -> None:
    """The tiles and the charts, drawn from the live widgets and scaled to fit `target`."""
    page: QWidget = view.page
    page.ensurePolished()
    if page.layout() is not None:
        page.layout().activate()
    tiles_top = min(t.geometry().top() for t in view.tiles.values())
    charts = view.splitter.widget(0)
    bottom = charts.mapTo(page, QPoint(0, charts.height())).y()
    source = QRect(0, tiles_top, page.width(), max(1, bottom - tiles_top))
    scale = min(target.width() / source.width(), target.height() / source.height())
    painter.save()
    painter.translate(target.left(), target.top())
    painter.scale(scale, scale)
    page.render(painter, QPoint(0, 0), QRegion(source), QWidget.RenderFlag.DrawChildren)
    painter.restore()


def _table(painter: QPainter, writer: QPdfWriter, area: QRect, title: str, model: ReportTableModel) -> None:
    """A table on new pages: its title, the header (repeated per page), every row."""
    writer.newPage()
    body = _font(8.5)
    bold = _font(8.5, bold=True)
    painter.setFont(bold)
    bold_metrics = painter.fontMetrics()  # the painter's own: measured as it draws
    painter.setFont(body)
    metrics = painter.fontMetrics()
    row_h = int(metrics.height() * 1.6)
    pad = metrics.horizontalAdvance("  ")
    headers = model.header_titles()
    cells = [[model.display_text(r, c) for c in range(model.columnCount())] for r in range(model.rowCount())]
    widths = [max([bold_metrics.horizontalAdvance(h)] + [metrics.horizontalAdvance(row[i]) for row in cells]) + 2 * pad
              for i, h in enumerate(headers)]
    total = sum(widths)
    if total > area.width():  # squeeze the widest (text) column; text is elided below
        widest = max(range(len(widths)), key=widths.__getitem__)
        widths[widest] = max(4 * pad, widths[widest] - (total - area.width()))
    else:  # a full-width table: the spare room goes to the columns evenly
        extra = (area.width() - total) // len(widths)
        widths = [w + extra for w in widths]
    numeric = [c.numeric for c in model.columns]

    def title_and_header(y: int, continued: bool) -> int:
        painter.setFont(_font(13, bold=True))
        m = painter.fontMetrics()
        text = title + (QCoreApplication.translate("DashboardPdf", " (continued)") if continued else "")
        painter.setPen(QColor("#111827"))
        painter.drawText(QPoint(0, y + m.ascent()), text)
        y += int(m.height() * 1.4)
        painter.fillRect(QRect(0, y, sum(widths), row_h), QColor("#e5e7eb"))
        painter.setFont(bold)
        _row(painter, y, row_h, widths, pad, headers, numeric, bold_metrics)
        return y + row_h

    y = title_and_header(0, False)
    if not cells:
        painter.setFont(body)
        painter.drawText(QPoint(pad, y + metrics.ascent() + pad), QCoreApplication.translate("DashboardPdf", "No rows for this period."))
        return
    painter.setFont(body)
    for i, row in enumerate(cells):
        if y + row_h > area.height():
            writer.newPage()
            y = title_and_header(0, True)
            painter.setFont(body)
        if i % 2:
            painter.fillRect(QRect(0, y, sum(widths), row_h), QColor("#f7f8fa"))
        _row(painter, y, row_h, widths, pad, row, numeric, metrics)
        y += row_h
    painter.setPen(QColor("#d1d5db"))
    painter.drawLine(0, y, sum(widths), y)
    painter.setPen(QColor("#111827"))


def _row(painter: QPainter, y: int, height: int, widths: list[int], pad: int, texts: list[str],
         numeric: list[bool], metrics: QFontMetrics) -> None:
    x = 0
    for text, width, right in zip(texts, widths, numeric):
        rect = QRectF(x + pad, y, width - 2 * pad, height)
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()))
        align = (Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(rect, int(align), shown)
        x += width
