"""The map as an SVG picture (for the HTML report): states as boxes in rows by depth, the
edges between them as arrows (one per pair of states, whatever moves were tried).

Layout: breadth-first depth top to bottom; a depth with many states wraps onto several rows
(``PER_ROW`` boxes each) so that 50 states stay readable. Arrows between the same two states are
drawn once, labelled with the first move and how many more (the full list in the tooltip); a
move that stays in its state is a count (↺) inside the box; hang-ups by the caller, which every
state has, are not drawn. Final states (the call ends) have rounded corners; states with a
problem and edges with an error are red. A box shows its id, its action (bold), its
``dynamic_id`` (grey) and the start of what it plays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape as escape_html

from vcall.simulator.dialogue_map import ENDED, HANGUP, Edge, ExploreMap, Node
from vcall.simulator.text_safety import neutralize_controls


def escape(text: str) -> str:
    """HTML-escaped, a bot's control characters shown as escapes."""
    return escape_html(neutralize_controls(text, keep_newlines=True))


BOX_W = 172
BOX_H = 46
GAP_X = 30
GAP_Y = 78
PER_ROW = 6
MARGIN = 24
LABEL_CHARS = 12
ID_CHARS = 12
RED = "#d32f2f"
GREY = "#8a93a6"
ORANGE = "#ef6c00"


@dataclass(frozen=True, slots=True)
class Placed:
    node: Node
    x: float
    y: float


def layout(explored: ExploreMap) -> dict[str, Placed]:
    by_depth: dict[int, list[Node]] = defaultdict(list)
    for node in explored.nodes.values():
        if not _hidden(node):
            by_depth[node.depth].append(node)
    placed: dict[str, Placed] = {}
    row = 0
    for depth in sorted(by_depth):
        nodes = by_depth[depth]
        for start in range(0, len(nodes), PER_ROW):
            chunk = nodes[start : start + PER_ROW]
            width = len(chunk) * BOX_W + (len(chunk) - 1) * GAP_X
            left = MARGIN + (PER_ROW * (BOX_W + GAP_X) - GAP_X - width) / 2
            for column, node in enumerate(chunk):
                x = left + column * (BOX_W + GAP_X)
                placed[node.id] = Placed(node, x, MARGIN + row * (BOX_H + GAP_Y))
            row += 1
    return placed


def map_svg(explored: ExploreMap, marked: Mapping[str, str] | None = None) -> str:
    """``marked``: states to outline in orange (``vcall diff``), by id, with a note for the
    tooltip."""
    marked = marked or {}
    placed = layout(explored)
    width = MARGIN * 2 + PER_ROW * (BOX_W + GAP_X) - GAP_X
    height = MARGIN * 2 + max((p.y for p in placed.values()), default=0) + BOX_H
    loops, arrows = _group_edges(explored, placed)
    parts = [
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" style="max-width:{width:.0f}px" role="img" aria-label="dialogue map">',
        f"<defs>{_marker('arrow', GREY)}{_marker('arrow-red', RED)}</defs>",
    ]
    parts.extend(_arrow(placed[s], placed[t], edges) for (s, t), edges in arrows.items())
    parts.extend(_box(p, loops.get(p.node.id, []), marked.get(p.node.id)) for p in placed.values())
    parts.append("</svg>")
    return "\n".join(parts)


def _marker(name: str, colour: str) -> str:
    return (
        f'<marker id="{name}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L8,4 L0,8 z" fill="{colour}"/></marker>'
    )


def _hidden(node: Node) -> bool:
    return node.key.action == ENDED and node.key.plays == ("caller_hangup",)


def _group_edges(
    explored: ExploreMap, placed: dict[str, Placed]
) -> tuple[dict[str, list[Edge]], dict[tuple[str, str], list[Edge]]]:
    loops: dict[str, list[Edge]] = defaultdict(list)
    arrows: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    for edge in explored.edges.values():
        if edge.move == HANGUP.label or edge.source not in placed or edge.target not in placed:
            continue
        if edge.source == edge.target:
            loops[edge.source].append(edge)
        else:
            arrows[(edge.source, edge.target)].append(edge)
    return loops, arrows


