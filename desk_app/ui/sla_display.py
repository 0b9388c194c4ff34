"""How an SLA clock looks in a queue: countdown text, state, icon, colour, tooltip lines.

The state of a queued ticket's next clock is derived from its times and the
current instant with the core's rule (`desk_app.core.sla`): a running clock is
BREACHED from `due` on, WARNING from `warn_at` on, RUNNING before; a paused
clock stays PAUSED. So a countdown crosses into warning or breach at the tick
that passes the threshold, without asking the store.

State is never shown by colour alone (colour-blind agents): every state has an
icon of its own shape (circle, triangle, octagon, pause bars), breaches are
bold and carry a minus sign, and the accessible text names the state.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap

from desk_app.core.sla import ClockState, state_at
from desk_app.core.ticket import CustomerTier, Status

__all__ = [
    "clock_label",
    "countdown_text",
    "due_tooltip",
    "format_duration",
    "live_state",
    "is_dark",
    "paused_reason_label",
    "retranslate",
    "state_font",
    "state_foreground",
    "state_icon",
    "state_label",
    "tier_badge_icon",
    "tier_badge_label",
]

ICON_SIZE = 16


#: The state a clock has at `now`, from its stored state and its times (epoch seconds here):
#: the core's rule, `desk_app.core.sla.state_at`, under the name the widgets use.
live_state = state_at


@cache
def _texts() -> dict[str, str]:
    """Texts painted on every tick, translated once (see `retranslate`)."""
    return {
        "days": QCoreApplication.translate("SlaDisplay", "{days}d {hours}h"),
        "hours": QCoreApplication.translate("SlaDisplay", "{hours}h {minutes}m"),
        "minutes": QCoreApplication.translate("SlaDisplay", "{minutes}m"),
        "seconds": QCoreApplication.translate("SlaDisplay", "{seconds}s"),
        ClockState.PAUSED: QCoreApplication.translate("SlaDisplay", "paused"),
        ClockState.MET: QCoreApplication.translate("SlaDisplay", "met"),
        ClockState.MISSED: QCoreApplication.translate("SlaDisplay", "missed"),
    }


def retranslate() -> None:
    """Forget the cached texts: call when the application's language changes."""
    _texts.cache_clear()


def format_duration(seconds: int) -> str:
    """A compact, non-negative duration: "3d 4h", "2h 14m", "35m", "45s" (truncated)."""
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    texts = _texts()
    if days:
        return texts["days"].format(days=days, hours=hours)
    if hours:
        return texts["hours"].format(hours=hours, minutes=minutes)
    if minutes:
        return texts["minutes"].format(minutes=minutes)
    return texts["seconds"].format(seconds=secs)


def countdown_text(state: ClockState | None, due: int | None, now: float) -> str:
    """The countdown cell: "2h 14m" left, "-35m" overdue, "paused", or a dash without a clock."""
    if state is None or due is None:
        return "\u2014"
    if state in (ClockState.PAUSED, ClockState.MET, ClockState.MISSED):
        return _texts()[state]
    left = due - now
    if left > 0:
        return format_duration(int(left))
    overdue = int(-left)
    return "-" + format_duration(overdue) if overdue else format_duration(0)


def state_label(state: ClockState | None) -> str:
    labels = {
        ClockState.RUNNING: QCoreApplication.translate("SlaDisplay", "Running"),
        ClockState.WARNING: QCoreApplication.translate("SlaDisplay", "Warning"),
        ClockState.BREACHED: QCoreApplication.translate("SlaDisplay", "Breached"),
        ClockState.PAUSED: QCoreApplication.translate("SlaDisplay", "Paused"),
        ClockState.MET: QCoreApplication.translate("SlaDisplay", "Met"),
        ClockState.MISSED: QCoreApplication.translate("SlaDisplay", "Missed"),
    }
    if state is None:
        return QCoreApplication.translate("SlaDisplay", "No SLA clock")
    return labels[state]


def clock_label(key: str | None) -> str:
    """A clock key as people say it: "tier_budget:2" -> "Tier 2 budget"."""
    if not key:
        return QCoreApplication.translate("SlaDisplay", "SLA clock")
    base, _, arg = key.partition(":")
    plain = {
        "first_response": QCoreApplication.translate("SlaDisplay", "First response"),
        "next_response": QCoreApplication.translate("SlaDisplay", "Next response"),
        "periodic_update": QCoreApplication.translate("SlaDisplay", "Periodic update"),
        "resolution": QCoreApplication.translate("SlaDisplay", "Resolution"),
    }
    if base in plain and not arg:
        return plain[base]
    if base == "tier_budget" and arg:
        return QCoreApplication.translate("SlaDisplay", "Tier {level} budget").format(level=arg)
    if base == "evidence" and arg:
        return QCoreApplication.translate("SlaDisplay", "Evidence window ({party})").format(party=arg)
    if base == "third_party" and arg:
        return QCoreApplication.translate("SlaDisplay", "Response due from {party}").format(party=arg)
    return key


