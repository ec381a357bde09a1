"""Planning "Add WebSocket event": input validation, refusals, safety checks, style, and the CLI."""

from __future__ import annotations

import os

import pytest

from socketlens.analysis.scaffold import (
    Create,
    PayloadError,
    Status,
    learn_naming,
    naming_problem,
    parse_payload,
)
from socketlens.analysis.scaffold.source import SourceFile
from socketlens.analysis.scaffold.wiring import wire_socket
from socketlens.analysis.scaffold.plan import apply_inserts
from socketlens.cli import main
from socketlens.scaffold_apply import ApplyError, apply_plan

from scaffold_support import SEED, copy_fixture, plan, snapshot

# -- inputs -------------------------------------------------------------------------------------------------


def test_payload_parses_optional_fields_arrays_and_named_types():
    payload = parse_payload("leadId: string, name: string, score?: number, tags: string[], owner: UserRef")
    assert [(f.name, f.type, f.optional) for f in payload.fields] == [
        ("leadId", "string", False),
        ("name", "string", False),
        ("score", "number", True),
        ("tags", "string[]", False),
        ("owner", "UserRef", False),
    ]
    assert payload.type_text() == "{ leadId: string; name: string; score?: number; tags: string[]; owner: UserRef }"
    assert payload.fields[4].named_types == ["UserRef"]
    generic = parse_payload("{ counts: Record<string, number>; ids: Array<string> }")
    assert [f.type for f in generic.fields] == ["Record<string, number>", "Array<string>"]


@pytest.mark.parametrize(
    "text, message",
    [("leadId string", "has no type"), ("1x: string", "not a valid field name"), ("a: string, a: number", "twice"),
     ("a: Array<string", "unbalanced")],
)
def test_payload_errors_say_what_is_wrong(text, message):
    with pytest.raises(PayloadError, match=message):
        parse_payload(text)


def test_naming_style_is_learned_and_enforced():
    style = learn_naming(["lead:new", "deal:stage-changed", "notification"])
    assert (style.separator, style.case) == (":", "kebab")
    assert naming_problem("deal:created", style) is None
    assert "naming style" in naming_problem("dealCreated", style)
    assert "naming style" in naming_problem("deal:StageChanged", style)
    assert "reserved" in naming_problem("disconnect", style)
    camel = learn_naming(["lead:stageChanged", "deal:wonBig"])
    assert camel.case == "camel" and naming_problem("deal:lostBig", camel) is None


# -- refusals -----------------------------------------------------------------------------------------------


def test_existing_event_is_refused_with_its_location(tmp_path):
    root = copy_fixture("monorepo", tmp_path)
    _, result = plan(root, name="lead:new", payload="leadId: string", scope="user", trigger="PATCH /api/leads/:id")
    assert result.status == Status.REFUSED
    assert "lead:new already exists" in result.message
    assert (result.existing.path, result.existing.line) == ("packages/shared/src/socket-events.ts", 19)
    assert not result.edits


def test_the_seed_on_the_monorepo_is_already_there(tmp_path):
    """The fixture monorepo already carries the seed's lead:new exactly as asked: nothing to do."""
    root = copy_fixture("monorepo", tmp_path)
    _, result = plan(root, **SEED)
    assert result.status == Status.UNCHANGED
    assert not result.edits


def test_unknown_trigger_is_refused_listing_the_routes(tmp_path):
    root = copy_fixture("bare-monorepo", tmp_path)
    _, result = plan(root, **{**SEED, "trigger": "POST /api/deals"})
    assert result.status == Status.REFUSED
    assert "POST /api/deals not found" in result.message and "POST /api/leads" in result.message


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": "connect"}, "reserved"),
        ({"name": "LeadNew"}, "naming style"),
        ({"payload": "owner: UserRef"}, "unknown type `UserRef`"),
        ({"payload": "leadId string"}, "has no type"),
        ({"scope": "team"}, "unknown scope"),
        ({"scope": "room"}, "room template"),
        ({"trigger": "lead created"}, "expected a mutation route"),
        ({"consumer": "../outside/LeadList.tsx"}, "outside the workspace"),
        ({"consumer": "apps/web/src/components/Missing.tsx"}, "does not exist"),
    ],
)
def test_bad_inputs_are_refused(tmp_path, change, message):
    root = copy_fixture("bare-monorepo", tmp_path)
    _, result = plan(root, **{**SEED, **change})
    assert result.status == Status.REFUSED
    assert message in result.message
    assert not result.edits


def test_paths_escaping_through_a_symlink_are_refused(tmp_path):
    root = copy_fixture("bare-monorepo", tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, root / "apps/web/src/hooks")
    _, result = plan(root, **SEED)
    assert result.status == Status.REFUSED
    assert "apps/web/src/hooks/useSocketEvent.ts would land outside the workspace" in result.message
    assert list(outside.iterdir()) == []


