"""Scaffold the seed's example (and variants) into copies of the fixtures; the diffs are golden snapshots,
and every result must type-check with the real compiler, pass socketlens's own rules and index as asked.

Regenerate the snapshots with SOCKETLENS_UPDATE_GOLDEN=1 after an intended change, and read the diff.
"""

from __future__ import annotations

import os

import pytest

from socketlens.analysis.scaffold import Status, unified_diff
from socketlens.model import Scope, Side
from socketlens.scaffold_apply import apply_plan

from scaffold_support import GOLDEN, SEED, context, copy_fixture, diagnostics, plan, snapshot
from tsc_env.harness import ensure_installed, link_node_modules, npm_missing_reason, run_tsc, tsc_errors

SCENARIOS = {
    # The seed itself, into a monorepo with no socket infrastructure: everything is created.
    "bare-lead-new": ("bare-monorepo", SEED, Scope.ORG),
    # The fixture monorepo already has lead:new; new events on other routes, in the existing style.
    "monorepo-lead-scored": (
        "monorepo",
        dict(
            name="lead:scored",
            payload="leadId: string, score: number",
            scope="org",
            trigger="PATCH /api/leads/:id",
            consumer="apps/web/src/components/LeadList.tsx",
        ),
        Scope.ORG,
    ),
    "monorepo-deal-room": (
        "monorepo",
        dict(
            name="deal:stage-updated",
            payload="dealId: string, stage: DealStage",
            scope="room",
            room_template="deal:{dealId}",
            trigger="PUT /api/deals/:id/stage",
            consumer="apps/web/src/components/DealBoard.tsx",
        ),
        Scope.ROOM,
    ),
    "monorepo-user-no-consumer": (
        "monorepo",
        dict(name="lead:assigned", payload="leadId: string, name: string", scope="user", trigger="POST /api/leads"),
        Scope.USER,
    ),
}


def _golden_text(plan_, read) -> str:
    notes = "".join(f"# note: {note}\n" for note in plan_.notes)
    return notes + unified_diff(plan_, read)


@pytest.fixture(scope="session")
def node_modules():
    reason = npm_missing_reason()
    if reason:
        pytest.skip(reason)
    return ensure_installed()


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_scaffold_matches_golden_and_type_checks(scenario, tmp_path, node_modules):
    fixture, inputs, scope = SCENARIOS[scenario]
    root = copy_fixture(fixture, tmp_path)
    before_diagnostics = diagnostics(root)
    # The fixture monorepo carries deliberate mistakes (an undeclared event, an uninstalled jQuery):
    # the compiler's verdict after scaffolding must be exactly the one before, and clean for bare-monorepo.
    baseline = tmp_path / "baseline"
    copy_fixture(fixture, baseline)
    link_node_modules(baseline / fixture, node_modules)
    before_errors = {p: tsc_errors(baseline / fixture, p, node_modules) for p in ("apps/api", "apps/web")}
    if fixture == "bare-monorepo":
        assert before_errors == {"apps/api": set(), "apps/web": set()}
    ctx, result = plan(root, **inputs)
    assert result.status == Status.READY, result.message

    text = _golden_text(result, ctx.read)
    golden = GOLDEN / f"{scenario}.diff"
    if os.environ.get("SOCKETLENS_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert golden.is_file(), f"no snapshot {golden.name}: run with SOCKETLENS_UPDATE_GOLDEN=1"
    assert text == golden.read_text()

    apply_plan(root, result)

    # The index sees the event declared, emitted from the trigger with the requested scope, and heard.
    after = context(root)
    entry = after.index.events[inputs["name"]]
    assert entry.declarations
    trigger_route = next(
        r for r in after.index.facts_of(result.emit_location.path).routes
        if f"{r.method} {r.path}" == inputs["trigger"]
    )
    emits = [e for e in entry.emits if e.file == result.emit_location.path]
    assert [e.scope for e in emits] == [scope]
    assert emits[0].side == Side.SERVER
    assert emits[0].span.start_line == result.emit_location.line
    assert trigger_route.handler_span.start_byte <= emits[0].span.start_byte <= trigger_route.handler_span.end_byte
    if inputs.get("consumer"):
        assert [l.file for l in entry.listeners] == [inputs["consumer"]]

    # socketlens's own rules report nothing new on the written code.
    new = diagnostics(root) - before_diagnostics
    if not inputs.get("consumer"):  # asked for no listener: that, and only that, is reported
        new = {d for d in new if d[0] != "no-listener" or inputs["name"] not in d[2]}
    assert not new, new

    # The real compiler accepts both apps: no error beyond the fixture's own.
    link_node_modules(root, node_modules)
    for project in ("apps/api", "apps/web"):
        assert tsc_errors(root, project, node_modules) == before_errors[project], project

    # Idempotent: the same inputs again change nothing and say so.
    files = snapshot(root)
    _, again = plan(root, **inputs)
    assert again.status == Status.UNCHANGED, again.message
    assert "nothing to do" in again.message
    assert not again.edits
    assert snapshot(root) == files


def test_tsc_catches_a_broken_scaffold(tmp_path, node_modules):
    """The harness itself must be able to fail: a wrong payload field in an emit is a compile error."""
    root = copy_fixture("monorepo", tmp_path)
    leads = root / "apps/api/src/routes/leads.ts"
    leads.write_text(leads.read_text().replace("score: lead.score }", "score: lead.name }"))
    link_node_modules(root, node_modules)
    code, output = run_tsc(root, "apps/api", node_modules)
    assert code != 0
    assert "leads.ts" in output
