"""The console renderer of ``vcall explore``: what was crawled, then each problem with the
caller moves that reproduce it."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vcall.simulator.explore.run import ExploreResult


def print_explore(console: Console, result: ExploreResult) -> None:
    crawl = result.crawl
    finals = sum(1 for node in crawl.map.nodes.values() if node.final)
    console.print(
        f"Explored {escape(result.target)}: {len(crawl.map.nodes)} states ({finals} ending the "
        f"call), {len(crawl.map.edges)} transitions, {crawl.calls} calls, depth {crawl.depth_reached}, "
        f"{result.wall_s:.1f} s"
    )
    if crawl.interrupted:
        saved = "saved as found" if result.saved else "not saved"
        console.print(f"[yellow]interrupted[/]: the map so far, problems unshrunk and {saved}")
    elif crawl.stopped:
        console.print(f"[yellow]stopped early by {escape(crawl.stopped)}[/]: the map is partial")
    if result.problems:
        console.print(problems_table(result))
    for path in result.saved:
        console.print(f"saved {escape(str(path))}")
    if result.saved_paths:
        console.print(f"saved {len(result.saved_paths)} path fixture(s)")
    so_far = " so far" if crawl.interrupted else ""
    if result.problems:
        console.print(f"[bold red]{len(result.problems)} problem(s) found{so_far}[/]")
    else:
        console.print(f"[bold green]no problem found{so_far}[/]")


def problems_table(result: ExploreResult) -> Table:
    table = Table(title="Problems", title_justify="left", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("kind")
    table.add_column("what", overflow="fold")
    table.add_column("shortest caller moves", overflow="fold")
    for index, problem in enumerate(result.problems, start=1):
        moves = " → ".join(move.label for move in problem.path) or "(the call's start)"
        title = problem.title
        if problem.elsewhere:
            title += f" (also at {problem.elsewhere} more state(s))"
        table.add_row(str(index), problem.kind.value, escape(title), escape(moves))
    return table
