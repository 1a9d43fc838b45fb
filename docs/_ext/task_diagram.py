"""A diagram of a task's path: boxes joined by numbered arrows, drawn at build time as inline SVG.

Usage, in conf.py ``extensions = [..., "task_diagram"]``; on a MyST page::

    ```{task-diagram}
    :cycle:

    The path of one task, from Django to a worker and back.

    - Django
      - `add.delay(2, 3)` sends the task to the broker as a message.
    - Broker
      - The broker hands the message to a worker.
    - Worker
      - The worker runs the task and stores its return value.
    - Result backend
      - `result.get()` reads the value back in Django.
    ```

Each item of the list is a box, in order, joined to the next by an arrow
numbered 1, 2, ...; with ``:cycle:`` a last arrow goes from the last box back
to the first. An item's nested item, if any, describes its outgoing arrow;
the descriptions are listed under the drawing by number (leave them out when
the page's own numbered list explains the steps). The paragraph is the
caption (optional; the box labels joined by arrows otherwise). All of it is
ordinary page text, so the gettext builder extracts it and a translated page
draws translated boxes.

In HTML the drawing is SVG, once in a row and once in a column for narrow
screens; the caption and the steps follow as text in the ``<figcaption>``,
and the caption names the drawing (``role="img"``, ``aria-labelledby``).
Colours are Furo's CSS variables and ``currentColor``, so the diagram follows
the light and dark themes. Other builders show the caption and the list.
"""

from __future__ import annotations

import html
import unicodedata
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata
    from sphinx.writers.html5 import HTML5Translator

FONT_SIZE = 15
LINE_HEIGHT = 19
BOX_WIDTH = 140  # wide layout; the narrow one uses NARROW_BOX_WIDTH
NARROW_BOX_WIDTH = 210
GAP = 64  # between boxes, along the arrows
MARGIN = 8
RADIUS = 11  # of the step numbers' circles

STYLE_BOX = "fill: var(--color-background-secondary, transparent); stroke: currentColor; stroke-width: 1.25"
STYLE_LINE = "fill: none; stroke: currentColor; stroke-width: 1.25"
STYLE_HEAD = "fill: currentColor; stroke: none"
STYLE_STEP = "fill: var(--color-background-primary, Canvas); stroke: currentColor; stroke-width: 1.25"
STYLE_TEXT = f"fill: currentColor; font-size: {FONT_SIZE}px"


class task_diagram(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """The directive's caption paragraphs and list, drawn by the HTML writer."""


class TaskDiagram(SphinxDirective):
    has_content = True
    option_spec = {"cycle": directives.flag}

    def run(self) -> list[nodes.Node]:
        node = task_diagram(cycle="cycle" in self.options)
        self.set_source_info(node)
        self.state.nested_parse(self.content, self.content_offset, node)
        lists = [child for child in node.children if isinstance(child, nodes.bullet_list)]
        if len(lists) != 1 or len(lists[0].children) < 2:
            raise self.error("task-diagram needs one bullet list of at least two boxes")
        return [node]


def parts(node: task_diagram) -> tuple[list[nodes.paragraph], list[tuple[str, nodes.paragraph | None]]]:
    """The caption paragraphs, and each box's label with the paragraph of its outgoing arrow."""
    caption = [child for child in node.children if isinstance(child, nodes.paragraph)]
    boxes = []
    for item in next(c for c in node.children if isinstance(c, nodes.bullet_list)).children:
        label = next((c for c in item.children if isinstance(c, nodes.paragraph)), None)
        nested = next((c for c in item.children if isinstance(c, nodes.bullet_list)), None)
        arrow = None
        if nested is not None and nested.children:
            arrow = next((c for c in nested[0].children if isinstance(c, nodes.paragraph)), None)
        boxes.append((" ".join(label.astext().split()) if label else "", arrow))
    return caption, boxes


def text_width(text: str) -> float:
    """An estimate of ``text``'s width in em: wide (Hangul, CJK) characters count as one."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def wrap(text: str, width: float) -> list[str]:
    """``text`` in lines of at most ``width`` px, broken at spaces only (as keep-all does)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word) * FONT_SIZE <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _label(x: float, y: float, lines: list[str]) -> str:
    top = y - (len(lines) - 1) * LINE_HEIGHT / 2
    spans = "".join(
        f'<tspan x="{x:g}" y="{top + i * LINE_HEIGHT:g}">{html.escape(line)}</tspan>'
        for i, line in enumerate(lines))
    return f'<text text-anchor="middle" dominant-baseline="central" style="{STYLE_TEXT}">{spans}</text>'


