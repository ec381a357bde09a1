"""Inside a route handler: where the emit goes (after the awaited mutation, before the response) and which
values are in scope there (destructured body fields, the created record, `req.user`, route params)."""

from __future__ import annotations

from dataclasses import dataclass, field

from socketlens.extract.syntax import Node
from socketlens.model import Route
from socketlens.analysis.scaffold.source import SourceFile

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration", "method_definition"})
_RESPONSE_METHODS = frozenset({"json", "send", "end", "sendStatus", "status", "redirect", "render", "sendFile"})


@dataclass
class HandlerScope:
    insert_offset: int  # start of the line the emit is inserted before
    indent: str
    req: str | None
    res: str | None
    names: set[str]  # variables declared before the insertion point (and the parameters)
    record: str | None  # the variable holding the last awaited result before the insertion point
    uses_req_user: bool
    route_params: tuple[str, ...]
    notes: list[str] = field(default_factory=list)

    def value(self, name: str, prefer_actor: bool = False) -> tuple[str, str | None] | None:
        """An expression for `name` from what is in scope, and a note when it is a guess."""
        if name in self.names:
            return name, None
        if prefer_actor and self.uses_req_user and self.req:
            return f"{self.req}.user.{name}", None
        if name.endswith("Id") and name[:-2] in self.names:
            return f"{name[:-2]}.id", None
        if self.record is not None and name.endswith("Id") and name[:-2] == self.record:
            return f"{self.record}.id", None
        if self.req and name in self.route_params:
            return f"{self.req}.params.{name}", None
        if self.req and name.endswith("Id") and self.route_params == ("id",):
            return f"{self.req}.params.id", None
        if self.uses_req_user and self.req and name in ("userId", "orgId"):
            return f"{self.req}.user.{name}", None
        return None

    def field_value(self, name: str) -> tuple[str, str | None]:
        """The payload field `name`: shorthand when a variable holds it, else from the record or body."""
        if name in self.names:
            return name, None
        if name.endswith("Id") and name[:-2] in self.names:
            return f"{name[:-2]}.id", None
        if self.record is not None:
            return f"{self.record}.{name}", None
        if self.req and name in self.route_params:
            return f"{self.req}.params.{name}", None
        if self.req:
            return f"{self.req}.body.{name}", f"`{name}` is taken from the request body: check that it is validated"
        return name, f"`{name}` is not in scope in the handler: define it before the emit"


def handler_function(source: SourceFile, route: Route) -> Node | None:
    node = source.node_at(route.handler_span.start_byte, route.handler_span.end_byte)
    if node is not None and node.type == "identifier":  # router.post("/x", createLead)
        name = node.text.decode()
        for top in source.root.children:
            target = top.child_by_field_name("declaration") if top.type == "export_statement" else top
            if target is None:
                continue
            if target.type == "function_declaration" and _name(target) == name:
                return target
            if target.type == "lexical_declaration":
                for declarator in target.children:
                    value = declarator.child_by_field_name("value") if declarator.type == "variable_declarator" else None
                    if value is not None and value.type in _FUNCTIONS and _name(declarator) == name:
                        return value
        return None
    return node


def analyse_handler(source: SourceFile, route: Route) -> HandlerScope | str:
    """Where and with what the emit is written, or why it cannot be."""
    function = handler_function(source, route)
    if function is None:
        return f"cannot find the handler function of {route.method} {route.path} in {source.rel}"
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return f"the handler of {route.method} {route.path} has an expression body: give it a block first"
    params = _parameter_names(function)
    req = params[0] if params else None
    res = params[1] if len(params) > 1 else None
    statements = [c for c in body.named_children]
    code = [s for s in statements if s.type != "comment"]
    notes: list[str] = []
    response_index = None
    for i, statement in enumerate(code):
        if res is not None and _is_response(statement, res):
            response_index = i
    if response_index is not None:
        target = code[response_index]
        before = code[:response_index]
        start = target.start_byte
        # Comments right above the response belong to it: insert above them.
        index = statements.index(target)
        while index > 0 and statements[index - 1].type == "comment" and statements[index - 1].end_point[0] >= statements[index].start_point[0] - 1:
            index -= 1
            start = statements[index].start_byte
        offset = source.line_start(start)
        indent = source.indent_at(start)
        if not any(_awaits(s) for s in before):
            notes.append(f"no awaited mutation before the response of {route.method} {route.path}: the emit goes right before the response")
    else:
        before = code
        closing = body.children[-1]
        offset = source.line_start(closing.start_byte)
        indent = (source.indent_at(code[0].start_byte) if code else source.indent_at(body.start_byte) + source.style.indent)
        notes.append(f"no response call found in {route.method} {route.path}: the emit goes at the end of the handler")
        if source.data[offset:closing.start_byte].strip():  # `}` shares its line with code
            return f"cannot place the emit in {route.method} {route.path}: the handler's closing brace shares a line with code"
    names = set(p for p in params if p)
    record = None
    for statement in before:
        declared = _declared_names(statement)
        names.update(declared)
        awaited = _awaited_declarator(statement)
        if awaited is not None:
            record = awaited
    uses_req_user = req is not None and _uses_member(source.root, req, "user")
    route_params = tuple(part[1:] for part in route.path.split("/") if part.startswith(":"))
    return HandlerScope(offset, indent, req, res, names, record, uses_req_user, route_params, notes)