def paused_reason_label(reason: str | None) -> str:
    """Why a clock stands still: a pausing status, or an emergency mode ("mode:<key>")."""
    if not reason:
        return ""
    if reason.startswith("mode:"):
        return QCoreApplication.translate("SlaDisplay", "emergency mode \u201c{mode}\u201d is on").format(mode=reason[5:])
    known = {
        Status.PENDING_CUSTOMER: QCoreApplication.translate("SlaDisplay", "waiting on the customer"),
        Status.PENDING_THIRD_PARTY: QCoreApplication.translate("SlaDisplay", "waiting on a third party"),
        Status.ON_HOLD: QCoreApplication.translate("SlaDisplay", "on hold"),
    }
    try:
        return known[Status(reason)]
    except (ValueError, KeyError):
        return QCoreApplication.translate("SlaDisplay", "status \u201c{status}\u201d").format(status=reason)


def format_local_time(epoch: int) -> str:
    """An instant in the agent's time zone, in the system locale's short format."""
    moment = QDateTime.fromSecsSinceEpoch(int(epoch))
    return QLocale.system().toString(moment, QLocale.FormatType.ShortFormat)


def due_tooltip(
    *,
    state: ClockState | None,
    clock_key: str | None,
    due: int | None,
    warn_at: int | None,
    paused_reason: str | None,
    remaining: int | None,
    now: float,
) -> str:
    """The countdown's tooltip: which clock, its state, due and warning times in local time, why paused."""
    if state is None:
        return QCoreApplication.translate("SlaDisplay", "No SLA clock is running on this ticket.")
    lines = [f"{state_label(state)}: {clock_label(clock_key)}"]
    if due is not None:
        when = format_local_time(due)
        if state is ClockState.PAUSED:
            lines.append(QCoreApplication.translate("SlaDisplay", "Due if resumed now: {when}").format(when=when))
        elif due > now:
            lines.append(
                QCoreApplication.translate("SlaDisplay", "Due: {when} (in {left})").format(
                    when=when, left=format_duration(int(due - now))
                )
            )
        else:
            lines.append(
                QCoreApplication.translate("SlaDisplay", "Was due: {when} ({late} ago)").format(
                    when=when, late=format_duration(int(now - due))
                )
            )
    if warn_at is not None and state in (ClockState.RUNNING, ClockState.WARNING):
        lines.append(QCoreApplication.translate("SlaDisplay", "Warning from: {when}").format(when=format_local_time(warn_at)))
    if remaining is not None:
        if remaining >= 0:
            left = format_duration(remaining)
        else:
            left = "-" + format_duration(-remaining)
        if state is ClockState.PAUSED:
            lines.append(QCoreApplication.translate("SlaDisplay", "Business time left: {left}").format(left=left))
        else:
            lines.append(
                QCoreApplication.translate("SlaDisplay", "Business time left at the last update: {left}").format(left=left)
            )
    if state is ClockState.PAUSED and paused_reason:
        lines.append(
            QCoreApplication.translate("SlaDisplay", "Paused: {reason}").format(reason=paused_reason_label(paused_reason))
        )
    return "\n".join(lines)


# -- colours, fonts and icons (need a QGuiApplication) -----------------------------------