def _box(placed: Placed, loops: list[Edge], mark: str | None = None) -> str:
    node = placed.node
    stroke = RED if node.problem else ("#1b7f3b" if node.final else "#3b4456")
    fill = "#fdecec" if node.problem else ("#eef7f0" if node.final else "#ffffff")
    if mark is not None:
        stroke, fill = ORANGE, "#fff3e0"
    radius = 14 if node.final else 3
    first = node.key.action
    dynamic_id = node.key.dynamic_id
    if len(dynamic_id) > ID_CHARS:
        dynamic_id = dynamic_id[: ID_CHARS - 1] + "…"
    tag = (
        f' <tspan fill="#5b6475" font-size="10">{escape(dynamic_id)}</tspan>' if dynamic_id else ""
    )
    plays = " + ".join(node.key.plays)
    second = plays if len(plays) <= LABEL_CHARS else plays[: LABEL_CHARS - 1] + "…"
    loop = ""
    if loops:
        count = len(loops)
        loop_colour = RED if any(edge.errors for edge in loops) else GREY
        loop = (
            f'<text x="{placed.x + BOX_W - 6:.0f}" y="{placed.y + 12:.0f}" text-anchor="end" '
            f'font-size="10" fill="{loop_colour}">↺{count}</text>'
        )
    title = escape(
        f"{node.id}: {node.key.key}\nreached by: "
        + (" → ".join(m.label for m in node.path) or "the call's start")
    )
    if loops:
        title += escape("\nstays here on: " + ", ".join(edge.move for edge in loops))
    if mark:
        title += escape("\n" + mark.rstrip("\n"))
    return (
        f'<g class="state" id="{node.id}"><title>{title}</title>'
        f'<rect x="{placed.x:.0f}" y="{placed.y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="{radius}" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{2 if node.problem or mark is not None else 1.2}"/>'
        f'<text x="{placed.x + 6:.0f}" y="{placed.y + 18:.0f}" font-size="12">'
        f'<tspan fill="#5b6475" font-size="10">{node.id} </tspan>'
        f'<tspan font-weight="600">{escape(first)}</tspan>{tag}</text>{loop}'
        f'<text x="{placed.x + 6:.0f}" y="{placed.y + 36:.0f}" font-size="12">{escape(second)}</text></g>'
    )


def _arrow(source: Placed, target: Placed, edges: list[Edge]) -> str:
    """Down the page: a labelled curve. Back up or sideways: a faint dashed curve by the sides,
    its moves in the tooltip only (they would cross the boxes' labels)."""
    error = any(edge.errors for edge in edges)
    colour = RED if error else GREY
    forward = target.y > source.y
    if forward:
        x1, y1 = source.x + BOX_W / 2, source.y + BOX_H
        x2, y2 = target.x + BOX_W / 2, target.y
        bend = (y2 - y1) / 2
        path = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 + bend:.0f} {x2:.0f},{y2 - bend:.0f} {x2:.0f},{y2:.0f}"
    else:
        left = target.x < source.x
        x1, y1 = source.x + (0 if left else BOX_W), source.y + BOX_H * 0.7
        x2, y2 = target.x + (BOX_W if left else 0), target.y + BOX_H * 0.3
        swing = -40 if left else 40
        path = f"M{x1:.0f},{y1:.0f} C{x1 + swing:.0f},{y1 + 30:.0f} {x2 - swing:.0f},{y2 - 30:.0f} {x2:.0f},{y2:.0f}"
    count = sum(edge.count for edge in edges)
    moves = ", ".join(f"{edge.move} (×{edge.count})" for edge in edges)
    title = escape(f"{source.node.id} → {target.node.id}: {moves}")
    marker = "arrow-red" if error else "arrow"
    style = "" if forward or error else ' stroke-dasharray="4 3" opacity="0.45"'
    parts = [
        f'<g class="move"><title>{title}</title>'
        f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{1.6 if error else 1}" '
        f'marker-end="url(#{marker})"{style}/>'
    ]
    if forward or error:
        label = edges[0].move + (f" +{len(edges) - 1}" if len(edges) > 1 else "")
        lx, ly = x1 + (x2 - x1) * 0.8, y1 + (y2 - y1) * 0.8
        parts.append(
            f'<text x="{lx:.0f}" y="{ly:.0f}" font-size="10" text-anchor="middle" fill="{colour}" '
            f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(label)} ×{count}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