def _name(node: Node) -> str | None:
    name = node.child_by_field_name("name")
    return name.text.decode() if name is not None else None


def _parameter_names(function: Node) -> list[str | None]:
    params = function.child_by_field_name("parameters")
    if params is None:
        single = function.child_by_field_name("parameter")  # `req => ...`
        return [single.text.decode()] if single is not None else []
    names: list[str | None] = []
    for param in params.named_children:
        pattern = param.child_by_field_name("pattern") if param.type in ("required_parameter", "optional_parameter") else param
        names.append(pattern.text.decode() if pattern is not None and pattern.type == "identifier" else None)
    return names


def _root_identifier(node: Node | None) -> str | None:
    while node is not None:
        if node.type == "identifier":
            return node.text.decode()
        if node.type == "call_expression":
            node = node.child_by_field_name("function")
        elif node.type == "member_expression":
            node = node.child_by_field_name("object")
        elif node.type in ("await_expression", "parenthesized_expression"):
            node = node.named_children[0] if node.named_children else None
        else:
            return None
    return None


def _is_response(statement: Node, res: str) -> bool:
    if statement.type not in ("expression_statement", "return_statement"):
        return False
    expression = statement.named_children[0] if statement.named_children else None
    if expression is None or expression.type != "call_expression":
        return False
    callee = expression.child_by_field_name("function")
    if callee is None or callee.type != "member_expression":
        return False
    method = callee.child_by_field_name("property")
    return _root_identifier(expression) == res and method is not None and method.text.decode() in _RESPONSE_METHODS


def _awaits(node: Node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "await_expression":
            return True
        if current.type in _FUNCTIONS:
            continue
        stack.extend(current.children)
    return False


def _declared_names(statement: Node) -> set[str]:
    names: set[str] = set()
    if statement.type not in ("lexical_declaration", "variable_declaration"):
        return names
    for declarator in statement.named_children:
        if declarator.type == "variable_declarator":
            pattern = declarator.child_by_field_name("name")
            if pattern is not None:
                names.update(_pattern_names(pattern))
    return names


def _pattern_names(pattern: Node) -> set[str]:
    if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
        return {pattern.text.decode()}
    names: set[str] = set()
    for child in pattern.named_children:
        if child.type == "pair_pattern":
            value = child.child_by_field_name("value")
            if value is not None:
                names.update(_pattern_names(value))
        elif child.type in ("object_assignment_pattern", "assignment_pattern"):
            left = child.child_by_field_name("left") or (child.named_children[0] if child.named_children else None)
            if left is not None:
                names.update(_pattern_names(left))
        elif child.type == "rest_pattern":
            for inner in child.named_children:
                names.update(_pattern_names(inner))
        elif child.type in ("identifier", "shorthand_property_identifier_pattern", "object_pattern", "array_pattern"):
            names.update(_pattern_names(child))
    return names


def _awaited_declarator(statement: Node) -> str | None:
    if statement.type not in ("lexical_declaration", "variable_declaration"):
        return None
    for declarator in statement.named_children:
        if declarator.type != "variable_declarator":
            continue
        value = declarator.child_by_field_name("value")
        name = declarator.child_by_field_name("name")
        if value is not None and value.type == "await_expression" and name is not None and name.type == "identifier":
            return name.text.decode()
    return None


def _uses_member(root: Node, obj: str, prop: str) -> bool:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "member_expression":
            target = node.child_by_field_name("object")
            name = node.child_by_field_name("property")
            if target is not None and name is not None and target.text.decode() == obj and name.text.decode() == prop:
                return True
        stack.extend(node.children)
    return False
