"""payload-mismatch: an object-literal payload whose keys differ from the declared payload type.

A required key missing, or a key the type does not have (usually a rename on one side). Declared types
are followed through interfaces, `extends` and type aliases, in the declaring file or imported from
another file of the workspace, and through intersections (`A & B`) and the key utilities `Partial`,
`Required`, `Readonly`, `Pick` and `Omit` (see `patterns.type_expression`). Spreads, computed keys and
types that are not built from object shapes (unions, generics of the user's own, mapped types) are left
alone, and so is a type with no key at all (`{}`, an empty interface): any non-null value satisfies it, while
`{} & X` has the keys of `X`.
"""

from __future__ import annotations

import json
from typing import Iterator

from socketlens.analysis.rules import Diagnostic, RuleContext, Severity, rule
from socketlens.analysis.rules._support import payload_spans, resolution
from socketlens.index.event_index import EventIndex
from socketlens.model import Finding

CODE = "payload-mismatch"


class _Shape:
    def __init__(self) -> None:
        self.required: set[str] = set()
        self.optional: set[str] = set()
        self.open = False  # an index signature: any key allowed

    def add(self, entries, index: EventIndex, rel: str, depth: int) -> bool:
        """Add the keys of a finding's entries; False when a part of the type cannot be read."""
        for key, value in entries:
            if key == "key":
                self.required.add(value)
            elif key == "optional":
                self.optional.add(value)
            elif key == "index":
                self.open = True
            elif key in ("extends", "extends_expr", "expr"):
                base = (
                    _named_shape(index, rel, value, depth + 1)
                    if key == "extends"
                    else _expression_shape(index, rel, json.loads(value) if value else None, depth + 1)
                )
                if base is None:
                    return False
                self.merge(base)
        return True

    def merge(self, other: "_Shape") -> None:
        """Both shapes' keys (an intersection, or a base interface): required on either side wins."""
        self.required |= other.required
        self.optional = (self.optional | other.optional) - self.required
        self.open = self.open or other.open

    @property
    def accepts_anything(self) -> bool:
        """No key at all: the empty object type `{}` (alone, as an empty interface, or what is left of an
        intersection of them), which any non-null value satisfies, extra keys included."""
        return not (self.required or self.optional or self.open)


def _expression_shape(index: EventIndex, rel: str, expression, depth: int) -> _Shape | None:
    """The keys of a type expression recorded by `patterns.type_expression`, as seen from file `rel`."""
    if depth > 8 or not isinstance(expression, list) or not expression:
        return None
    kind, *args = expression
    if kind == "named":
        return _named_shape(index, rel, args[0], depth + 1)
    if kind == "object":
        shape = _Shape()
        return shape if shape.add([tuple(pair) for pair in args[0]], index, rel, depth) else None
    if kind == "and":
        shape = _Shape()
        for part in args[0]:
            found = _expression_shape(index, rel, part, depth + 1)
            if found is None:
                return None
            shape.merge(found)
        return shape
    inner = _expression_shape(index, rel, args[0], depth + 1) if args else None
    if inner is None:
        return None
    if kind == "partial":
        inner.optional |= inner.required
        inner.required = set()
    elif kind == "required":
        inner.required |= inner.optional
        inner.optional = set()
    elif kind in ("pick", "omit") and len(args) == 2:
        keys = set(args[1])
        if kind == "pick":
            inner.required &= keys
            inner.optional &= keys
            inner.open = False
        else:
            inner.required -= keys
            inner.optional -= keys
    elif kind != "readonly":
        return None
    return inner


def _type_shape_in(index: EventIndex, rel: str, name: str) -> Finding | None:
    facts = index.facts_of(rel)
    if facts is None:
        return None
    return next((f for f in facts.findings if f.code == "type-shape" and f.message == name), None)


def _named_shape(index: EventIndex, rel: str, name: str, depth: int = 0) -> _Shape | None:
    """The keys of an interface / type alias `name` as seen from file `rel`."""
    if depth > 8 or not name.isidentifier():
        return None
    found = _type_shape_in(index, rel, name)
    if found is None:
        origin = resolution(index).imported_origin(rel, name)
        if origin is None:
            return None
        rel, name = origin
        found = _type_shape_in(index, rel, name)
        if found is None:
            return None
    shape = _Shape()
    return shape if shape.add(found.data, index, rel, depth) else None


def declared_shape(index: EventIndex, declaration) -> _Shape | None:
    found = index.findings_by_span(declaration.file, "declared-payload").get(
        (declaration.span.start_byte, declaration.span.end_byte)
    )
    if found is None:
        return None
    values = dict(found.data)
    if values.get("shape") == "inline":
        shape = _Shape()
        return shape if shape.add(found.data, index, declaration.file, 0) else None
    if values.get("shape") == "named":
        return _named_shape(index, declaration.file, values["type"])
    if values.get("shape") == "expr":
        return _expression_shape(index, declaration.file, json.loads(values["expr"]), 0)
    return None


@rule(CODE, Severity.WARNING, "An object-literal payload's keys differ from the declared payload type")
def check(context: RuleContext) -> Iterator[Diagnostic]:
    index = context.index
    for entry in index.events.values():
        if len(entry.declarations) != 1:
            continue  # undeclared, or declared twice (which one applies?)
        payloads = [payload_spans(index, site) for site in entry.emits]
        payloads = [(file, spans) for file, spans in payloads if spans and context.wants(file)]
        shape = declared_shape(index, entry.declarations[0]) if payloads else None
        if shape is None or shape.accepts_anything:
            continue  # nothing to check here, or not a plain shape
        for file, spans in payloads:
            literal = index.findings_by_span(file, "payload-object").get((spans[0].start_byte, spans[0].end_byte))
            if literal is None:
                continue
            kinds = [k for k, _ in literal.data]
            if "computed" in kinds:
                continue
            keys = {v for k, v in literal.data if k == "key"}
            problems = []
            if "spread" not in kinds:
                problems += [f'missing required key "{k}"' for k in sorted(shape.required - keys)]
            if not shape.open:
                problems += [f'unknown key "{k}"' for k in sorted(keys - shape.required - shape.optional)]
            if problems:
                yield Diagnostic(
                    file=file,
                    span=literal.span,
                    severity=Severity.WARNING,
                    code=CODE,
                    message=f'payload of "{entry.name}" does not match its declared type: {", ".join(problems)}',
                )
