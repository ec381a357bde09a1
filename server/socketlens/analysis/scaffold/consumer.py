"""The consumer side: `useSocketEvent("lead:new", ...)` in a component, invalidating the TanStack Query
key the component reads and showing a toast, with the imports it needs."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from socketlens.extract.syntax import Node
from socketlens.analysis.scaffold.payload import Payload
from socketlens.analysis.scaffold.plan import Insert
from socketlens.analysis.scaffold.source import SourceFile

_FUNCTIONS = ("arrow_function", "function_expression", "function")
QUERY_PACKAGE = "@tanstack/react-query"


@dataclass
class ConsumerEdit:
    inserts: list[Insert] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def component_function(source: SourceFile) -> tuple[str, Node] | None:
    """The component to subscribe in: the one reading a query, else the one named like the file, else the
    first capitalised top-level function."""
    candidates: list[tuple[str, Node]] = []
    for top in source.root.children:
        target = top.child_by_field_name("declaration") if top.type == "export_statement" else top
        if target is None:
            continue
        if target.type == "function_declaration":
            name = target.child_by_field_name("name")
            if name is not None:
                candidates.append((name.text.decode(), target))
        elif target.type == "lexical_declaration":
            for declarator in target.named_children:
                value = declarator.child_by_field_name("value") if declarator.type == "variable_declarator" else None
                name = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
                if value is not None and value.type in _FUNCTIONS and name is not None:
                    candidates.append((name.text.decode(), value))
    components = [(n, f) for n, f in candidates if n[:1].isupper()]
    if not components:
        return None
    stem = posixpath.splitext(posixpath.basename(source.rel))[0]
    for name, function in components:
        if _calls(function, "useQuery"):
            return name, function
    for name, function in components:
        if name == stem:
            return name, function
    return components[0]


def _calls(node: Node, callee: str) -> bool:
    return any(True for _ in _calls_of(node, callee))


def _calls_of(node: Node, callee: str):
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            function = current.child_by_field_name("function")
            if function is not None and function.text.decode() == callee:
                yield current
        stack.extend(reversed(current.children))


def query_keys(function: Node) -> list[str]:
    """Source text of each `useQuery({ queryKey: [...] })` key in the component."""
    keys: list[str] = []
    for call in _calls_of(function, "useQuery"):
        arguments = call.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
        if first is None or first.type != "object":
            continue
        for pair in first.named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            if key is not None and key.text.decode() == "queryKey":
                value = pair.child_by_field_name("value")
                if value is not None:
                    keys.append(value.text.decode())
    return keys


def _hook_call_statement(statement: Node) -> bool:
    """`const x = useThing(...)` / `useThing(...)`: a hook call at the top of a component."""
    if statement.type == "comment":
        return True
    expressions: list[Node] = []
    if statement.type == "expression_statement" and statement.named_children:
        expressions.append(statement.named_children[0])
    elif statement.type == "lexical_declaration":
        for declarator in statement.named_children:
            value = declarator.child_by_field_name("value") if declarator.type == "variable_declarator" else None
            if value is not None:
                expressions.append(value)
    if not expressions:
        return False
    for expression in expressions:
        if expression.type != "call_expression":
            return False
        function = expression.child_by_field_name("function")
        name = function.text.decode().rsplit(".", 1)[-1] if function is not None else ""
        if not (name.startswith("use") and (len(name) == 3 or name[3:4].isupper())):
            return False
    return True


def query_client_name(function: Node) -> str | None:
    for call in _calls_of(function, "useQueryClient"):
        parent = call.parent
        if parent is not None and parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                return name.text.decode()
    return None


def toast_title(event: str, payload: Payload, quote: str = '"') -> str:
    """`lead:new` + a `name` field -> `New lead: ${payload.name}` (a template literal)."""
    parts = [p for p in event.replace("/", ":").replace(".", ":").split(":") if p]
    domain = parts[0].replace("-", " ") if parts else event
    action = " ".join(parts[1:]).replace("-", " ")
    if action in ("new", "created", "added"):
        title = f"New {domain}"
    elif action:
        title = f"{domain.capitalize()} {action}"
    else:
        title = domain.capitalize()
    label = next((f for f in ("name", "title", "label") if payload.field(f) and payload.field(f).type == "string"), None)
    if label:
        return f"`{title}: ${{payload.{label}}}`"
    return quote + title + quote


def consumer_edit(
    source: SourceFile,
    event: str,
    payload: Payload,
    hook_name: str,
    hook_specifier: str,
    derived_key: str,
    toast_specifier: str | None,
    has_react_query: bool,
) -> ConsumerEdit | str:
    found = component_function(source)
    if found is None:
        return f"{source.rel} has no component function (a capitalised function) to subscribe in"
    component, function = found
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return f"{component} in {source.rel} has an expression body: give it a block first"
    statements = list(body.named_children)
    last_hook = None
    for statement in statements:
        if not _hook_call_statement(statement):
            break
        if statement.type != "comment":
            last_hook = statement
    style = source.style
    q = style.quote
    edit = ConsumerEdit()
    if last_hook is not None:
        indent = source.indent_at(last_hook.start_byte)
        end_of_line = source.data.find(b"\n", last_hook.end_byte)
        offset = len(source.data) if end_of_line < 0 else end_of_line + 1
        lead = "\n"
    else:
        first = statements[0] if statements else None
        indent = source.indent_at(first.start_byte) if first is not None else source.indent_at(function.start_byte) + style.indent
        offset = source.line_start(first.start_byte) if first is not None else source.line_start(body.children[-1].start_byte)
        lead = ""
    lines: list[str] = []
    inner = indent + style.indent
    client = query_client_name(function)
    if has_react_query and client is None:
        client = "queryClient"
        lines.append(f"{indent}const {client} = useQueryClient(){style.semi}")
        insert = source.add_named_import(QUERY_PACKAGE, "useQueryClient", why="import useQueryClient")
        if insert is not None:
            edit.inserts.append(insert)
    keys = query_keys(function)
    key = keys[0] if keys else derived_key
    if not keys:
        edit.notes.append(f"{component} reads no useQuery key: invalidating {derived_key}, derived from the trigger's route")
    param = "(payload)" if payload.fields else "()"
    lines.append(f"{indent}{hook_name}({q}{event}{q}, {param} => {{")
    if client is not None:
        lines.append(f"{inner}{client}.invalidateQueries({{ queryKey: {key} }}){style.semi}")
    else:
        edit.notes.append(f"{source.rel}: no TanStack Query in this app: re-fetch the data yourself in the handler")
    toast = source_toast_local(source)
    if toast is None and toast_specifier is not None:
        toast = "toast"
        insert = source.add_named_import(toast_specifier, "toast", why="import toast")
        if insert is not None:
            edit.inserts.append(insert)
    if toast is not None:
        lines.append(f"{inner}{toast}({{ title: {toast_title(event, payload, q)} }}){style.semi}")
    else:
        edit.notes.append(f"{source.rel}: no toast helper found in the app: show the notification your own way")
    lines.append(f"{indent}}}){style.semi}")
    text = lead + "\n".join(lines) + "\n" + ("" if lead else "\n")
    if source.imported_local(hook_specifier, hook_name) is None and not _defines(source, hook_name):
        insert = source.add_named_import(hook_specifier, hook_name, why=f"import {hook_name}")
        if insert is not None:
            edit.inserts.append(insert)
    edit.inserts.append(source.insert(offset, text, f"subscribe {component} to {event}"))
    return edit


def source_toast_local(source: SourceFile) -> str | None:
    for info in source.imports:
        for imported, local in info.named:
            if imported == "toast":
                return local
    return None


def _defines(source: SourceFile, name: str) -> bool:
    return name in source.top_level_names()
