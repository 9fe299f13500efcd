"""``SmartCallUser``: a Locust user whose every task is one complete, validated vcall call."""

from __future__ import annotations

from typing import ClassVar

from locust import User, constant, task

from vcall.simulator.locust.calls import process_calls


class SmartCallUser(User):
    """Subclass it with ``fixtures = [...]`` and ``host = "http://.../callback"``.

    Each task plays one call of the fixtures (in weighted round robin) on vcall's platform model,
    sending every callback to ``host`` and checking every answer, exactly as ``vcall load`` does.
    Optional settings: ``weights`` ({fixture stem: weight}), ``realtime`` (pace each call on the
    wall clock, default True; False sends its callbacks back to back), ``timeout`` (per callback,
    default ``"10s"``), ``params`` (``"form"`` or ``"query"``), ``spec_only`` (check the answers
    against the spec only, not the fixtures' expectations: for the shipped fixtures against your
    own bot; default False), and Locust's own ``wait_time``.
    """

    abstract = True
    fixtures: ClassVar[list[str]] = []
    weights: ClassVar[dict[str, int]] = {}
    realtime: ClassVar[bool] = True
    timeout: ClassVar[str] = "10s"
    params: ClassVar[str] = "form"
    spec_only: ClassVar[bool] = False
    wait_time = constant(0)

    @task
    def call(self) -> None:
        process_calls(self.environment).play(type(self))