_COLOURS = {
    # (light palette, dark palette): each readable on the matching base colour.
    ClockState.WARNING: ("#8a5300", "#f5b642"),
    ClockState.BREACHED: ("#b3261e", "#ff8a80"),
    ClockState.RUNNING: ("#1b6e3a", "#7fd69b"),
    ClockState.PAUSED: ("#5f6368", "#a8adb4"),
}


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether text is light on dark (the application's palette unless one is given).

    Reading the application palette costs microseconds: callers painting many
    cells ask once (the table model does on each tick) and pass `dark=` on.
    """
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def state_colour(state: ClockState, dark: bool | None = None) -> QColor:
    light, dark_hex = _COLOURS.get(state, _COLOURS[ClockState.PAUSED])
    return QColor(dark_hex if (is_dark() if dark is None else dark) else light)


@cache
def _brush(state: ClockState, dark: bool) -> QBrush:
    return QBrush(state_colour(state, dark))


def state_foreground(state: ClockState | None, dark: bool | None = None) -> QBrush | None:
    """Text colour of the countdown; None (the palette's text colour) for running clocks."""
    if state in (ClockState.WARNING, ClockState.BREACHED, ClockState.PAUSED):
        return _brush(state, is_dark() if dark is None else dark)
    return None


@cache
def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def state_font(state: ClockState | None) -> QFont | None:
    """Breaches are bold: a cue that survives a monochrome screen."""
    return _bold() if state is ClockState.BREACHED else None


def _shape(state: ClockState, size: int) -> QPainterPath:
    s = float(size)
    m = 1.5
    path = QPainterPath()
    if state is ClockState.WARNING:  # triangle
        path.moveTo(s / 2, m)
        path.lineTo(s - m, s - m)
        path.lineTo(m, s - m)
        path.closeSubpath()
    elif state is ClockState.BREACHED:  # octagon (a stop sign)
        c = s / 2
        r = s / 2 - m
        k = r * 0.414
        points = [(c - k, c - r), (c + k, c - r), (c + r, c - k), (c + r, c + k), (c + k, c + r), (c - k, c + r), (c - r, c + k), (c - r, c - k)]
        path.moveTo(*points[0])
        for p in points[1:]:
            path.lineTo(*p)
        path.closeSubpath()
    else:  # circle (running, paused, met, missed)
        path.addEllipse(QRectF(m, m, s - 2 * m, s - 2 * m))
    return path


def _draw_state(painter: QPainter, state: ClockState, size: int, colour: QColor) -> None:
    s = float(size)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = _shape(state, size)
    if state is ClockState.RUNNING:
        painter.setPen(QPen(colour, 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        # clock hands: running time
        painter.drawLine(QPointF(s / 2, s / 2), QPointF(s / 2, s * 0.25))
        painter.drawLine(QPointF(s / 2, s / 2), QPointF(s * 0.72, s / 2))
        return
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPath(path)
    mark = QPen(QColor("white"), 1.8)
    mark.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(mark)
    if state is ClockState.WARNING:  # "!"
        painter.drawLine(QPointF(s / 2, s * 0.40), QPointF(s / 2, s * 0.66))
        painter.drawPoint(QPointF(s / 2, s * 0.80))
    elif state is ClockState.BREACHED:  # "x"
        a, b = s * 0.34, s * 0.66
        painter.drawLine(QPointF(a, a), QPointF(b, b))
        painter.drawLine(QPointF(a, b), QPointF(b, a))
    elif state is ClockState.PAUSED:  # "||"
        painter.drawLine(QPointF(s * 0.40, s * 0.32), QPointF(s * 0.40, s * 0.68))
        painter.drawLine(QPointF(s * 0.60, s * 0.32), QPointF(s * 0.60, s * 0.68))
    elif state is ClockState.MET:  # check mark
        painter.drawLine(QPointF(s * 0.30, s * 0.52), QPointF(s * 0.45, s * 0.67))
        painter.drawLine(QPointF(s * 0.45, s * 0.67), QPointF(s * 0.72, s * 0.36))
    elif state is ClockState.MISSED:  # "-"
        painter.drawLine(QPointF(s * 0.30, s / 2), QPointF(s * 0.70, s / 2))


@cache
def _state_icon(state: ClockState, dark: bool) -> QIcon:
    light_hex, dark_hex = _COLOURS.get(state, _COLOURS[ClockState.PAUSED])
    colour = QColor(dark_hex if dark else light_hex)
    pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        _draw_state(painter, state, ICON_SIZE, colour)
    finally:
        painter.end()
    return QIcon(pixmap)


def state_icon(state: ClockState | None, dark: bool | None = None) -> QIcon | None:
    """An icon whose *shape* tells the state; drawn once per state and palette brightness."""
    if state is None:
        return None
    return _state_icon(state, is_dark() if dark is None else dark)


def tier_badge_label(tier: str) -> str:
    labels = {
        CustomerTier.STANDARD: QCoreApplication.translate("SlaDisplay", "Standard customer"),
        CustomerTier.STARTUP: QCoreApplication.translate("SlaDisplay", "Startup customer"),
        CustomerTier.ENTERPRISE: QCoreApplication.translate("SlaDisplay", "Enterprise customer"),
    }
    try:
        return labels[CustomerTier(tier)]
    except ValueError:
        return QCoreApplication.translate("SlaDisplay", "Customer tier: {tier}").format(tier=tier)


@cache
def _badge(letter: str, background: str) -> QIcon:
    pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(QRectF(0.5, 0.5, ICON_SIZE - 1, ICON_SIZE - 1), 3, 3)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(11)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(0, 0, ICON_SIZE, ICON_SIZE), Qt.AlignmentFlag.AlignCenter, letter)
    finally:
        painter.end()
    return QIcon(pixmap)


def tier_badge_icon(tier: str) -> QIcon | None:
    """A lettered badge for customers with a tier above standard ("E", "S"); None for standard."""
    if tier == CustomerTier.ENTERPRISE:
        return _badge("E", "#4a3aa8")
    if tier == CustomerTier.STARTUP:
        return _badge("S", "#00696b")
    if tier == CustomerTier.STANDARD or not tier:
        return None
    return _badge(tier[:1].upper(), "#5f6368")
