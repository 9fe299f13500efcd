"""Rules on ``data``: the call id, the action, and what each action needs.

They run on a ``result: success`` answer only; a ``result: fail`` answer carries no action and
gets the one rule ``fail-data-ignored`` (the follow-up page's 调用失败 example has ``data: {}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from vcall.simulator.findings import Finding, Severity
from vcall.simulator.spec import (
    ACTION_FIELDS,
    ACTIONS,
    NOTHING_TO_BRIDGE,
    PLAUSIBLE_NUMBER_PATTERN,
    SEED_CALLIN,
    SEED_FOLLOWUP,
    SPEC_NOTES,
    STAGE_ACTIONS,
    TRANSFER_FAIL,
    VENDOR_OUTBOUND_CALLBACK,
    ActionSpec,
    Stage,
    TransferPhase,
)
from vcall.simulator.validation.context import (
    DATA_RULES,
    FAIL_DATA_RULES,
    UNKNOWN_ACTION,
    ResponseContext,
    action_facts,
    blank_fact,
)
from vcall.simulator.validation.registry import RuleInfo
from vcall.simulator.validation.values import is_blank, safe_text, shown, suggestion

_PLAYBACK_ACTIONS = frozenset({"break", "continue"})


def _action_spec(context: ResponseContext) -> ActionSpec | None:
    """The spec of the answer's action, when it is a known one."""
    action = context.action
    return None if action is None else ACTIONS.get(action)


def _stage_actions(stage: Stage) -> str:
    return ", ".join(sorted(STAGE_ACTIONS[stage]))


