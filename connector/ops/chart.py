"""The failures chart as SVG geometry: stacked bars per day, one colour per reason."""

from __future__ import annotations

from dataclasses import dataclass

from connector.ops.board import FailureChart

# Distinct on white and for the common colour-vision deficiencies (Okabe-Ito based).
PALETTE = ("#d55e00", "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#7f8c8d")

WIDTH = 720
HEIGHT = 200
LEFT = 36  # room for the y-axis labels
BOTTOM = 22  # room for the day labels
TOP = 8


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    reason: str
    count: int
    day: str


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class DayLabel:
    x: float
    text: str
    total: int


@dataclass(frozen=True)
class ChartGeometry:
    width: int
    height: int
    left: int
    plot_bottom: float
    segments: list[Segment]
    ticks: list[Tick]
    labels: list[DayLabel]
    legend: list[tuple[str, str, int]]  # (reason, colour, total)


def nice_ceiling(value: int) -> int:
    """A round top for the y axis: the first of 1, 2, 5, 10, 20, 50... not below ``value``."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def geometry(chart: FailureChart) -> ChartGeometry:
    colours = {reason: PALETTE[index % len(PALETTE)] for index, reason in enumerate(chart.reasons)}
    top = nice_ceiling(chart.peak)
    plot_height = HEIGHT - TOP - BOTTOM
    plot_bottom = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT) / max(1, len(chart.days))
    bar = slot * 0.7
    segments: list[Segment] = []
    labels: list[DayLabel] = []
    for index, day in enumerate(chart.days):
        x = LEFT + index * slot + (slot - bar) / 2
        y = plot_bottom
        for reason in chart.reasons:
            count = chart.counts.get((day, reason), 0)
            if not count:
                continue
            height = plot_height * count / top
            y -= height
            segments.append(
                Segment(x, y, bar, height, colours[reason], reason, count, day.isoformat())
            )
        labels.append(DayLabel(x + bar / 2, day.strftime("%m-%d"), chart.day_total(day)))
    values = (0, top // 2, top) if top % 2 == 0 else (0, top)
    ticks = [Tick(plot_bottom - plot_height * value / top, value) for value in values]
    totals = {reason: 0 for reason in chart.reasons}
    for (_day, reason), count in chart.counts.items():
        totals[reason] = totals.get(reason, 0) + count
    legend = [(reason, colours[reason], totals.get(reason, 0)) for reason in chart.reasons]
    return ChartGeometry(WIDTH, HEIGHT, LEFT, plot_bottom, segments, ticks, labels, legend)
