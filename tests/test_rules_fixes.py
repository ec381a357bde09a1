"""Quick fixes applied and re-checked, `check --fix`, suppression comments, and SARIF output validated
against the SARIF 2.1.0 schema."""

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from socketlens.analysis.fixes import apply_safe_fixes, plan_edits
from socketlens.analysis.rules import Fix, TextEdit
from socketlens.cli import main
from socketlens.model import Span
from test_rules_client import panel
from test_rules_emits import route
from test_rules_harness import API_SOCKET, BASELINE, apply_fix_and_recheck, make_repo, only, run

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def _fix(diagnostic, title_part: str) -> Fix:
    return next(f for f in diagnostic.fixes if title_part in f.title)


def test_unscoped_broadcast_fix_scopes_to_the_org_room_from_the_handler(tmp_path):
    root = make_repo(tmp_path, route('  io.emit("lead:new", { leadId: "1", name: "a" });'))
    [diagnostic] = only(run(root), "unscoped-broadcast")
    apply_fix_and_recheck(root, diagnostic, _fix(diagnostic, "org room"))
    assert 'io.to(`org:${req.user.orgId}`).emit("lead:new"' in (root / "apps/api/src/routes/extra.ts").read_text()


def test_unscoped_broadcast_fix_uses_socket_data_and_the_project_room_pattern(tmp_path):
    files = {
        "socketlens.toml": '[rooms]\norg = "tenant/{orgId}"\nuser = "u/{userId}"\n',
        "apps/api/src/socket.ts": API_SOCKET.replace(
            'socket.to(`org:${socket.data.orgId}`).emit("chat:message"', 'socket.broadcast.emit("chat:message"'
        ).replace("`org:${socket.data.orgId}`", "`tenant/${socket.data.orgId}`").replace("`user:${socket.data.userId}`", "`u/${socket.data.userId}`"),
    }
    root = make_repo(tmp_path, files)
    [diagnostic] = only(run(root), "unscoped-broadcast")
    apply_fix_and_recheck(root, diagnostic, _fix(diagnostic, "user room"))
    assert 'socket.broadcast.to(`u/${socket.data.userId}`).emit("chat:message"' in (root / "apps/api/src/socket.ts").read_text()


def test_suppression_fix_and_comment_silence_the_diagnostic(tmp_path):
    root = make_repo(tmp_path, route('  io.emit("lead:new", { leadId: "1", name: "a" });'))
    [diagnostic] = only(run(root), "unscoped-broadcast")
    apply_fix_and_recheck(root, diagnostic, _fix(diagnostic, "Suppress"))
    assert "  // socketlens-ignore unscoped-broadcast: intentional broadcast" in (root / "apps/api/src/routes/extra.ts").read_text()


@pytest.mark.parametrize(
    "comment, suppressed",
    [
        ("  // socketlens-ignore unscoped-broadcast: maintenance notice for everyone\n", True),
        ("  // socketlens-ignore large-payload: other rule\n", False),
        ("  // socketlens-ignore: every rule\n", True),
        ("  /* socketlens-ignore unscoped-broadcast */\n", True),
    ],
)
def test_line_suppression(tmp_path, comment, suppressed):
    root = make_repo(tmp_path, route(comment + '  io.emit("lead:new", { leadId: "1", name: "a" });'))
    assert (only(run(root), "unscoped-broadcast") == []) is suppressed


def test_same_line_and_file_level_suppression(tmp_path):
    same_line = route('  io.emit("lead:new", { leadId: "1", name: "a" }); // socketlens-ignore unscoped-broadcast: ok')
    assert only(run(make_repo(tmp_path / "a", same_line)), "unscoped-broadcast") == []
    whole = route('  io.emit("lead:new", { leadId: "1", name: "a" });\n  io.emit("lead:new", { leadId: "2", name: "b" });')
    whole["apps/api/src/routes/extra.ts"] = "// socketlens-ignore-file unscoped-broadcast: admin tools\n" + whole["apps/api/src/routes/extra.ts"]
    found = run(make_repo(tmp_path / "b", whole))
    assert only(found, "unscoped-broadcast") == []
    # A comment two lines above does not count.
    far = route('  // socketlens-ignore unscoped-broadcast: too far\n  const x = 1;\n  io.emit("lead:new", { leadId: "1", name: "a" });')
    assert len(only(run(make_repo(tmp_path / "c", far)), "unscoped-broadcast")) == 1


def test_undeclared_event_replace_fix(tmp_path):
    feed = BASELINE["apps/web/src/components/Feed.tsx"].replace('useSocketEvent("lead:new"', 'useSocketEvent("lead:nwe"')
    root = make_repo(tmp_path, {"apps/web/src/components/Feed.tsx": feed})
    [diagnostic] = only(run(root), "undeclared-event")
    # The typo also left "lead:new" unheard and "lead:nwe" unsent: fixing the name clears those too.
    after = apply_fix_and_recheck_allowing(root, diagnostic, _fix(diagnostic, "Replace"), {"undeclared-event", "no-listener", "no-emitter"})
    assert after == []


