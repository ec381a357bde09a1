"""Shared helpers of the scaffold tests: copy a fixture, index it, plan and apply an event."""

from __future__ import annotations

import shutil
from pathlib import Path

from socketlens.analysis.rules import RuleContext, run_rules
from socketlens.analysis.scaffold import ScaffoldContext, ScaffoldRequest, disk_reader, plan_add_event
from socketlens.config import load_config
from socketlens.index.builder import build_index

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"

SEED = dict(
    name="lead:new",
    payload="leadId: string, name: string, score: number",
    scope="org",
    trigger="POST /api/leads",
    consumer="apps/web/src/components/LeadList.tsx",
)


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def context(root: Path) -> ScaffoldContext:
    config, _ = load_config(root)
    index = build_index(root, config, use_cache=False)
    return ScaffoldContext(root=root, config=config, index=index, read=disk_reader(root))


def plan(root: Path, **inputs):
    ctx = context(root)
    return ctx, plan_add_event(ctx, ScaffoldRequest(**inputs))


def diagnostics(root: Path):
    ctx = context(root)
    found = run_rules(RuleContext(ctx.index, ctx.config, lambda rel: (ctx.read(rel) or b"").decode()))
    return {(d.code, d.file, d.message) for d in found}


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "node_modules" not in p.parts
    }
