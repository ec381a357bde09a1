"""Helpers shared by the extractor tests that run whole small repositories: inline sources in, facts or the
catalog out."""

from __future__ import annotations

import textwrap
from pathlib import Path

from socketlens.analysis.catalog import catalog
from socketlens.config import Config
from socketlens.extract import ExtractOptions, extract_file
from socketlens.index.builder import IndexBuilder
from socketlens.model import FileFacts, Lit


def extract(source: str, rel: str = "a.ts") -> FileFacts:
    """The facts of one dedented TS/TSX/JS source."""
    data = textwrap.dedent(source).encode()
    language = {"ts": "typescript", "tsx": "tsx", "js": "javascript"}[rel.rsplit(".", 1)[1]]
    return extract_file(rel, data, language, ExtractOptions())


def by_name(sites) -> dict:
    """Sites with a literal event name, by that name."""
    return {site.name.value: site for site in sites if isinstance(site.name, Lit)}


def write(root: Path, files: dict[str, str]) -> Path:
    """A repository of dedented files under `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def catalog_events(root: Path) -> dict[str, dict]:
    """The `events --json` catalog of a repository, by event name (no cache, one process)."""
    data = catalog(IndexBuilder(root, Config(), use_cache=False, jobs=1).build(), str(root))
    return {event["name"]: event for event in data["events"]}
