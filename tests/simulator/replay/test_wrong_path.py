"""A wrong URL path: every callback answered 404/405 is one line, anything else is not."""

from __future__ import annotations

from typing import Any

from vcall.simulator.replay.wrong_path import every_answer_status, find_wrong_path
from vcall.simulator.transport.sender import Exchange


def exchange(
    status: int | None, url: str = "http://127.0.0.1:8080/hook?k=secret", **fields: Any
) -> Exchange:
    return Exchange("POST", url, {"call_id": "c"}, "form", status=status, **fields)


def test_every_404_is_a_wrong_path_with_the_method_and_path_sent() -> None:
    found = find_wrong_path([exchange(404), exchange(404), exchange(404)])
    assert found is not None
    assert (found.status, found.statuses, found.count) == (404, (404,), 3)
    assert found.line == "every callback got HTTP 404: is the path right? (vcall sent POST /hook)"
    assert "secret" not in found.line
    assert every_answer_status([exchange(405)]) == 405


def test_a_mix_of_404_and_405_names_both_and_the_most_frequent() -> None:
    found = find_wrong_path([exchange(405), exchange(404), exchange(405)])
    assert found is not None
    assert (found.status, found.statuses) == (405, (404, 405))
    assert "HTTP 404 or 405:" in found.line


def test_any_other_answer_or_none_at_all_is_not_a_wrong_path() -> None:
    assert every_answer_status([]) is None
    assert every_answer_status([exchange(404), exchange(200)]) is None
    assert every_answer_status([exchange(404), exchange(500)]) is None
    assert every_answer_status([exchange(404), exchange(None, error="timeout")]) is None


def test_the_root_path_is_shown_as_a_slash() -> None:
    found = find_wrong_path([exchange(404, url="http://127.0.0.1:8080")])
    assert found is not None and found.path == "/"
