"""A small reference IVR endpoint: living documentation of a correct SmartCall callback endpoint.

It plays a courier company's customer-service line. Run it with
``uvicorn vcall.simulator.example_bot:app``, or point vcall at ``vcall.simulator.example_bot:app``
(the shipped fixtures in ``vcall.fixtures`` all pass against it).

* :mod:`~vcall.simulator.example_bot.dialogue`: what to answer to each callback, and why that
  answer is correct per the spec (a routing table and small functions);
* :mod:`~vcall.simulator.example_bot.asgi`: reading the request and writing the response.
"""

from __future__ import annotations

from vcall.simulator.asgi import App
from vcall.simulator.example_bot.asgi import create_app, respond
from vcall.simulator.example_bot.dialogue import AGENT_NUMBER, answer_callback

__all__ = ["AGENT_NUMBER", "App", "answer_callback", "app", "create_app", "respond"]

app = create_app()
"""The bot, ready to serve: ``vcall.simulator.example_bot:app``."""
