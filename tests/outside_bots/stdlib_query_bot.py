"""A satisfaction-survey bot on the standard library's http.server, reading the query string only.

Written from the vendor pages alone (seeds 000, 001, 004: every request example there is a URL
with the four parameters in its query string), not from vcall's example bot. It ignores any
body, answers with ``text/plain`` (a Java-style default the seeds do not forbid), asks two
survey questions whose position travels in ``dynamic_id``, speaks the caller's score back
through a TTS variable, and serves outbound survey calls too: early-media sentences
(``current_media_code`` ``early_media``) are ignored with ``donothing``.

Run it: ``python stdlib_query_bot.py 8090`` serves ``http://127.0.0.1:8090/`` (any path).
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SCORES = {"非常满意": "5", "满意": "4", "一般": "3", "不满意": "2"}


def answer(call_id: str, action: str, **fields: Any) -> dict[str, Any]:
    return {
        "result": "success",
        "msg": "",
        "data": {"call_id": call_id, "action": action, **fields},
    }


def score_of(words: str) -> str | None:
    for phrase, score in SCORES.items():
        if phrase in words:
            return score
    return None


def survey(call_id: str, content_type: str, content: dict[str, Any]) -> dict[str, Any]:
    step = str(content.get("dynamic_id") or "q1")
    if content_type == "callin":
        return answer(call_id, "answer", action_code="survey_q1.wav", dynamic_id="q1")
    if content_type == "mute":
        return answer(call_id, "hangup", action_code="survey_thanks.wav")
    if content_type != "normal":
        return answer(call_id, "donothing")
    if content.get("current_media_code") == "early_media":
        return answer(call_id, "donothing")
    score = score_of(str(content.get("words", "")))
    if score is None:
        prompt = "survey_q1.wav" if step == "q1" else "survey_q2.wav"
        return answer(call_id, "play", action_code=f"survey_pardon.wav,{prompt}", dynamic_id=step)
    if step == "q1":
        return answer(
            call_id,
            "play",
            action_code="survey_got.wav,$score$,survey_q2.wav",
            action_code_param=json.dumps({"score": f"{score}分"}, ensure_ascii=False),
            dynamic_id="q2",
        )
    return answer(call_id, "hangup", action_code="survey_thanks.wav")


class SurveyHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)  # the body is not read for parameters
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        try:
            content = json.loads(query.get("content", "{}"))
        except ValueError:
            content = {}
        if not query.get("call_id"):
            result: dict[str, Any] = {"result": "fail", "msg": "call_id is required", "data": {}}
        else:
            result = survey(query["call_id"], query.get("content_type", ""), content)
        body = json.dumps(result, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(port: int) -> ThreadingHTTPServer:
    return ThreadingHTTPServer(("127.0.0.1", port), SurveyHandler)


if __name__ == "__main__":
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else 8090).serve_forever()