@DATA_RULES.new(
    "data-call-id-missing",
    Severity.ERROR,
    "data.call_id is missing or empty",
    SEED_FOLLOWUP,
    fields={blank_fact("call_id")},
    quote="call_id String 必须 B 这通呼叫的唯一ID",
)
def data_call_id_missing(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    assert context.data is not None
    if not is_blank(context.data.get("call_id")):
        return ()
    return (rule.at("data.call_id", "data.call_id is missing: echo the request's call_id"),)


@DATA_RULES.new(
    "data-call-id-mismatch",
    Severity.ERROR,
    "data.call_id differs from the request's call_id",
    SEED_FOLLOWUP,
    fields={"call_id"},
    quote="这通呼叫的唯一ID",
)
def data_call_id_mismatch(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    given = context.text("call_id")
    if context.call_id is None or is_blank(given) or given == context.call_id:
        return ()
    return (
        rule.at(
            "data.call_id",
            f"data.call_id {shown(given)} is not the request's call_id {shown(context.call_id)}",
            expected=safe_text(context.call_id),
            actual=safe_text(given or ""),
        ),
    )


@DATA_RULES.new(
    "action-missing",
    Severity.ERROR,
    "data.action is missing or empty",
    SEED_FOLLOWUP,
    fields={blank_fact("action")},
    quote="action String 必须 play 下一步的动作",
)
def action_missing(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    assert context.data is not None
    if not is_blank(context.data.get("action")):
        return ()
    return (
        rule.at(
            "data.action",
            f"data.action is missing: one of {_stage_actions(context.stage)} at {context.stage}",
            expected=_stage_actions(context.stage),
        ),
    )


@DATA_RULES.new(
    "action-unknown",
    Severity.ERROR,
    "data.action is not an action",
    SEED_FOLLOWUP,
    fields={UNKNOWN_ACTION},
    quote="下一步的动作: • play:播放下一段语音",
)
def action_unknown(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    action = context.action
    if action is None or is_blank(action) or action in ACTIONS:
        return
    yield rule.at(
        "data.action",
        f"unknown action {shown(action)}{suggestion(action, ACTIONS)}",
        expected=_stage_actions(context.stage),
        actual=safe_text(action),
    )


STAGE_PAGES: dict[Stage, tuple[str, str]] = {
    Stage.CALLIN: (SEED_CALLIN, "**answer**：开场白应答 - **hangup**：挂机"),
    Stage.FOLLOWUP: (SEED_FOLLOWUP, "play:播放下一段语音"),
}
"""The page that lists the actions of each stage, and its words: what a finding about an action
at that stage cites (the callin page for callin, the follow-up page after it)."""


@DATA_RULES.new(
    "action-not-allowed-at-stage",
    Severity.ERROR,
    "the action is not allowed at this stage (answer only at callin, play only after it); cites "
    "the page that lists the stage's actions",
    SEED_CALLIN,
    fields={"action"},
    quote=STAGE_PAGES[Stage.CALLIN][1],
)
def action_not_allowed_at_stage(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    action = context.action
    if action is None or action not in ACTIONS or action in STAGE_ACTIONS[context.stage]:
        return ()
    hint = {"answer": ": use play", "play": ": use answer"}.get(action, "")
    return (
        rule.at(
            "data.action",
            f"action {action} is not allowed at {context.stage}{hint}",
            expected=_stage_actions(context.stage),
            actual=action,
            seed=STAGE_PAGES[context.stage][0],
        ),
    )


@DATA_RULES.new(
    "action-code-missing",
    Severity.ERROR,
    "play without an action_code: nothing to play (the follow-up table marks it 必须)",
    SEED_FOLLOWUP,
    fields={blank_fact("action_code")},
    quote="action_code String 必须 abc.wav,def.wav,$name$",
)
def action_code_missing(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    assert context.data is not None
    spec = _action_spec(context)
    if not (spec and "action_code" in spec.requires and is_blank(context.data.get("action_code"))):
        return ()
    message = f"action {spec.name} needs an action_code: files or $name$ to play"
    return (rule.at("data.action_code", message),)


@DATA_RULES.new(
    "answer-plays-nothing",
    Severity.WARNING,
    "answer at callin without an action_code (optional there): nothing plays until the caller "
    "speaks",
    SEED_CALLIN,
    fields=action_facts(lambda spec: spec.name == "answer"),
    quote="|action\\_code|String|可选|xxx.wav|放音文件|",
)
def answer_plays_nothing(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    assert context.data is not None
    if context.action != "answer" or context.stage is not Stage.CALLIN:
        return
    if is_blank(context.data.get("action_code")):
        yield rule.at(
            "data.action_code",
            "answer without an action_code: the call is answered but nothing is played until "
            "the caller speaks",
        )


@DATA_RULES.new(
    "action-code-absent",
    Severity.WARNING,
    "no action_code key: the follow-up table marks it required, though this action needs no value",
    SEED_FOLLOWUP,
    fields=action_facts(lambda spec: "action_code" not in spec.requires and spec.name != "answer"),
    quote="action_code String 必须",
)
def action_code_absent(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    assert context.data is not None
    spec = _action_spec(context)
    if spec is None or spec.name == "answer" or context.stage is Stage.CALLIN:
        return  # the callin table marks action_code optional (可选)
    if "action_code" not in spec.requires and "action_code" not in context.data:
        yield rule.at(
            "data.action_code",
            f'no action_code key with action {spec.name}: send "action_code": "" to be safe',
        )


@DATA_RULES.new(
    "transfer-number-missing",
    Severity.ERROR,
    "transfer without a number to transfer to",
    SEED_FOLLOWUP,
    fields={blank_fact("number")},
    quote="转接手机号码,action设为transfer时有效",
)
def transfer_number_missing(context: ResponseContext, rule: RuleInfo) -> Iterable[Finding]:
    assert context.data is not None
    spec = _action_spec(context)
    if spec and "number" in spec.requires and is_blank(context.data.get("number")):
        return (rule.at("data.number", f"action {spec.name} needs a number to transfer to"),)
    return ()  # runs on every answer (no number is a blank number): no generator


@DATA_RULES.new(
    "action-field-recommended",
    Severity.WARNING,
    "dtmf with neither dtmf_max_numbers nor an end character: keys are collected until the "
    "no-input timeout (either one alone makes it complete; every dtmf_* field is optional)",
    SPEC_NOTES,
    fields=action_facts(lambda spec: bool(spec.recommends)),
    quote="keys are collected until `dtmf_max_numbers` digits, the end character, or "
    "`dtmf_nonin_overtime` seconds without a key",
)
def action_field_recommended(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    assert context.data is not None
    spec = _action_spec(context)
    if spec is None or not spec.recommends:
        return
    if any(not is_blank(context.data.get(name)) for name in spec.recommends):
        return  # one is enough: an end character alone ends the collection
    names = " nor ".join(spec.recommends)
    yield rule.at(
        f"data.{spec.recommends[0]}",
        f"action {spec.name} sets neither {names}: collection ends only at the no-input timeout",
    )


@DATA_RULES.new(
    "field-ignored-for-action",
    Severity.WARNING,
    "a field that only takes effect with other actions (number, dtmf_*, parallel transfer fields)",
    SEED_FOLLOWUP,
    fields=ACTION_FIELDS,
    quote="dtmf命令时的特有字段",
)
def field_ignored_for_action(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    action = context.action
    if action not in ACTIONS:
        return
    for name, actions in ACTION_FIELDS.items():
        if name in context.typed and action not in actions:
            wanted = " / ".join(sorted(actions))
            yield rule.at(
                f"data.{name}", f"{name} only takes effect with {wanted}: ignored with {action}"
            )


@DATA_RULES.new(
    "transfer-number-unusual",
    Severity.WARNING,
    "a transfer number is not plain digits with an optional leading + (0571-26880000, "
    "138 0013 8000): the follow-up page gives only an example (13711111111), so vcall doubts it without "
    "calling it an error",
    SPEC_NOTES,
    fields={"number"},
    quote="transfer target; required for `transfer`",
)
def transfer_number_unusual(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    number = context.text("number")
    if context.action not in ACTION_FIELDS["number"] or is_blank(number) or number is None:
        return
    if not PLAUSIBLE_NUMBER_PATTERN.fullmatch(number):
        yield rule.at(
            "data.number",
            f"number {shown(number)} is not plain digits (an optional leading +): the platform "
            "may not dial it",
            expected="digits, optional leading +",
            actual=safe_text(number),
        )


@DATA_RULES.new(
    "parallel-bridge-monitor",
    Severity.WARNING,
    "parallel_bridge while is_monitor is true (in the parallel_transfer callback or the answer): "
    "the vendor page says not to use parallel_bridge then",
    VENDOR_OUTBOUND_CALLBACK,
    fields=action_facts(lambda spec: spec.name == "parallel_bridge"),
    quote="当请求参数is_monitor为true时，请勿使用parallel_bridge命令",
)
def parallel_bridge_monitor(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.action != "parallel_bridge":
        return
    requested = str(context.request_content.get("is_monitor", "")).lower() == "true"
    if requested or context.flag("is_monitor") is True:
        where = "the request's" if requested else "data.is_monitor:"
        yield rule.at(
            "data.action",
            f"parallel_bridge with {where} is_monitor true: the vendor's outbound callback page "
            "(doc 112703) says 当请求参数is_monitor为true时，请勿使用parallel_bridge命令",
        )


@DATA_RULES.new(
    "nothing-playing",
    Severity.WARNING,
    "break / continue while the request says nothing is playing (is_playing false)",
    SPEC_NOTES,
    fields=action_facts(lambda spec: spec.name in _PLAYBACK_ACTIONS),
    quote="`break` stops the current playback; `continue` keeps it",
)
def nothing_playing(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.action not in _PLAYBACK_ACTIONS:
        return
    playing = context.request_content.get("is_playing")
    if playing is False or (isinstance(playing, str) and playing.lower() == "false"):
        yield rule.at(
            "data.action",
            f"action {context.action} acts on the current playback, but the request says "
            "nothing is playing (is_playing false)",
        )


_BRIDGE_FACTS = action_facts(lambda spec: spec.name == "parallel_bridge")


@DATA_RULES.new(
    "parallel-bridge-nothing",
    Severity.ERROR,
    "parallel_bridge with nothing to bridge: no parallel transfer in the call, or its "
    "parallel_transfer callback said transfer_status fail (the model then does nothing)",
    SEED_FOLLOWUP,
    fields=_BRIDGE_FACTS,
    quote="parallel_bridge :并行桥接命令",
)
def parallel_bridge_nothing(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    if context.action != "parallel_bridge":
        return
    phase = context.transfer_phase
    if context.request_content.get("transfer_status") == TRANSFER_FAIL:
        phase = TransferPhase.FAIL  # the request itself says so, whatever else is known
    if phase not in NOTHING_TO_BRIDGE:
        return
    why = (
        "no parallel transfer was asked in this call"
        if phase is TransferPhase.NONE
        else "the parallel transfer failed (transfer_status fail)"
    )
    yield rule.at(
        "data.action",
        f"parallel_bridge, but {why}: there is no agent to bridge the caller to (the follow-up page: "
        "并行桥接命令 bridges the agent a parallel transfer reached); vcall's model does nothing "
        "and the call goes on",
        expected="parallel_transfer first, and its callback's transfer_status success",
        actual=str(phase),
    )


@FAIL_DATA_RULES.new(
    "fail-data-ignored",
    Severity.WARNING,
    "a result: fail answer with fields in data besides call_id: the platform takes no action "
    "from it, so they are ignored (one rule for every field, never an error)",
    SEED_FOLLOWUP,
    quote="调用失败: {“result”:”fail”,”msg”:”fail reason”, “data”:{}}",
)
def fail_data_ignored(context: ResponseContext, rule: RuleInfo) -> Iterator[Finding]:
    assert context.data is not None
    leftover = [safe_text(key, 40) for key in context.data if key != "call_id"]
    if not leftover:
        return
    listed = ", ".join(leftover[:10]) + (
        f" and {len(leftover) - 10} more" if len(leftover) > 10 else ""
    )
    yield rule.at(
        "data",
        f'result is "fail": the platform takes no action from it, so data\'s {listed} '
        f"{'is' if len(leftover) == 1 else 'are'} ignored (the follow-up page's 调用失败 example sends "
        "data: {})",
        expected="data: {} (or only call_id)",
        actual=listed,
    )