def test_undeclared_event_declare_fix(tmp_path):
    leads = BASELINE["apps/api/src/routes/leads.ts"].replace('"lead:new", { leadId: lead.id, name: lead.name }', '"lead:closed", { leadId: lead.id }')
    feed = BASELINE["apps/web/src/components/Feed.tsx"].replace(
        '  const send', '  useSocketEvent("lead:closed" as never, () => setItems([]));\n  const send'
    )
    root = make_repo(tmp_path, {"apps/api/src/routes/leads.ts": leads, "apps/web/src/components/Feed.tsx": feed})
    found = only(run(root), "undeclared-event")
    emit = next(d for d in found if d.file.endswith("leads.ts"))
    after = apply_fix_and_recheck_allowing(root, emit, _fix(emit, "Declare"), vanish={"undeclared-event"})
    assert only(after, "undeclared-event") == []
    assert '"lead:closed": (payload: { leadId: unknown; }) => void;' in (root / "packages/shared/src/socket-events.ts").read_text()


def apply_fix_and_recheck_allowing(root, diagnostic, fix, vanish):
    """Like apply_fix_and_recheck, for a fix that rightly clears sibling diagnostics of the same code
    (declaring an event fixes its emit and its listener at once)."""
    from socketlens.analysis.fixes import apply_edits
    from test_rules_harness import parses_cleanly

    before = run(root)
    for edit in fix.edits:
        path = root / edit.file
        path.write_bytes(apply_edits(path.read_bytes(), [edit]))
        assert parses_cleanly(path)
    after = run(root)
    keep = lambda ds: sorted((d.file, d.code, d.message) for d in ds if d.code not in vanish)  # noqa: E731
    assert keep(after) == keep(before)
    return after


LEAK_FIX_CASES = {
    "no cleanup, inline handler": """\
  useEffect(() => {
    socket.on("lead:new", () => setCount((c) => c + 1));
  }, []);""",
    "no cleanup, named handler": """\
  useEffect(() => {
    const onLead = () => setCount((c) => c + 1);
    socket.on("lead:new", onLead);
  }, [id]);""",
    "block cleanup without the off": """\
  useEffect(() => {
    const onLead = () => setCount((c) => c + 1);
    socket.on("lead:new", onLead);
    return () => {
      console.log("bye");
    };
  }, []);""",
    "expression cleanup": """\
  useEffect(() => {
    const onLead = () => setCount((c) => c + 1);
    socket.on("lead:new", onLead);
    return () => console.log("bye");
  }, []);""",
}


@pytest.mark.parametrize("case", list(LEAK_FIX_CASES))
def test_listener_leak_fix_adds_the_cleanup(tmp_path, case):
    root = make_repo(tmp_path, panel(LEAK_FIX_CASES[case]))
    [diagnostic] = only(run(root), "listener-leak")
    apply_fix_and_recheck(root, diagnostic, diagnostic.fixes[0])
    text = (root / "apps/web/src/components/Panel.tsx").read_text()
    assert 'socket.off("lead:new", ' in text


def test_socket_per_component_fix_moves_the_connection_to_module_level(tmp_path):
    root = make_repo(tmp_path, panel('  const chat = io("/chat");\n  chat.emit("chat:send", { body: "x" });'))
    [diagnostic] = only(run(root), "socket-per-component")
    apply_fix_and_recheck(root, diagnostic, diagnostic.fixes[0])
    text = (root / "apps/web/src/components/Panel.tsx").read_text()
    assert 'const sharedSocket = io("/chat");' in text and "const chat = sharedSocket;" in text


def test_unauthenticated_server_fix_inserts_jwt_middleware(tmp_path):
    start, end = API_SOCKET.index("  io.use("), API_SOCKET.index("  io.on(")
    socket_ts = (API_SOCKET[:start] + API_SOCKET[end:]).replace('import jwt from "jsonwebtoken";\n', "")
    root = make_repo(tmp_path, {"apps/api/src/socket.ts": socket_ts})
    [diagnostic] = only(run(root), "unauthenticated-server")
    apply_fix_and_recheck(root, diagnostic, diagnostic.fixes[0])
    text = (root / "apps/api/src/socket.ts").read_text()
    assert 'import jwt from "jsonwebtoken";' in text and "socket.handshake.auth?.token" in text


def test_off_and_inline_off_fixes_pass_the_registered_handler(tmp_path):
    body = """\
  useEffect(() => {
    const onLead = () => setCount((c) => c + 1);
    socket.on("lead:new", onLead);
    socket.on("chat:message", onLead);
    return () => {
      socket.off("lead:new");
      socket.off("chat:message", () => setCount(0));
    };
  }, []);"""
    root = make_repo(tmp_path, panel(body))
    [off_all] = only(run(root), "off-removes-all")
    apply_fix_and_recheck(root, off_all, off_all.fixes[0])
    [inline] = only(run(root), "inline-off")
    apply_fix_and_recheck(root, inline, inline.fixes[0])
    text = (root / "apps/web/src/components/Panel.tsx").read_text()
    assert 'socket.off("lead:new", onLead);' in text and 'socket.off("chat:message", onLead);' in text


