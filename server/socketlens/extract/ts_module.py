"""Module-level facts of a TS/JS file: imports, exports, re-exports, CommonJS `require`/`module.exports`,
and the constants, enums, `as const` objects and static class fields that event names resolve through.

A mixin of the TS/JS extractor (`typescript._Extractor`): it fills `imports`, `import_list`, `exports`,
`reexports` and `bindings` before the main walk, so that the walk can tell what each name holds.
"""

from __future__ import annotations

from socketlens.extract.syntax import (
    FUNCTION_TYPES,
    Node,
    is_const_declaration,
    member_path,
    string_value,
    text,
    unwrap,
)
from socketlens.model import BindingValue, Import, Lit, ObjectValue, Opaque, ReExport, Ref


_CLASS_DECLARATIONS = ("class_declaration", "abstract_class_declaration")
_MAX_OBJECT_DEPTH = 32  # `as const` maps of event names are shallow; deeper objects are data, not names


class ModuleLevel:
    """Fills the module-level tables of a `typescript._Extractor`."""

    def _collect_module_level(self, root: Node) -> None:
        for statement in root.named_children:
            self.module_names.update(_declared_names(statement))
            if statement.type == "import_statement":
                self._import_statement(statement)
            elif statement.type == "export_statement":
                self._export_statement(statement)
            elif statement.type in ("lexical_declaration", "variable_declaration"):
                self._module_declaration(statement, exported=False)
            elif statement.type == "enum_declaration":
                self._enum(statement)
            elif statement.type in _CLASS_DECLARATIONS:
                self._class_statics(statement)
            elif statement.type == "expression_statement":
                self._commonjs_export(statement)

    def _add_import(self, local: str, specifier: str, imported: str) -> None:
        imp = Import(local=local, specifier=specifier, imported=imported)
        self.imports[local] = imp
        self.import_list.append(imp)

    def _import_statement(self, node: Node) -> None:
        source = string_value(node.child_by_field_name("source"))
        if source is None:
            return
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self._add_import(text(part), source, "default")
                elif part.type == "namespace_import":
                    ident = next((c for c in part.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        self._add_import(text(ident), source, "*")
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias")
                        imported = string_value(name) or text(name)
                        self._add_import(text(alias or name), source, imported)

    def _export_statement(self, node: Node) -> None:
        source = string_value(node.child_by_field_name("source"))
        declaration = node.child_by_field_name("declaration")
        is_default = any(not c.is_named and c.type == "default" for c in node.children)
        if declaration is not None:
            if declaration.type in ("lexical_declaration", "variable_declaration"):
                self._module_declaration(declaration, exported=True)
            elif declaration.type == "enum_declaration":
                name = self._enum(declaration)
                if name:
                    self.exports.append((name, name))
            else:
                name_node = declaration.child_by_field_name("name")
                if name_node is not None:
                    name = text(name_node)
                    self.exports.append(("default" if is_default else name, name))
                if declaration.type in _CLASS_DECLARATIONS:
                    self._class_statics(declaration)
            return
        value = node.child_by_field_name("value")
        if value is not None and is_default:
            if value.type == "identifier":
                self.exports.append(("default", text(value)))
            else:
                name_node = value.child_by_field_name("name") if value.type in FUNCTION_TYPES else None
                if name_node is not None:
                    self.exports.append(("default", text(name_node)))
                else:
                    self.bindings["default"] = self._binding_value(value)
                    self.exports.append(("default", "default"))
            return
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        if clause is None:
            if source is not None:  # export * from "x" / export * as ns from "x"
                ns = next((c for c in node.named_children if c.type == "namespace_export"), None)
                if ns is not None:
                    alias = ns.named_children[-1] if ns.named_children else None
                    self.reexports.append(ReExport(exported=text(alias), specifier=source, imported="*ns"))
                else:
                    self.reexports.append(ReExport(exported="*", specifier=source, imported="*"))
            return
        for spec in clause.named_children:
            if spec.type != "export_specifier":
                continue
            name = spec.child_by_field_name("name")
            alias = spec.child_by_field_name("alias")
            local = string_value(name) or text(name)
            exported = string_value(alias) or text(alias) if alias is not None else local
            if source is not None:
                self.reexports.append(ReExport(exported=exported, specifier=source, imported=local))
            else:
                self.exports.append((exported, local))

    def _module_declaration(self, node: Node, exported: bool) -> None:
        is_const = is_const_declaration(node)
        for declarator in node.named_children:
            if declarator.type != "variable_declarator":
                continue
            name_node = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name_node is None:
                continue
            if name_node.type == "object_pattern" and value is not None:
                self._require_destructuring(name_node, value)
                continue
            if name_node.type != "identifier":
                continue
            name = text(name_node)
            if exported:
                self.exports.append((name, name))
            if value is None:
                continue
            spec = require_specifier(value)
            if spec is not None:
                self._add_import(name, spec[0], spec[1])
                continue
            if is_const:
                self.bindings[name] = self._binding_value(value)

    def _require_destructuring(self, pattern: Node, value: Node) -> None:
        spec = require_specifier(value)
        if spec is None:
            return
        for prop in pattern.named_children:
            if prop.type == "shorthand_property_identifier_pattern":
                self._add_import(text(prop), spec[0], text(prop))
            elif prop.type == "pair_pattern":
                key = prop.child_by_field_name("key")
                val = prop.child_by_field_name("value")
                if key is not None and val is not None and val.type == "identifier":
                    self._add_import(text(val), spec[0], string_value(key) or text(key))

    def _commonjs_export(self, statement: Node) -> None:
        expr = statement.named_children[0] if statement.named_children else None
        if expr is None or expr.type != "assignment_expression":
            return
        target = member_path(expr.child_by_field_name("left"))
        value = unwrap(expr.child_by_field_name("right"))
        if target is None or value is None:
            return
        if target == ("module", "exports"):
            if value.type == "object":
                for prop in value.named_children:
                    if prop.type == "shorthand_property_identifier":
                        self.exports.append((text(prop), text(prop)))
                    elif prop.type == "pair":
                        key = prop.child_by_field_name("key")
                        val = unwrap(prop.child_by_field_name("value"))
                        export_name = string_value(key) or text(key)
                        if val is not None and val.type == "identifier":
                            self.exports.append((export_name, text(val)))
                        elif val is not None:
                            self.bindings[export_name] = self._binding_value(val)
                            self.exports.append((export_name, export_name))
            elif value.type == "identifier":
                self.exports.append(("default", text(value)))
            elif value.type in FUNCTION_TYPES:  # `module.exports = (io, socket) => {...}`, as `export default`
                self.exports.append(("default", "default"))
        elif len(target) == 2 and target[0] == "exports" or (
            len(target) == 3 and target[:2] == ("module", "exports")
        ):
            export_name = target[-1]
            if value.type == "identifier":
                self.exports.append((export_name, text(value)))
            else:
                self.bindings[export_name] = self._binding_value(value)
                self.exports.append((export_name, export_name))

    def _enum(self, node: Node) -> str | None:
        name_node = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name_node is None or body is None:
            return None
        members: list[tuple[str, BindingValue]] = []
        for member in body.named_children:
            if member.type == "enum_assignment":
                key = member.child_by_field_name("name")
                members.append((string_value(key) or text(key), self._binding_value(member.child_by_field_name("value"))))
            elif member.type in ("property_identifier", "string"):
                members.append((string_value(member) or text(member), Opaque()))
        name = text(name_node)
        self.bindings[name] = ObjectValue(tuple(members))
        return name

    def _class_statics(self, node: Node) -> None:
        """`class ChatEvents { static readonly SEND = "chat:send" }`: the static fields of a class, read like an
        enum's members (`ChatEvents.SEND`). Only a class with a string among them: the others hold no event name."""
        name_node = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name_node is None or body is None:
            return
        members: list[tuple[str, BindingValue]] = []
        for member in body.named_children:
            if member.type not in ("public_field_definition", "field_definition"):
                continue
            if not any(child.type == "static" for child in member.children):
                continue
            key = member.child_by_field_name("name") or member.child_by_field_name("property")
            if key is None or key.type not in ("property_identifier", "string"):  # a `#private` or computed name
                continue
            members.append((string_value(key) or text(key), self._binding_value(member.child_by_field_name("value"))))
        if any(isinstance(value, Lit) for _, value in members):
            self.bindings.setdefault(text(name_node), ObjectValue(tuple(members)))

    def _binding_value(self, node: Node | None, depth: int = 0) -> BindingValue:
        node = unwrap(node)
        if node is None or depth > _MAX_OBJECT_DEPTH:
            return Opaque()
        value = string_value(node)
        if value is not None:
            return Lit(value, self.lines.span(node))
        if node.type == "object":
            members: list[tuple[str, BindingValue]] = []
            for prop in node.named_children:
                if prop.type == "pair":
                    key = prop.child_by_field_name("key")
                    if key is None or key.type == "computed_property_name":
                        continue
                    value_node = prop.child_by_field_name("value")
                    members.append((string_value(key) or text(key), self._binding_value(value_node, depth + 1)))
                elif prop.type == "shorthand_property_identifier":
                    members.append((text(prop), Ref(text(prop))))
            return ObjectValue(tuple(members))
        if node.type == "call_expression":
            # Object.freeze({...}) keeps its argument's members.
            callee = member_path(node.child_by_field_name("function"))
            args = node.child_by_field_name("arguments")
            if callee == ("Object", "freeze") and args is not None and args.named_children:
                return self._binding_value(args.named_children[0], depth + 1)
            return Opaque()
        path = member_path(node)
        if path is not None and path[0] != "this":
            return Ref(path[0], path[1:])
        return Opaque()


def _declared_names(statement: Node) -> list[str]:
    """Names a top-level statement declares: functions, classes, variables (also when exported)."""
    if statement.type == "export_statement":
        declaration = statement.child_by_field_name("declaration")
        return _declared_names(declaration) if declaration is not None else []
    if statement.type in ("function_declaration", "generator_function_declaration", "class_declaration"):
        name = statement.child_by_field_name("name")
        return [text(name)] if name is not None else []
    if statement.type in ("lexical_declaration", "variable_declaration"):
        names = []
        for declarator in statement.named_children:
            name = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
            if name is not None and name.type == "identifier":
                names.append(text(name))
        return names
    return []


def require_specifier(value: Node) -> tuple[str, str] | None:
    """`require("x")` → ("x", "*"); `require("x").y` → ("x", "y"); `require("x").default` → default."""
    value = unwrap(value)
    if value is None:
        return None
    if value.type == "member_expression":
        inner = unwrap(value.child_by_field_name("object"))
        if inner is None or inner.type != "call_expression":
            return None  # not iterated further: `require("x").a.b` is not an import of a name
        spec = require_specifier(inner)
        if spec is not None and spec[1] == "*":
            return spec[0], text(value.child_by_field_name("property"))
        return None
    if value.type != "call_expression":
        return None
    callee = value.child_by_field_name("function")
    args = value.child_by_field_name("arguments")
    if callee is None or callee.type != "identifier" or text(callee) != "require":
        return None
    if args is None or not args.named_children:
        return None
    spec = string_value(args.named_children[0])
    return (spec, "*") if spec is not None else None
