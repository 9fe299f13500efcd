"""The console renderer of ``vcall explore``: what was crawled, then each problem with the
caller moves that reproduce it, then the warnings (once each, with the states they showed at)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vcall.cli.render.output import print_table
from vcall.cli.render.properties import properties_table, violated_count
from vcall.simulator.explore.problems import MAX_ALSO_LISTED, Caution
from vcall.simulator.explore.run import ExploreResult


def print_explore(console: Console, result: ExploreResult, strict: bool = False) -> None:
    crawl = result.crawl
    finals = sum(1 for node in crawl.map.nodes.values() if node.final)
    console.print(
        f"Explored {escape(result.target)}: {len(crawl.map.nodes)} states ({finals} ending the "
        f"call), {len(crawl.map.edges)} moves tried, {crawl.calls} calls, depth {crawl.depth_reached}, "
        f"{result.wall_s:.1f} s"
    )
    if result.wrong_path is not None:
        console.print(f"[bold red]{escape(result.wrong_path.line)}[/]")
        return
    if crawl.interrupted:
        saved = "saved as found" if result.saved else "not saved"
        console.print(f"[yellow]interrupted[/]: the map so far, problems unshrunk and {saved}")
    elif crawl.stopped:
        console.print(f"[yellow]stopped early by {escape(crawl.stopped)}[/]: the map is partial")
    if result.problems:
        print_table(console, problems_table(result))
    if result.warnings:
        print_table(console, warnings_table(result.warnings))
    if result.properties:
        print_table(console, properties_table(result.properties))
    for path in result.saved:
        console.print(f"saved {escape(str(path))}")
    if result.saved_paths:
        console.print(f"saved {len(result.saved_paths)} path fixture(s)")
    console.print(verdict(result, strict))


def verdict(result: ExploreResult, strict: bool = False) -> str:
    """The last line: problems (red), else warnings (yellow; red with ``--strict``), else green."""
    so_far = " so far" if result.crawl.interrupted else ""
    warned = len(result.warnings)
    warnings = f"{warned} warning{'s' if warned != 1 else ''}"
    violated = violated_count(result.properties)
    broken = f", {violated} property(ies) violated" if violated else ""
    if result.problems:
        also = f", {warnings}" if warned else ""
        return f"[bold red]{len(result.problems)} problem(s) found{so_far}{also}{broken}[/]"
    if violated:
        also = f", {warnings}" if warned else ""
        return f"[bold red]{violated} property(ies) violated{so_far}{also}[/]"
    if warned:
        colour = "bold red" if strict else "yellow"
        failing = " (--strict: they fail)" if strict else ""
        return f"[{colour}]no problem found{so_far}, {warnings}{failing}[/]"
    return f"[bold green]no problem found{so_far}[/]"


def problems_table(result: ExploreResult) -> Table:
    table = Table(title="Problems", title_justify="left", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("kind")
    table.add_column("state")
    table.add_column("what", overflow="fold")
    table.add_column("shortest caller moves", overflow="fold")
    for index, problem in enumerate(result.problems, start=1):
        moves = " → ".join(move.label for move in problem.path) or "(the call's start)"
        table.add_row(
            str(index),
            problem.kind.value,
            problem.state,
            escape(problem.summary),
            escape(moves),
        )
    return table


def warnings_table(warnings: list[Caution]) -> Table:
    table = Table(title="Warnings", title_justify="left", show_lines=False)
    table.add_column("rule")
    table.add_column("what", overflow="fold")
    table.add_column("states", overflow="fold")
    for caution in warnings:
        states = ", ".join(caution.states[:MAX_ALSO_LISTED])
        more = len(caution.states) - MAX_ALSO_LISTED
        if more > 0:
            states += f" and {more} more"
        table.add_row(caution.rule, escape(caution.finding.message), states)
    return table
