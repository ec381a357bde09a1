"""The new event as a member of the shared server-to-client map, in the file's own style: key quotes,
member separator, indentation, parameter name, JSDoc habit, and alphabetical order when the map keeps one."""

from __future__ import annotations

from socketlens.extract.syntax import Node, string_value
from socketlens.analysis.scaffold.payload import Payload
from socketlens.analysis.scaffold.plan import Insert
from socketlens.analysis.scaffold.source import SourceFile

_MEMBER_TYPES = ("property_signature", "method_signature", "index_signature")


def find_map_body(source: SourceFile, map_name: str) -> Node | None:
    """The `{ ... }` of `interface Map { }` or `type Map = { }`."""
    for top in source.root.children:
        target = top.child_by_field_name("declaration") if top.type == "export_statement" else top
        if target is None:
            continue
        name = target.child_by_field_name("name")
        if name is None or name.text.decode() != map_name:
            continue
        if target.type == "interface_declaration":
            return target.child_by_field_name("body")
        if target.type == "type_alias_declaration":
            value = target.child_by_field_name("value")
            if value is not None and value.type == "object_type":
                return value
    return None


def member_text(
    event: str, payload: Payload, indent: str, quote: str, separator: str, param: str, doc: str | None,
    type_separator: str = ";",
) -> str:
    key = event if event.isidentifier() else f"{quote}{event}{quote}"
    signature = "()" if not payload.fields else f"({param}: {payload.type_text(type_separator)})"
    lines = []
    if doc:
        lines.append(f"{indent}/** {doc} */")
    lines.append(f"{indent}{key}: {signature} => void{separator}")
    return "\n".join(lines) + "\n"


def member_insert(source: SourceFile, map_name: str, event: str, payload: Payload, doc: str) -> Insert | str:
    body = find_map_body(source, map_name)
    if body is None:
        return f"{source.rel} has no `{map_name}` interface to add the event to"
    members = [c for c in body.named_children if c.type in _MEMBER_TYPES]
    style = source.style
    indent = source.indent_at(members[0].start_byte) if members else source.indent_at(body.start_byte) + style.indent
    separators = [c.type for c in body.children if c.type in (";", ",")]
    separator = separators[-1] if separators else ("" if members else style.semi)
    if members and not separators and any(c.text.endswith((b";", b",")) for c in members):
        separator = members[-1].text.decode()[-1]
    quote = _key_quote(members) or style.quote
    param = _param_name(members) or "payload"
    documented = sum(1 for m in members if _doc_of(m) is not None)
    use_doc = doc if members and documented * 2 >= len(members) else (doc if not members else None)
    text = member_text(event, payload, indent, quote, separator, param, use_doc)
    keys = [_key(m) for m in members]
    before = None
    if len(keys) >= 2 and all(k is not None for k in keys) and keys == sorted(keys):  # the map is kept sorted
        before = next((m for m, k in zip(members, keys) if k > event), None)
    if before is not None:
        start = _doc_of(before) or before
        return source.insert(source.line_start(start.start_byte), text, f"declare {event} in {map_name}")
    closing = body.children[-1]
    line_start = source.line_start(closing.start_byte)
    if source.data[line_start:closing.start_byte].strip():  # `interface X { }` on one line
        return source.insert(closing.start_byte, "\n" + text + source.indent_at(body.start_byte), f"declare {event} in {map_name}")
    return source.insert(line_start, text, f"declare {event} in {map_name}")


def _key(member: Node) -> str | None:
    name = member.child_by_field_name("name")
    if name is None:
        return None
    if name.type == "string":
        return string_value(name)
    if name.type == "property_identifier":
        return name.text.decode()
    return None


def _key_quote(members: list[Node]) -> str | None:
    for member in members:
        name = member.child_by_field_name("name")
        if name is not None and name.type == "string":
            return name.text[:1].decode()
    return None


def _param_name(members: list[Node]) -> str | None:
    for member in members:
        annotation = member.child_by_field_name("type")
        function = annotation.named_children[0] if annotation is not None and annotation.named_children else None
        if function is None or function.type != "function_type":
            continue
        params = function.child_by_field_name("parameters")
        first = params.named_children[0] if params is not None and params.named_children else None
        pattern = first.child_by_field_name("pattern") if first is not None else None
        if pattern is not None and pattern.type == "identifier":
            return pattern.text.decode()
    return None


def _doc_of(member: Node) -> Node | None:
    previous = member.prev_named_sibling
    if previous is not None and previous.type == "comment" and previous.text.startswith(b"/**"):
        return previous
    return None