def test_static_auth_token_fix(tmp_path):
    files = {"apps/web/src/lib/socket.ts": 'import { io } from "socket.io-client";\n\nexport const socket = io("/", { auth: { token: localStorage.getItem("t") } });\n'}
    root = make_repo(tmp_path, files)
    [diagnostic] = only(run(root), "static-auth-token")
    apply_fix_and_recheck(root, diagnostic, diagnostic.fixes[0])


def test_plan_edits_never_overlaps_and_apply_stays_inside_root(tmp_path):
    span = lambda a, b: Span(a, b, 0, a, 0, b)  # noqa: E731
    first = Fix("a", (TextEdit("f.ts", span(0, 5), "x"),), safe=True)
    overlapping = Fix("b", (TextEdit("f.ts", span(3, 8), "y"),), safe=True)
    same_point = Fix("c", (TextEdit("f.ts", span(10, 10), "z"), ), safe=True)
    again = Fix("d", (TextEdit("f.ts", span(10, 10), "w"),), safe=True)
    assert [e.new_text for e in plan_edits([first, overlapping, same_point, again])["f.ts"]] == ["x", "z"]

    from socketlens.analysis.rules import Diagnostic, Severity

    (tmp_path / "inside").mkdir()
    (tmp_path / "outside.ts").write_text("hello")
    (tmp_path / "inside" / "f.ts").write_text("hello world")
    escape = Fix("e", (TextEdit("../outside.ts", span(0, 5), "HACK"),), safe=True)
    unsafe = Fix("u", (TextEdit("f.ts", span(6, 11), "nope"),), safe=False)
    safe = Fix("s", (TextEdit("f.ts", span(0, 5), "HELLO"),), safe=True)
    diags = [Diagnostic("f.ts", span(0, 1), Severity.WARNING, "x", "m", fixes=(escape, unsafe, safe))]
    diags.append(Diagnostic("f.ts", span(0, 1), Severity.WARNING, "x", "m", fixes=(escape,)))
    assert apply_safe_fixes(tmp_path / "inside", diags) == set()  # first safe fix of each: the escaping one
    assert (tmp_path / "outside.ts").read_text() == "hello"
    assert apply_safe_fixes(tmp_path / "inside", [Diagnostic("f.ts", span(0, 1), Severity.WARNING, "x", "m", fixes=(unsafe, safe))]) == {"f.ts"}
    assert (tmp_path / "inside" / "f.ts").read_text() == "HELLO world"
    assert not [p for p in (tmp_path / "inside").iterdir() if p.name.endswith(".socketlens")]


def test_check_fix_on_a_copy_of_the_fixture(tmp_path, fixtures, capsys):
    root = tmp_path / "monorepo"
    shutil.copytree(fixtures / "monorepo", root)
    board = root / "apps/web/src/components/DealBoard.tsx"
    board.write_text(board.read_text().replace('useSocketEvent(DealEvents.StageChanged', 'useSocketEvent("deal:stage-changd"'))
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert main(["check", str(root), "--quiet", "--fix", "--format", "json", "--fail-on", "never"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 'useSocketEvent("deal:stage-changed"' in board.read_text()
    changed = [p for p in root.rglob("*") if p.is_file() and before.get(p) != p.read_bytes()]
    assert changed == [board]
    assert sorted((d["file"], d["code"]) for d in out["diagnostics"]) == [
        ("apps/api/src/routes/admin.ts", "unscoped-broadcast"),
        ("apps/web/src/components/DealBoard.tsx", "no-emitter"),
        ("apps/web/src/components/DealBoard.tsx", "undeclared-event"),
        ("packages/shared/src/socket-events.ts", "unused-event"),
    ]


def test_sarif_output_is_valid_sarif_2_1_0(tmp_path, fixtures, capsys):
    root = make_repo(tmp_path, route('  const lead = await db.lead.create({});\n  io.emit("lead:new", lead);'))
    main(["check", str(root), "--quiet", "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    jsonschema.validate(sarif, SCHEMA)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"unscoped-broadcast", "large-payload"}
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    main(["check", str(fixtures / "monorepo"), "--quiet", "--format", "sarif"])
    jsonschema.validate(json.loads(capsys.readouterr().out), SCHEMA)


def test_the_schema_rejects_a_broken_log():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"results": []}]}, SCHEMA)


def test_suppression_fix_in_python_uses_a_python_comment(tmp_path):
    from socketlens.analysis.rules import RuleContext, run_rules
    from socketlens.config import Config
    from socketlens.index.builder import IndexBuilder

    source = "import socketio\nsio = socketio.Server()\ndef announce(data):\n    sio.emit('maintenance', data)\n"
    (tmp_path / "app.py").write_text(source)
    index = IndexBuilder(tmp_path, Config(), use_cache=False, jobs=1).build()
    context = RuleContext(index=index, config=Config(), read_text=lambda rel: (tmp_path / rel).read_text())
    (broadcast,) = [d for d in run_rules(context) if d.code == "unscoped-broadcast"]
    (suppress,) = [f for f in broadcast.fixes if f.title.startswith("Suppress")]
    (edit,) = suppress.edits
    assert edit.new_text.startswith("    # socketlens-ignore unscoped-broadcast:")