def _step(x: float, y: float, number: int) -> str:
    return (f'<circle cx="{x:g}" cy="{y:g}" r="{RADIUS}" style="{STYLE_STEP}"/>'
            f'<text x="{x:g}" y="{y:g}" text-anchor="middle" dominant-baseline="central" '
            f'style="{STYLE_TEXT}; font-size: 13px">{number}</text>')


def _head(x: float, y: float, direction: str) -> str:
    """A filled arrowhead whose tip is at (x, y)."""
    dx, dy = {"right": (-1, 0), "left": (1, 0), "down": (0, -1), "up": (0, 1)}[direction]
    back, side = 8, 4.5
    points = [(x, y), (x + dx * back - dy * side, y + dy * back - dx * side),
              (x + dx * back + dy * side, y + dy * back + dx * side)]
    return f'<polygon points="{" ".join(f"{px:g},{py:g}" for px, py in points)}" style="{STYLE_HEAD}"/>'


def _line(points: list[tuple[float, float]]) -> str:
    return f'<polyline points="{" ".join(f"{x:g},{y:g}" for x, y in points)}" style="{STYLE_LINE}"/>'


def _box(x: float, y: float, width: int, height: float, lines: list[str]) -> str:
    """A box with its label in the middle."""
    return (f'<rect x="{x:g}" y="{y:g}" width="{width}" height="{height:g}" rx="6" style="{STYLE_BOX}"/>'
            + _label(x + width / 2, y + height / 2, lines))


def _arrow(start: tuple[float, float], end: tuple[float, float], direction: str, number: int) -> str:
    """A straight arrow from one box to the next ("right" or "down"), its number half-way."""
    (x0, y0), (x1, y1) = start, end
    short = (x1 - 1, y1) if direction == "right" else (x1, y1 - 1)  # the head covers the last pixel
    return _line([start, short]) + _head(x1, y1, direction) + _step((x0 + x1) / 2, (y0 + y1) / 2, number)


def _boxes(wrapped: list[list[str]], width: int, height: float, gap: float, direction: str) -> list[str]:
    """The boxes from the top left corner on, in a row ("right") or a column ("down"), each
    joined to the next by an arrow numbered 1, 2, ..."""
    out = []
    for i, lines in enumerate(wrapped):
        if direction == "right":
            x, y = MARGIN + i * (width + gap), MARGIN
            start, end = (x + width, y + height / 2), (x + width + gap, y + height / 2)
        else:
            x, y = MARGIN, MARGIN + i * (height + gap)
            start, end = (x + width / 2, y + height), (x + width / 2, y + height + gap)
        out.append(_box(x, y, width, height, lines))
        if i + 1 < len(wrapped):
            out.append(_arrow(start, end, direction, i + 1))
    return out


