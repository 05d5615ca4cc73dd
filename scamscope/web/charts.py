"""Small server-rendered SVG charts of a result set: articles over time, by country.

No JavaScript and no inline style (the CSP forbids both): shapes carry classes
that the stylesheet colours, and every label is escaped.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Bucket:
    label: str  # shown under the bar / in the tooltip
    start: date
    end: date  # inclusive
    count: int


# Bars of a timeline whose unit the reader chose: the most recent ones when there are more.
MAX_BARS = 120
UNITS = ("day", "week", "month")


def bucket_ranges(first: date, last: date, *, most: int = 24,
                  unit: str | None = None) -> list[Bucket]:
    """Days, weeks or months from first to last: the given unit (at most MAX_BARS, the most
    recent), or whichever gives at most `most` bars (several months a bar for long ranges);
    counts are zero, to be filled in."""
    if unit in UNITS:
        if unit == "day":
            first = max(first, last - timedelta(MAX_BARS - 1))
        elif unit == "week":
            first = max(first, last - timedelta(7 * MAX_BARS - 1))
        else:
            first = max(first, date(last.year - MAX_BARS // 12, last.month, 1))
        return bucket_ranges(first, last, most={"day": MAX_BARS, "week": 1, "month": 1}[unit],
                             unit=unit + "s")
    span = (last - first).days + 1
    if span <= most and unit in (None, "days"):
        return [Bucket(d.isoformat(), d, d, 0) for d in (first + timedelta(n) for n in range(span))]
    if unit == "weeks" or (unit is None and span <= most * 7):
        out = []
        week = first - timedelta(days=first.weekday())
        while week <= last:
            out.append(Bucket(f"week of {week.isoformat()}", week, week + timedelta(6), 0))
            week += timedelta(7)
        return out
    months = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    step = 1 if unit == "months" else max(1, -(-len(months) // most))
    out = []
    for i in range(0, len(months), step):
        (y0, m0), (y1, m1) = months[i], months[min(i + step, len(months)) - 1]
        end = date(y1 + (m1 == 12), m1 % 12 + 1, 1) - timedelta(1)
        label = f"{y0}-{m0:02d}" if step == 1 else f"{y0}-{m0:02d} – {y1}-{m1:02d}"
        out.append(Bucket(label, date(y0, m0, 1), end, 0))
    return out


def time_buckets(dates: Iterable[datetime | date], *, most: int = 24) -> list[Bucket]:
    """Count dates per day, week or month, whichever gives at most `most` bars."""
    days = sorted(d.date() if isinstance(d, datetime) else d for d in dates if d is not None)
    if not days:
        return []
    counts = Counter(days)
    return [replace(b, count=sum(n for d, n in counts.items() if b.start <= d <= b.end))
            for b in bucket_ranges(days[0], days[-1], most=most)]


def _ticks(top: int) -> list[int]:
    """Round counts for the y-axis: 0, and up to three more no higher than top."""
    if top <= 3:
        return list(range(top + 1))
    step = 1
    while top / step > 3:
        for factor in (2, 2.5, 2):
            if top / step <= 3:
                break
            step = int(step * factor)
    return list(range(0, top + 1, step))


def timeline_svg(buckets: Sequence[Bucket], *, link=None, width: int = 360,
                 height: int = 130) -> Markup:
    """Column chart of buckets with a y-axis of article counts; link(bucket) -> URL makes
    each column a link."""
    if not buckets:
        return Markup("")
    top = max(b.count for b in buckets) or 1
    ticks = _ticks(top)
    top = max(top, ticks[-1])
    pad_left, pad_bottom, pad_top = 8 + 7 * len(str(top)), 18, 8
    plot = height - pad_bottom - pad_top
    slot = (width - pad_left) / len(buckets)
    bar = max(1.0, slot * 0.8)
    base = height - pad_bottom
    parts = [f'<svg class="chart chart-time" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="articles over time" xmlns="http://www.w3.org/2000/svg">']
    for tick in ticks:
        y = base - plot * tick / top
        parts.append(f'<line class="grid" x1="{pad_left}" y1="{y:.1f}" x2="{width}" y2="{y:.1f}"/>'
                     f'<text class="tick ytick" x="{pad_left - 3}" y="{y + 3:.1f}" '
                     f'text-anchor="end">{tick}</text>')
    parts.append(f'<line class="axis" x1="{pad_left}" y1="{base}" x2="{width}" y2="{base}"/>'
                 f'<line class="axis" x1="{pad_left}" y1="{pad_top}" x2="{pad_left}" '
                 f'y2="{base}"/>')
    for i, b in enumerate(buckets):
        h = plot * b.count / top
        x = pad_left + i * slot + (slot - bar) / 2
        y = base - h
        rect = (f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}">'
                f"<title>{escape(b.label)}: {b.count}</title></rect>")
        if link and b.count:
            rect = f'<a href="{escape(link(b))}">{rect}</a>'
        parts.append(rect)
    parts.append(f'<text class="tick" x="{pad_left}" y="{height - 4}">'
                 f"{escape(buckets[0].label)}</text>")
    if len(buckets) > 1:
        parts.append(f'<text class="tick" x="{width}" y="{height - 4}" text-anchor="end">'
                     f"{escape(buckets[-1].label)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def bars_svg(rows: Sequence[tuple[str, int]], *, link=None, width: int = 360,
             row_height: int = 16) -> Markup:
    """Horizontal bars of (label, count); link(label) -> URL makes each row a link."""
    if not rows:
        return Markup("")
    top = max(c for _, c in rows) or 1
    label_w, count_w = 44, 40
    plot = width - label_w - count_w
    height = row_height * len(rows) + 4
    parts = [f'<svg class="chart chart-bars" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="articles by country" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, count) in enumerate(rows):
        y = i * row_height + 2
        w = max(1.0, plot * count / top)
        row = (f'<text class="label" x="0" y="{y + row_height - 4}">{escape(label)}</text>'
               f'<rect class="bar" x="{label_w}" y="{y + 2}" width="{w:.1f}" '
               f'height="{row_height - 4}"><title>{escape(label)}: {count}</title></rect>'
               f'<text class="count" x="{label_w + w + 4:.1f}" y="{y + row_height - 4}">'
               f"{count}</text>")
        if link:
            row = f'<a href="{escape(link(label))}">{row}</a>'
        parts.append(row)
    parts.append("</svg>")
    return Markup("".join(parts))