def test_a_target_changed_since_planning_is_refused_and_nothing_is_written(tmp_path):
    root = copy_fixture("bare-monorepo", tmp_path)
    _, result = plan(root, **SEED)
    leads = root / "apps/api/src/routes/leads.ts"
    leads.write_text(leads.read_text() + "\n// edited meanwhile\n")
    before = snapshot(root)
    with pytest.raises(ApplyError, match="leads.ts changed since the plan was made"):
        apply_plan(root, result)
    assert snapshot(root) == before


def test_a_created_file_that_appeared_meanwhile_is_never_overwritten(tmp_path):
    root = copy_fixture("bare-monorepo", tmp_path)
    _, result = plan(root, **SEED)
    created = next(e.path for e in result.edits if isinstance(e, Create))
    (root / created).write_text("// mine\n")
    before = snapshot(root)
    with pytest.raises(ApplyError, match="exists now"):
        apply_plan(root, result)
    assert snapshot(root) == before


# -- style and placement ------------------------------------------------------------------------------------


def test_inserted_code_follows_the_file_style(tmp_path):
    root = copy_fixture("bare-monorepo", tmp_path)
    leads = root / "apps/api/src/routes/leads.ts"
    restyled = "\n".join(line.rstrip(";") for line in leads.read_text().replace('"', "'").splitlines())
    leads.write_text(restyled.replace("  ", "    ") + "\n")
    ctx, result = plan(root, **SEED)
    assert result.status == Status.READY, result.message
    data = apply_inserts(leads.read_bytes(), [e for e in result.edits if e.path == "apps/api/src/routes/leads.ts"])
    text = data.decode()
    assert "    io.to(`org:${req.user.orgId}`).emit('lead:new', { leadId: lead.id, name, score: lead.score })\n" in text
    assert "import { io } from '../socket'\n" in text
    # Placed after the awaited mutation and before the response.
    assert text.index("await db.lead.create") < text.index(".emit('lead:new'") < text.index("res.status(201)")


def test_app_listen_gets_a_server_variable_and_the_wiring():
    source = SourceFile(
        "apps/api/src/main.ts",
        b'import express from "express";\n\nconst app = express();\napp.listen(3000, () => console.log("up"));\n',
    )
    wiring = wire_socket(source, "apps/api/src/socket.ts")
    text = apply_inserts(source.data, wiring.inserts).decode()
    assert text == (
        'import express from "express";\nimport { initSocket } from "./socket";\n\nconst app = express();\n'
        'const server = app.listen(3000, () => console.log("up"));\ninitSocket(server);\n'
    )


def test_whole_records_in_the_payload_get_a_note(tmp_path):
    root = copy_fixture("bare-monorepo", tmp_path)
    _, result = plan(root, **{**SEED, "payload": "leadId: string, lead: LeadDto"})
    assert result.status == Status.READY
    assert any("`lead: LeadDto` looks like a whole record" in note for note in result.notes)
    maps = next(e for e in result.edits if e.path == "packages/shared/src/socket-events.ts")
    assert 'import type { LeadDto } from "./types";' in maps.text


# -- CLI ----------------------------------------------------------------------------------------------------


def _cli(root, *extra):
    return main([
        "add-event", "lead:new", "--payload", SEED["payload"], "--scope", "org", "--trigger", "POST /api/leads",
        "--consumer", SEED["consumer"], "--quiet", "--no-cache", *extra, str(root),
    ])


def test_cli_dry_run_prints_a_diff_and_writes_nothing(tmp_path, capsys):
    root = copy_fixture("bare-monorepo", tmp_path)
    before = snapshot(root)
    assert _cli(root, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "+++ b/apps/api/src/socket.ts" in out and "--- a/apps/api/src/routes/leads.ts" in out
    assert snapshot(root) == before


def test_cli_applies_then_says_nothing_to_do(tmp_path, capsys):
    root = copy_fixture("bare-monorepo", tmp_path)
    assert _cli(root) == 0
    out = capsys.readouterr().out
    assert "created apps/api/src/socket.ts" in out and "edited  apps/api/src/routes/leads.ts" in out
    after = snapshot(root)
    assert _cli(root) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert snapshot(root) == after


def test_cli_refusal_exits_1_and_writes_nothing(tmp_path, capsys):
    root = copy_fixture("monorepo", tmp_path)
    before = snapshot(root)
    code = main(["add-event", "lead:new", "--payload", "leadId: string", "--scope", "user",
                 "--trigger", "PATCH /api/leads/:id", "--quiet", "--no-cache", str(root)])
    assert code == 1
    assert "already exists" in capsys.readouterr().err
    assert snapshot(root) == before
