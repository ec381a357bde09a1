"""What the config files of JS frameworks say about module resolution: SvelteKit's `kit.files.lib` and
`kit.alias` (svelte.config), Nuxt's `srcDir`, `alias` and compatibility version (nuxt.config).

Read from the config's syntax tree, never executed: only what the file spells out (string literals, and
for Nuxt the path helpers its docs recommend) is taken; anything computed is left out. The parser is
imported on first use, so that a project without such a config never loads it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any


class _ConfigTree:
    """The default export of a JS/TS config file (`export default`, `module.exports =`) and the object
    literals it reaches through top-level names, from its syntax tree: the config is never executed."""

    def __init__(self, source: bytes, grammar: str) -> None:
        # Only a project with such a config pays for the parser: a warm start elsewhere must not load it.
        from socketlens.extract import syntax

        self.syntax = syntax
        root = syntax.parser(grammar).parse(source).root_node
        self.bindings: dict[str, Any] = {}  # top-level `const name = value`
        self.exported = None
        for statement in root.named_children:
            declaration = statement
            if statement.type == "export_statement":
                self.exported = statement.child_by_field_name("value") or self.exported
                declaration = statement.child_by_field_name("declaration")
            elif statement.type == "expression_statement" and statement.named_children:
                assignment = statement.named_children[0]
                if assignment.type == "assignment_expression" and syntax.member_path(
                    assignment.child_by_field_name("left")
                ) == ("module", "exports"):
                    self.exported = assignment.child_by_field_name("right")
            if declaration is None or declaration.type not in ("lexical_declaration", "variable_declaration"):
                continue
            for declarator in declaration.named_children:
                name = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
                value = declarator.child_by_field_name("value") if name is not None else None
                if name is not None and name.type == "identifier" and value is not None:
                    self.bindings[syntax.text(name)] = value

    def object_of(self, node: Any) -> dict[str, Any]:
        """The properties of an object literal, following top-level names (a bounded chain: no cycles) and
        config helpers (`defineNuxtConfig({...})`)."""
        syntax = self.syntax
        for _ in range(8):
            node = syntax.unwrap(node)
            if node is not None and node.type == "call_expression":
                callee = node.child_by_field_name("function")
                arguments = node.child_by_field_name("arguments")
                helper = callee is not None and callee.type == "identifier" and syntax.text(callee).startswith("define")
                given = arguments.named_children if helper and arguments is not None else []
                node = given[0] if given else None
                continue
            if node is None or node.type not in ("identifier", "shorthand_property_identifier"):
                break
            node = self.bindings.get(syntax.text(node))
        if node is None or node.type != "object":
            return {}
        properties: dict[str, Any] = {}
        for child in node.named_children:
            if child.type == "shorthand_property_identifier":
                properties[syntax.text(child)] = child
            elif child.type == "pair":
                key = child.child_by_field_name("key")
                plain = key is not None and key.type == "property_identifier"
                name = syntax.text(key) if plain else syntax.string_value(key)
                if name is not None:
                    properties[name] = child.child_by_field_name("value")
        return properties

    def string(self, node: Any) -> str | None:
        return self.syntax.string_value(node)

    def config_path(self, node: Any) -> str | None:
        """A path relative to the config's folder: a string literal, `fileURLToPath(new URL("./x",
        import.meta.url))` or `resolve(__dirname, "x")` (also `path.resolve`, `join`). None otherwise."""
        syntax = self.syntax
        literal = syntax.string_value(node)
        if literal is not None:
            return literal
        node = syntax.unwrap(node)
        if node is None or node.type != "call_expression":
            return None
        callee = syntax.member_path(node.child_by_field_name("function"))
        arguments = node.child_by_field_name("arguments")
        args = arguments.named_children if arguments is not None else []
        if callee and callee[-1] == "fileURLToPath" and len(args) == 1 and args[0].type == "new_expression":
            url = args[0]
            url_args = url.child_by_field_name("arguments")
            parts = url_args.named_children if url_args is not None else []
            if syntax.text(url.child_by_field_name("constructor")) == "URL" and len(parts) == 2:
                if syntax.text(parts[1]) == "import.meta.url":
                    return syntax.string_value(parts[0])
            return None
        if callee and callee[-1] in ("resolve", "join") and args and syntax.text(args[0]) == "__dirname":
            segments = [syntax.string_value(arg) for arg in args[1:]]
            if segments and all(segment is not None for segment in segments):
                return posixpath.join(*segments)  # type: ignore[arg-type]
        return None


def read_sveltekit_config(source: bytes, grammar: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """`kit.files.lib` and the `kit.alias` entries of a svelte.config file whose values are string
    literals; whatever is computed (`path.resolve(...)`, imports) is left out."""
    tree = _ConfigTree(source, grammar)
    kit = tree.object_of(tree.object_of(tree.exported).get("kit"))
    lib = tree.string(tree.object_of(kit.get("files")).get("lib"))
    aliases = []
    for key, value in tree.object_of(kit.get("alias")).items():
        target = tree.string(value)
        if key and target:
            aliases.append((key, target))
    return lib or None, tuple(aliases)


@dataclass(frozen=True)
class NuxtConfig:
    """What of a nuxt.config changes module resolution; paths relative to the project (its rootDir)."""

    src_dir: str | None = None
    compatibility_version: int | None = None  # `future.compatibilityVersion`
    aliases: tuple[tuple[str, str], ...] = ()


def read_nuxt_config(source: bytes, grammar: str) -> NuxtConfig:
    """`srcDir`, `future.compatibilityVersion` and the `alias` entries of a nuxt.config whose values are
    paths it spells (`config_path`); whatever is computed otherwise is left out."""
    tree = _ConfigTree(source, grammar)
    config = tree.object_of(tree.exported)
    src_dir = tree.config_path(config.get("srcDir"))
    version = tree.syntax.unwrap(tree.object_of(config.get("future")).get("compatibilityVersion"))
    spelled = tree.syntax.text(version) if version is not None and version.type == "number" else ""
    compatibility = int(spelled) if spelled.isdigit() else None
    aliases = []
    for key, value in tree.object_of(config.get("alias")).items():
        target = tree.config_path(value)
        if key and target:
            aliases.append((key, target))
    return NuxtConfig(src_dir or None, compatibility, tuple(aliases))
