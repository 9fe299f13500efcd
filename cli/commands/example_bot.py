"""``vcall example-bot``: serve the reference callback endpoint over HTTP with uvicorn."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.markup import escape

from vcall.cli.errors import handled_errors
from vcall.cli.render.output import output_console
from vcall.simulator.emulator import base_url, bind_socket, serve_app
from vcall.simulator.example_bot import app as example_bot_app
from vcall.simulator.server_bounds import said_by

DEFAULT_PORT = 8080
CALLBACK_PATH = "/callback"

EPILOG = """\
[bold]Examples[/]

  vcall example-bot
  vcall example-bot --port 0          [dim](a free port, printed)[/]

Then, in another terminal:

  vcall simulate http://127.0.0.1:8080/callback -f builtin: --spec-only
  vcall emulator --callback-url http://127.0.0.1:8080/callback
"""


def example_bot_command(
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="TCP port; 0 picks a free one.")
    ] = DEFAULT_PORT,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback unless you say so).")
    ] = "127.0.0.1",
) -> None:
    """Serve the built-in example bot (a courier company's IVR) as a callback endpoint."""
    console = output_console()
    with handled_errors():
        sock = bind_socket(host, port)
        url = base_url(sock) + CALLBACK_PATH
        console.print(f"example bot listening · callback URL: [bold]{escape(url)}[/]")
        console.print("[dim]any path answers; Ctrl-C stops it[/]")
        asyncio.run(serve_app(example_bot_app, sock, bounds=said_by(console.out)))


def register(app: typer.Typer) -> None:
    app.command("example-bot", epilog=EPILOG)(example_bot_command)