def draw_wide(labels: list[str], cycle: bool) -> tuple[str, float, float]:
    """Boxes in a row; the arrow back to the first box runs underneath. Returns (svg body, width, height)."""
    wrapped = [wrap(label, BOX_WIDTH - 16) for label in labels]
    box_h = 16 + max(len(lines) for lines in wrapped) * LINE_HEIGHT
    out = _boxes(wrapped, BOX_WIDTH, box_h, GAP, "right")
    height = 2 * MARGIN + box_h
    if cycle:  # the last arrow, numbered after the others
        bottom, low = MARGIN + box_h, MARGIN + box_h + 30
        first_x = MARGIN + BOX_WIDTH / 2
        last_x = MARGIN + (len(labels) - 1) * (BOX_WIDTH + GAP) + BOX_WIDTH / 2
        out += [_line([(last_x, bottom), (last_x, low), (first_x, low), (first_x, bottom + 1)]),
                _head(first_x, bottom, "up"), _step((first_x + last_x) / 2, low, len(labels))]
        height = low + RADIUS + MARGIN
    width = 2 * MARGIN + len(labels) * BOX_WIDTH + (len(labels) - 1) * GAP
    return "".join(out), width, height


def draw_narrow(labels: list[str], cycle: bool) -> tuple[str, float, float]:
    """Boxes in a column; the arrow back to the first box runs on the right."""
    wrapped = [wrap(label, NARROW_BOX_WIDTH - 16) for label in labels]
    box_h = 16 + max(len(lines) for lines in wrapped) * LINE_HEIGHT
    gap = 44
    out = _boxes(wrapped, NARROW_BOX_WIDTH, box_h, gap, "down")
    height = 2 * MARGIN + len(labels) * box_h + (len(labels) - 1) * gap
    width = 2 * MARGIN + NARROW_BOX_WIDTH
    if cycle:  # the last arrow, numbered after the others
        right = MARGIN + NARROW_BOX_WIDTH
        far = right + 34
        first_y = MARGIN + box_h / 2
        last_y = MARGIN + (len(labels) - 1) * (box_h + gap) + box_h / 2
        out += [_line([(right, last_y), (far, last_y), (far, first_y), (right + 1, first_y)]),
                _head(right, first_y, "left"), _step(far, (first_y + last_y) / 2, len(labels))]
        width = far + RADIUS + MARGIN
    return "".join(out), width, height


def visit_task_diagram_html(self: HTML5Translator, node: task_diagram) -> None:
    caption, boxes = parts(node)
    labels = [label for label, _arrow in boxes]
    cycle = node["cycle"] or boxes[-1][1] is not None
    self._task_diagrams = getattr(self, "_task_diagrams", 0) + 1
    ident = f"task-diagram-{self._task_diagrams}"
    title = " ".join(" ".join(p.astext() for p in caption).split()) or " → ".join(labels)

    self.body.append(f'<figure class="task-diagram" id="{ident}">\n')
    for layout, draw in (("wide", draw_wide), ("narrow", draw_narrow)):
        body, width, height = draw(labels, cycle)
        self.body.append(
            f'<svg class="task-diagram-{layout}" role="img" aria-labelledby="{ident}-caption" '
            f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{html.escape(title)}</title>{body}</svg>\n')
    self.body.append(f'<figcaption>\n<p id="{ident}-caption">')
    if caption:
        for i, paragraph in enumerate(caption):
            if i:
                self.body.append(" ")
            _inline(self, paragraph)
    else:
        self.body.append(html.escape(title))
    self.body.append("</p>\n")
    steps = [(number, arrow) for number, (_label, arrow) in enumerate(boxes, 1) if arrow is not None]
    if steps:
        self.body.append('<ol class="task-diagram-steps">\n')
        for number, arrow in steps:
            self.body.append(f'<li value="{number}">')
            _inline(self, arrow)
            self.body.append("</li>\n")
        self.body.append("</ol>\n")
    self.body.append("</figcaption>\n</figure>\n")
    raise nodes.SkipNode


def _inline(translator: HTML5Translator, paragraph: nodes.paragraph) -> None:
    """The paragraph's inline content (code, emphasis, links), without the <p>."""
    for child in paragraph.children:
        child.walkabout(translator)


def _pass(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    pass


def setup(app: Sphinx) -> ExtensionMetadata:
    other = (_pass, _pass)
    app.add_node(task_diagram, html=(visit_task_diagram_html, None), latex=other, text=other,
                 man=other, texinfo=other)
    app.add_directive("task-diagram", TaskDiagram)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
