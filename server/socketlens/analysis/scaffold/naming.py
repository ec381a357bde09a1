"""Event-name validation: the project's naming style, reserved names, names already declared."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from socketlens.extract.vocabulary import RESERVED_EVENTS

_SEPARATORS = (":", ".", "/")


@dataclass(frozen=True)
class NamingStyle:
    separator: str | None  # ":" for `lead:new`; None for single words
    case: str  # "kebab" (lead:stage-changed) | "camel" (lead:stageChanged) | "snake"

    @property
    def hint(self) -> str:
        sample = {"kebab": "stage-changed", "camel": "stageChanged", "snake": "stage_changed"}[self.case]
        if self.separator:
            return f"domain{self.separator}action in {self.case} case, like \"deal{self.separator}{sample}\""
        return f"{self.case} case, like \"deal-{sample}\""


DEFAULT_NAMING = NamingStyle(":", "kebab")


def learn_naming(names: list[str]) -> NamingStyle:
    """The majority style among the project's event names (the seed's `domain:kebab-action` when none)."""
    separators: Counter[str | None] = Counter()
    cases: Counter[str] = Counter()
    for name in names:
        sep = next((s for s in _SEPARATORS if s in name), None)
        if sep is None:
            continue  # a single word says nothing about the separator
        separators[sep] += 1
        for segment in name.split(sep):
            case = _case_of(segment)
            if case is not None:
                cases[case] += 1
    if not separators:
        return DEFAULT_NAMING
    case = "kebab"
    if cases:
        top = cases.most_common()
        case = top[0][0] if top[0][0] != "plain" else next((c for c, _ in top if c != "plain"), "kebab")
    return NamingStyle(separators.most_common(1)[0][0], case if case != "plain" else "kebab")


def _case_of(segment: str) -> str | None:
    if not segment:
        return None
    if "-" in segment:
        return "kebab"
    if "_" in segment:
        return "snake"
    if segment.islower():
        return "plain"  # fits every case
    if segment[0].islower() and any(ch.isupper() for ch in segment):
        return "camel"
    return None


def naming_problem(name: str, style: NamingStyle) -> str | None:
    """Why `name` is not acceptable as a new event name, or None."""
    if not name or name != name.strip() or any(ch.isspace() for ch in name):
        return f"{name!r} is not a valid event name: no spaces, no empty name"
    if name in RESERVED_EVENTS:
        return f"{name!r} is reserved by socket.io (connect, disconnect, error...): pick another name"
    if style.separator is None:
        segments = [name]
    else:
        if style.separator not in name:
            return f"{name!r} does not follow the project's naming style: {style.hint}"
        segments = name.split(style.separator)
    for segment in segments:
        if not _segment_ok(segment, style.case):
            return f"{name!r} does not follow the project's naming style: {style.hint}"
    return None


def _segment_ok(segment: str, case: str) -> bool:
    if not segment or not segment[0].isalpha() or not segment.isascii():
        return False
    if case == "kebab":
        return all(part and part.isalnum() and part.islower() for part in segment.split("-"))
    if case == "snake":
        return all(part and part.isalnum() and part.islower() for part in segment.split("_"))
    return segment.isalnum() and segment[0].islower()
