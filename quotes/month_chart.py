"""The speaker page's chart: a speaker's quotes per month, drawn as an SVG bar chart.

:func:`month_series` turns (month, quotes) rows into one bar per month from the first to the
last (years, past :data:`MAX_MONTH_BARS` months) and a count of the quotes with no usable date;
:func:`bar_chart` draws the bars as SVG text written out here, on the server, so the page needs
no script and no file from a CDN. Every text in the SVG is escaped (``markupsafe``).

Nothing here knows Datasette: :mod:`quotes.speaker_page` gives it the rows and puts the chart in
the speaker's card.
"""
from __future__ import annotations

import math
import re
from typing import Any

from markupsafe import Markup

# A chart of more months than this shows years instead.
MAX_MONTH_BARS = 120
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 quote``, ``2 quotes``: the count a bar's tooltip gives."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def month_series(rows: list[tuple[str | None, int]]) -> tuple[list[dict[str, Any]], int]:
    """Quotes per month, every month from the first to the last (zero where none), and how many
    quotes have no usable date. Over :data:`MAX_MONTH_BARS` months, the bars are years."""
    counts: dict[tuple[int, int], int] = {}
    undated = 0
    for month, quotes in rows:
        match = MONTH_RE.match(month or "")
        if match:
            key = (int(match[1]), int(match[2]))
            counts[key] = counts.get(key, 0) + quotes
        else:
            undated += quotes
    if not counts:
        return [], undated
    (first_year, first_month), (last_year, last_month) = min(counts), max(counts)
    span = (last_year - first_year) * 12 + last_month - first_month + 1
    if span > MAX_MONTH_BARS:
        years: dict[int, int] = {}
        for (year, _), quotes in counts.items():
            years[year] = years.get(year, 0) + quotes
        series = [{"label": str(y), "quotes": years.get(y, 0)} for y in range(first_year, last_year + 1)]
        return series, undated
    series = []
    for n in range(span):
        year, month = divmod(first_year * 12 + first_month - 1 + n, 12)
        series.append({"label": f"{year:04d}-{month + 1:02d}", "quotes": counts.get((year, month + 1), 0)})
    return series, undated


def nice_step(peak: int, ticks: int = 4) -> int:
    """A step of 1, 2 or 5 times a power of ten that cuts ``0..peak`` into about ``ticks`` parts."""
    rough = max(peak / ticks, 1)
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def bar_chart(series: list[dict[str, Any]], title: str, width: int = 720, height: int = 200) -> Markup:
    """An SVG bar chart of ``series`` (``label``, ``quotes``), written out here: it needs no script
    and no file from anywhere. Every text in it is escaped."""
    left, right, top, bottom = 40, 10, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max((point["quotes"] for point in series), default=0)
    tick_step = nice_step(most)
    # Ticks from 0 to the first multiple of the step at or above the tallest bar (at least 1).
    ticks = [tick_step * n for n in range(max(math.ceil(most / tick_step), 1) + 1)]
    peak = ticks[-1]
    slot = plot_w / max(len(series), 1)
    bar_w = max(slot * 0.8, 1.0)
    step = math.ceil(len(series) / 10) if len(series) > 12 else 1
    parts = [
        Markup(
            '<svg class="speaker-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
            'width="{w}" height="{h}" role="img" aria-label="{title}"><title>{title}</title>'
        ).format(w=width, h=height, title=title)
    ]
    for tick in ticks:
        y = top + plot_h - tick / peak * plot_h
        parts.append(
            Markup(
                '<line class="grid" x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}"/>'
                '<text class="tick" x="{tx}" y="{ty:.1f}" text-anchor="end">{tick}</text>'
            ).format(x1=left, x2=width - right, y=y, tx=left - 6, ty=y + 4, tick=tick)
        )
    for i, point in enumerate(series):
        x = left + i * slot + (slot - bar_w) / 2
        if point["quotes"]:
            bar_h = point["quotes"] / peak * plot_h
            parts.append(
                Markup(
                    '<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{bh:.1f}" '
                    'data-label="{label}" data-quotes="{n}"><title>{label}: {quotes}</title></rect>'
                ).format(
                    x=x, y=top + plot_h - bar_h, bw=bar_w, bh=bar_h,
                    label=point["label"], n=point["quotes"], quotes=plural(point["quotes"], "quote"),
                )
            )
        if i % step == 0:
            parts.append(
                Markup('<text class="label" x="{x:.1f}" y="{y}" text-anchor="middle">{label}</text>').format(
                    x=left + i * slot + slot / 2, y=height - bottom + 16, label=point["label"]
                )
            )
    parts.append(
        Markup('<line class="axis" x1="{x1}" x2="{x2}" y1="{y}" y2="{y}"/></svg>').format(
            x1=left, x2=width - right, y=top + plot_h
        )
    )
    return Markup("").join(parts)
