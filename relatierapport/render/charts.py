"""Charts as small static SVG: the same picture in the browser and in the PDF.

A chart is a frozen dataclass that a plugin puts in its section's ``data``;
the template writes it like any value (``{{ section.data.matrix }}``) and
Jinja2 calls its ``__html__``, so templates compute nothing. The SVG is made
here, in Python, because both readers draw it alike only when it is plain:

- every colour, size and font is a presentation attribute on the element (no
  CSS classes, no ``<style>``: WeasyPrint's SVG renderer reads neither the
  page's stylesheet nor ``var()``, and a browser would apply an inline SVG's
  ``<style>`` to the whole page);
- no ``id`` attributes: hatching is drawn as plain lines, not ``<pattern>``
  fills, so any number of charts can share a page;
- numbers are written with fixed decimals: the same data gives the same bytes.

Charts must also be readable in black-and-white print and without the
picture. Bands differ by pattern as well as colour (solid, hatched,
cross-hatched, dotted outline) and every chart has a text alternative: a
chart of its own is ``role="img"`` named by its ``<title>`` and described by
its ``<desc>``, which says its figures in words (a scatter in quadrants adds
how many relations each quadrant holds); the small bars inside a table row
are ``aria-hidden`` because the row's own cells say the same numbers (a test
checks that every such bar stands in a row with its figures).

WeasyPrint lays out SVG text one letter at a time, so text is what a chart
costs in a PDF: the bars carry none (their labels are the table's cells), and
the scatter and column charts keep theirs short. benchmarks/README.md records
what each chart adds per page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable

from markupsafe import Markup, escape

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"

#: Fill, outline and pattern per tone. The fills meet WCAG AA's 3:1 for graphics against white;
#: the patterns tell the bands apart in black-and-white print.
TONES: dict[str, dict[str, str]] = {
    "accent": {"fill": "#1f5f8b", "line": "#1f5f8b", "pattern": "solid"},
    "green": {"fill": "#1e7b47", "line": "#1e7b47", "pattern": "solid"},
    "amber": {"fill": "#b7791f", "line": "#8a5a00", "pattern": "hatch"},
    "red": {"fill": "#b42318", "line": "#7a1610", "pattern": "cross"},
    "unknown": {"fill": "#ffffff", "line": "#5b6673", "pattern": "outline"},
    "muted": {"fill": "#8c96a1", "line": "#5b6673", "pattern": "solid"},
    "light": {"fill": "#c9d6e2", "line": "#1f5f8b", "pattern": "hatch"},
}
TRACK = "#e8ecf0"      # the unfilled part of a bar
GRID = "#d5dbe1"
INK = "#1d2733"
MUTED = "#5b6673"


def _n(value: float) -> str:
    """A coordinate as short, fixed text: 12, 12.5, 12.25 (never 12.250000001)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(**attributes) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        parts.append(f'{name}="{escape(_n(value) if isinstance(value, float) else value)}"')
    return " ".join(parts)


def _hatch(x: float, y: float, width: float, height: float, spacing: float, cross: bool) -> str:
    """Path data for 45-degree lines (and the opposite diagonal when ``cross``) inside a box."""
    if width <= 0 or height <= 0:
        return ""
    segments = []
    for flip in ((False, True) if cross else (False,)):
        k = spacing / 2
        while k < width + height:
            # the line u + v = k in box coordinates (u right, v up), clipped to the box
            u0, v0 = max(0.0, k - height), min(height, k)
            u1, v1 = min(width, k), max(0.0, k - width)
            if flip:
                u0, u1 = width - u0, width - u1
            segments.append(f"M{_n(x + u0)} {_n(y + height - v0)}L{_n(x + u1)} {_n(y + height - v1)}")
            k += spacing
    return "".join(segments)


def _box(x: float, y: float, width: float, height: float, tone: str) -> str:
    """A filled rectangle in a tone, with its pattern drawn over it."""
    style = TONES.get(tone, TONES["accent"])
    if width <= 0:
        return ""
    pattern = style["pattern"]
    if pattern == "outline":
        return (f'<path d="M{_n(x + 0.5)} {_n(y + 0.5)}h{_n(max(width - 1, 0.1))}v{_n(height - 1)}'
                f'h{_n(-max(width - 1, 0.1))}z" fill="{style["fill"]}" stroke="{style["line"]}" '
                f'stroke-dasharray="2 1.5"/>')
    out = f'<path d="M{_n(x)} {_n(y)}h{_n(width)}v{_n(height)}h{_n(-width)}z" fill="{style["fill"]}"/>'
    if pattern in ("hatch", "cross"):
        path = _hatch(x, y, width, height, 4.0 if pattern == "hatch" else 5.0, pattern == "cross")
        if path:
            out += f'<path d="{path}" stroke="#fff" stroke-width="1.1" fill="none"/>'
    return out


