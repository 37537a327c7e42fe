"""Geometry for the small inline SVG charts of report sections (a progress bar, a scatter plot).

Templates never compute: the coordinates are worked out here, in Python, and a
template only writes them into ``<rect>``, ``<line>`` and ``<circle>``
elements. Every chart also has its numbers as text next to it (and a text
alternative), so it is readable without the picture.
"""

from __future__ import annotations

import math


def progress_bar(achieved: float | None, elapsed: float | None, width: int = 120,
                 height: int = 10) -> dict:
    """A bar filled to the achieved share (0-1, capped at the ends) with a tick at the elapsed share."""
    def x(share: float | None) -> float | None:
        return None if share is None else round(width * min(1.0, max(0.0, share)), 1)

    return {"width": width, "height": height, "fill": x(achieved), "tick": x(elapsed)}


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering low..high (steps of 1, 2 or 5 times a power of ten)."""
    span = high - low or 1.0
    raw = span / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value <= high + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def scatter(points: list[dict], width: int = 360, height: int = 240, margin: int = 36) -> dict:
    """Points ``{"x", "y", "label"}`` placed in a plot area with round axis ticks."""
    if not points:
        return {"width": width, "height": height, "points": [], "x_ticks": [], "y_ticks": []}
    margin = max(margin, 40)          # room for the ticks and the vertical axis' label
    xs, ys = [p["x"] for p in points], [p["y"] for p in points]
    x_ticks, y_ticks = _ticks(min(xs), max(xs)), _ticks(min(ys), max(ys))
    x_low, x_high = x_ticks[0], x_ticks[-1]
    y_low, y_high = y_ticks[0], y_ticks[-1]
    left, right, top, bottom = margin, width - 8, 8, height - margin

    def sx(value: float) -> float:
        return round(left + (value - x_low) / ((x_high - x_low) or 1) * (right - left), 1)

    def sy(value: float) -> float:
        return round(bottom - (value - y_low) / ((y_high - y_low) or 1) * (bottom - top), 1)

    return {
        "width": width, "height": height, "left": left, "right": right, "top": top, "bottom": bottom,
        "x_label_at": (left + right) / 2, "y_label_at": (top + bottom) / 2,
        "points": [{**p, "cx": sx(p["x"]), "cy": sy(p["y"])} for p in points],
        "x_ticks": [{"value": t, "at": sx(t)} for t in x_ticks],
        "y_ticks": [{"value": t, "at": sy(t)} for t in y_ticks],
    }