def _svg(width: float, height: float, body: str, *, css_class: str, title: str | None = None,
         description: str | None = None, decorative: bool = False) -> Markup:
    """The <svg> element; short on purpose: WeasyPrint parses every character of every chart."""
    head = (f'<svg class="{css_class}" viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" '
            f'height="{_n(height)}"')
    if decorative:
        head += ' aria-hidden="true">'
    else:
        head += ' role="img">'
        if title:
            head += f"<title>{escape(title)}</title>"
        if description:
            head += f"<desc>{escape(description)}</desc>"
    return Markup(f"{head}{body}</svg>")


def _text(x: float, y: float, text: str, *, size: float = 10, anchor: str = "start",
          weight: str | None = None, fill: str = INK) -> str:
    return (f'<text {_attrs(x=float(x), y=float(y))} font-family="{FONT}" font-size="{_n(size)}" '
            f'fill="{fill}"' + (f' text-anchor="{anchor}"' if anchor != "start" else "")
            + (f' font-weight="{weight}"' if weight else "") + f">{escape(text)}</text>")


# -- bars inside table rows ----------------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    """One horizontal bar for a table cell: ``value`` of ``maximum`` in a tone.

    ``marks`` are thin reference lines (band limits, a target) at those values.
    The bar is decorative (``aria-hidden``): the row it stands in says the
    number in words, and in black and white the marks show where a value lies
    (so bars are solid: hatching a bar costs WeasyPrint more than the bar).
    """

    value: float | None
    maximum: float
    tone: str = "accent"
    marks: tuple[float, ...] = ()

    WIDTH = 100.0
    HEIGHT = 10.0

    def __html__(self) -> str:
        w, h = self.WIDTH, self.HEIGHT
        body = f'<path d="M0 0h{_n(w)}v{_n(h)}H0z" fill="{TRACK}"/>'
        if self.value is not None and self.maximum > 0:
            share = min(max(self.value / self.maximum, 0.0), 1.0)
            if share > 0:      # solid: hatching costs WeasyPrint more than the rest of the bar
                body += f'<path d="M0 0h{_n(w * share)}v{_n(h)}H0z" fill="{TONES.get(self.tone, TONES["accent"])["fill"]}"/>'
        if self.marks and self.maximum > 0:
            lines = "".join(f"M{_n(w * min(max(mark / self.maximum, 0.0), 1.0))} 0v{_n(h)}"
                            for mark in self.marks)
            body += f'<path d="{lines}" stroke="{INK}"/>'
        return _svg(w, h, body, css_class="chart chart-bar", decorative=True)


@dataclass(frozen=True)
class Stack:
    """One horizontal bar split into parts, e.g. a category's relations per health band.

    ``parts`` are ``(count, tone)`` pairs drawn left to right in proportion to
    ``total`` (default: their sum). Decorative like ``Bar``: the row's cells
    carry the counts; the tones' patterns tell the parts apart in print.
    """

    parts: tuple[tuple[float, str], ...]
    total: float | None = None

    WIDTH = 160.0
    HEIGHT = 12.0

    def __html__(self) -> str:
        w, h = self.WIDTH, self.HEIGHT
        total = self.total if self.total is not None else sum(value for value, _ in self.parts)
        body = f'<path d="M0 0h{_n(w)}v{_n(h)}H0z" fill="{TRACK}"/>'
        x = 0.0
        if total > 0:
            for value, tone in self.parts:
                width = w * max(value, 0) / total
                body += _box(x, 0, width, h, tone)
                x += width
                if 0 < x < w - 0.01 and width > 0:
                    body += f'<path d="M{_n(x)} 0V{_n(h)}" stroke="#fff"/>'
        return _svg(w, h, body, css_class="chart chart-stack", decorative=True)


@dataclass(frozen=True)
class Progress:
    """Progress towards a target (a goal): ``done`` is the share reached (0-1, more is
    capped), ``expected`` the share that should be reached by now (a mark).

    Decorative like ``Bar``; the row says "62 % of the target, 75 % expected".
    """

    done: float | None
    expected: float | None = None
    tone: str = "accent"

    def __html__(self) -> str:
        marks = () if self.expected is None else (min(max(self.expected, 0.0), 1.0),)
        return Bar(self.done, 1.0, self.tone, marks).__html__()


# -- charts with their own text ------------------------------------------------------------------

@dataclass(frozen=True)
class Point:
    """A dot in a scatter: at (x, y), standing for ``count`` relations; ``highlight`` marks
    the relation a plan is about."""

    x: float
    y: float
    count: int = 1
    highlight: bool = False


@dataclass(frozen=True)
class Scatter:
    """A scatter of points on two score axes, optionally split into four quadrants.

    Large portfolios are aggregated before they get here (``binned``): a dot's
    area grows with the number of relations it stands for, and dots of two or
    more show their count. ``quadrants`` are labels for (top left, top right,
    bottom left, bottom right), drawn in the corners.
    """

    title: str
    description: str
    x_label: str
    y_label: str
    points: tuple[Point, ...]
    x_range: tuple[float, float] = (1.0, 5.0)
    y_range: tuple[float, float] = (1.0, 5.0)
    x_split: float | None = None
    y_split: float | None = None
    quadrants: tuple[str, str, str, str] | None = None
    x_ticks: tuple[float, ...] = (1.0, 2.0, 3.0, 4.0, 5.0)
    y_ticks: tuple[float, ...] = (1.0, 2.0, 3.0, 4.0, 5.0)
    cell: float | None = None    # the grid step of ``binned`` points: dots never overlap

    def __html__(self) -> str:
        width, height = 380.0, 320.0
        left, bottom, top, right = 46.0, 42.0, 8.0, 10.0
        pw, ph = width - left - right, height - top - bottom
        (x0, x1), (y0, y1) = self.x_range, self.y_range

        pad = 10.0      # dots on the edge stay inside the frame

        def sx(v: float) -> float:
            return left + pad + (min(max(v, x0), x1) - x0) / (x1 - x0) * (pw - 2 * pad)

        def sy(v: float) -> float:
            return top + ph - pad - (min(max(v, y0), y1) - y0) / (y1 - y0) * (ph - 2 * pad)

        body = f'<rect {_attrs(x=left, y=top, width=pw, height=ph)} fill="#ffffff" stroke="{GRID}"/>'
        if self.x_split is not None and self.y_split is not None:
            # the invest quadrant (top right) lightly tinted, so the eye finds it first
            qx, qy = sx(self.x_split), sy(self.y_split)
            body += (f'<rect {_attrs(x=qx, y=top, width=left + pw - qx, height=qy - top)} '
                     f'fill="#eef4f9"/>')
            body += (f'<path d="M{_n(qx)} {_n(top)}V{_n(top + ph)}M{_n(left)} {_n(qy)}H{_n(left + pw)}" '
                     f'stroke="{MUTED}" stroke-width="1.2" stroke-dasharray="4 3"/>')
        for tick in self.x_ticks:
            body += _text(sx(tick), top + ph + 13, _n(tick), size=9, anchor="middle", fill=MUTED)
        for tick in self.y_ticks:
            body += _text(left - 6, sy(tick) + 3, _n(tick), size=9, anchor="end", fill=MUTED)
        body += _text(left + pw / 2, height - 8, self.x_label, size=10, anchor="middle", fill=INK)
        ly = top + ph / 2
        body += (f'<text x="{_n(left - 30)}" y="{_n(ly)}" font-family="{FONT}" font-size="10" '
                 f'fill="{INK}" text-anchor="middle" transform="rotate(-90 {_n(left - 30)} {_n(ly)})">'
                 f"{escape(self.y_label)}</text>")
        if self.quadrants:
            size = 10
            pad = 5
            tl, tr, bl, br = self.quadrants
            body += _text(left + pad, top + pad + size, tl, size=size, weight="bold", fill=MUTED)
            body += _text(left + pw - pad, top + pad + size, tr, size=size, anchor="end", weight="bold",
                          fill=MUTED)
            body += _text(left + pad, top + ph - pad, bl, size=size, weight="bold", fill=MUTED)
            body += _text(left + pw - pad, top + ph - pad, br, size=size, anchor="end", weight="bold",
                          fill=MUTED)
        # a dot's area is proportional to its count; the largest fills its grid cell (or a
        # twelfth of the plot), so neighbouring cells never overlap
        largest = max((p.count for p in self.points), default=1)
        unit = 4.5
        biggest = min(pw, ph) / 12
        if self.cell:
            biggest = min(biggest, 0.48 * self.cell * min((pw - 2 * pad) / (x1 - x0),
                                                          (ph - 2 * pad) / (y1 - y0)))
        scale = min(1.0, biggest / (unit * math.sqrt(largest)))
        for point in sorted(self.points, key=lambda p: (p.highlight, -p.count, p.x, p.y)):
            radius = max(unit * math.sqrt(point.count) * scale, min(2.5, biggest))
            cx, cy = sx(point.x), sy(point.y)
            if point.highlight:
                body += (f'<circle {_attrs(cx=cx, cy=cy, r=radius + 3.5)} fill="none" stroke="{INK}" '
                         f'stroke-width="1.5"/>')
                body += f'<circle {_attrs(cx=cx, cy=cy, r=radius)} fill="{TONES["red"]["fill"]}"/>'
            else:
                body += (f'<circle {_attrs(cx=cx, cy=cy, r=radius)} fill="{TONES["accent"]["fill"]}" '
                         f'fill-opacity="0.75" stroke="#ffffff" stroke-width="0.8"/>')
            label = str(point.count)
            if point.count > 1 and radius >= 7 and len(label) * 5.6 <= 2 * radius - 2:
                body += _text(cx, cy + 3.2, label, size=9, anchor="middle", weight="bold",
                              fill="#ffffff")
        return _svg(width, height, body, css_class="chart chart-scatter", title=self.title,
                    description=self.spoken_description())

    def quadrant_counts(self) -> tuple[tuple[str, int], ...]:
        """(label, relations) per quadrant in ``quadrants``' order; a value on a split counts
        as high, as the segmentation decides. The highlighted relation is not counted again."""
        if not self.quadrants or self.x_split is None or self.y_split is None:
            return ()
        counts = [0, 0, 0, 0]      # top left, top right, bottom left, bottom right
        for point in self.points:
            if not point.highlight:
                counts[(0 if point.y >= self.y_split else 2) + (1 if point.x >= self.x_split else 0)] \
                    += point.count
        return tuple(zip(self.quadrants, counts))

    def spoken_description(self) -> str:
        """``description`` and, for a chart in quadrants, how many relations each holds: the
        figures a reader who cannot see the dots needs ("Invest: 28, Develop: 24, ...")."""
        counts = self.quadrant_counts()
        if not counts:
            return self.description
        return f"{self.description} " + ", ".join(f"{label}: {count}" for label, count in counts) + "."


@dataclass(frozen=True)
class Columns:
    """Vertical columns with a short label under each, e.g. planned hours per month.

    ``values`` and ``labels`` go together; ``tones`` (optional, one per column)
    colour single columns. The numbers themselves are in ``description``.
    """

    title: str
    description: str
    values: tuple[float, ...]
    labels: tuple[str, ...]
    tones: tuple[str, ...] = ()
    value_labels: tuple[str, ...] = ()   # short text over each column ("12"), optional

    def __html__(self) -> str:
        count = max(len(self.values), 1)
        step = 34.0
        width, height = step * count + 8, 130.0
        top, bottom = 16.0, 20.0
        ph = height - top - bottom
        largest = max(self.values, default=0) or 1
        body = f'<path d="M4 {_n(top + ph)}H{_n(width - 4)}" stroke="{MUTED}" stroke-width="1"/>'
        for i, value in enumerate(self.values):
            x = 4 + i * step + 5
            h = ph * max(value, 0) / largest
            tone = self.tones[i] if i < len(self.tones) else "accent"
            body += _box(x, top + ph - h, step - 10, h, tone)
            if i < len(self.labels):
                body += _text(x + (step - 10) / 2, height - 6, self.labels[i], size=9, anchor="middle",
                              fill=MUTED)
            if i < len(self.value_labels) and self.value_labels[i]:
                body += _text(x + (step - 10) / 2, top + ph - h - 3, self.value_labels[i], size=8.5,
                              anchor="middle", fill=INK)
        return _svg(width, height, body, css_class="chart chart-columns", title=self.title,
                    description=self.description)


# -- helpers for plugins -------------------------------------------------------------------------

def binned(points: Iterable[tuple[float, float]], step: float = 0.25,
           highlight: tuple[float, float] | None = None) -> tuple[Point, ...]:
    """Aggregate (x, y) pairs to one ``Point`` per grid cell of ``step``, drawn at the cell's
    centre, so 100,000 relations make at most a few hundred dots. Cells start at multiples of
    ``step`` (3.00 up to 3.25), so a threshold on such a multiple never splits a cell: a dot
    lies wholly on one side of it. Sorted, so the output is stable."""
    cells: dict[tuple[int, int], int] = {}
    for x, y in points:
        key = (math.floor(round(x / step, 9)), math.floor(round(y / step, 9)))
        cells[key] = cells.get(key, 0) + 1
    result = [Point((i + 0.5) * step, (j + 0.5) * step, count) for (i, j), count in sorted(cells.items())]
    if highlight is not None:
        result.append(Point(highlight[0], highlight[1], 1, True))
    return tuple(result)


@dataclass(frozen=True)
class Legend:
    """A legend for tones: ``items`` are ``(tone, label)``. Rendered as HTML (text stays
    text), each with a small swatch that shows the tone's pattern."""

    items: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def __html__(self) -> str:
        parts = []
        for tone, label in self.items:
            swatch = _svg(14, 10, _box(0, 0, 14, 10, tone), css_class="chart chart-swatch",
                          decorative=True)
            parts.append(f'<li>{swatch} {escape(label)}</li>')
        return Markup(f'<ul class="chart-legend">{"".join(parts)}</ul>')
