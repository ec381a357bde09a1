"""One source file parsed for scaffolding: its syntax tree, style, imports and top-level declarations.

Planning reads files through this class only, so that every position it computes (byte offsets, lines,
code-point columns) comes from the same bytes whose hash the plan records.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from socketlens.extract import content_hash
from socketlens.extract.syntax import LineIndex, Node, parser, string_value
from socketlens.analysis.scaffold.plan import Insert
from socketlens.analysis.scaffold.style import DEFAULT_STYLE, Style, detect_style


@dataclass(frozen=True)
class ImportInfo:
    node: Node
    specifier: str
    default: str | None
    named: tuple[tuple[str, str], ...]  # (imported, local)
    named_node: Node | None  # the `{ ... }` clause, to add a name to
    type_only: bool


def grammar_for(rel: str) -> str:
    if rel.endswith((".tsx", ".jsx")):
        return "tsx"
    if rel.endswith((".js", ".mjs", ".cjs")):
        return "javascript"
    return "typescript"


class SourceFile:
    def __init__(self, rel: str, data: bytes, fallback_style: Style = DEFAULT_STYLE):
        self.rel = rel
        self.data = data
        self.hash = content_hash(data)
        self.tree = parser(grammar_for(rel)).parse(data)
        self.root = self.tree.root_node
        self.lines = LineIndex(data)
        self._fallback = fallback_style

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    @cached_property
    def style(self) -> Style:
        return detect_style(self.root, self.data, self._fallback)

    def insert(self, offset: int, text: str, why: str = "") -> Insert:
        line = max(i for i, start in enumerate(self.lines.line_starts) if start <= offset)
        column = self.lines.column(line, offset - self.lines.line_starts[line])
        return Insert(self.rel, offset, line, column, text, self.hash, why)

    def line_start(self, offset: int) -> int:
        return self.data.rfind(b"\n", 0, offset) + 1

    def indent_at(self, offset: int) -> str:
        start = self.line_start(offset)
        line = self.data[start:offset].decode("utf-8", errors="replace")
        return line[: len(line) - len(line.lstrip(" \t"))]

    def node_at(self, start: int, end: int) -> Node | None:
        node = self.root.descendant_for_byte_range(start, end)
        while node is not None and not (node.start_byte == start and node.end_byte == end):
            if node.start_byte < start or node.end_byte > end:
                return None
            node = node.parent
        return node

    # -- imports ----------------------------------------------------------------------------------------

    @cached_property
    def imports(self) -> list[ImportInfo]:
        found: list[ImportInfo] = []
        for node in self.root.children:
            if node.type != "import_statement":
                continue
            source = node.child_by_field_name("source")
            specifier = string_value(source)
            if specifier is None:
                continue
            default = None
            named: list[tuple[str, str]] = []
            named_node = None
            for clause in node.children:
                if clause.type != "import_clause":
                    continue
                for part in clause.children:
                    if part.type == "identifier":
                        default = part.text.decode()
                    elif part.type == "named_imports":
                        named_node = part
                        for spec in part.children:
                            if spec.type != "import_specifier":
                                continue
                            name = spec.child_by_field_name("name")
                            alias = spec.child_by_field_name("alias")
                            if name is not None:
                                named.append((name.text.decode(), (alias or name).text.decode()))
            type_only = any(child.type == "type" for child in node.children)
            found.append(ImportInfo(node, specifier, default, tuple(named), named_node, type_only))
        return found

    def imported_local(self, specifier: str, name: str) -> str | None:
        """Local name of `name` imported from `specifier`, if the file imports it."""
        for info in self.imports:
            if info.specifier == specifier:
                for imported, local in info.named:
                    if imported == name:
                        return local
        return None

    def uses_js_extension(self) -> bool:
        """Relative imports spelled `./x.js` (TypeScript ESM with NodeNext resolution)."""
        relative = [i.specifier for i in self.imports if i.specifier.startswith(".")]
        return bool(relative) and all(s.endswith(".js") for s in relative)

    def add_named_import(self, specifier: str, name: str, type_only: bool = False, why: str = "") -> Insert | None:
        """Insert importing `name` from `specifier`, or None when it is already imported."""
        if self.imported_local(specifier, name) is not None:
            return None
        style = self.style
        for info in self.imports:
            if info.specifier != specifier or info.named_node is None or (info.type_only and not type_only):
                continue
            specs = [c for c in info.named_node.children if c.type == "import_specifier"]
            if specs:
                # A type joins a value import as `type X`; a value never joins an `import type`.
                prefix = "type " if type_only and not info.type_only else ""
                return self.insert(specs[-1].end_byte, f", {prefix}{name}", why)
        keyword = "import type" if type_only else "import"
        line = f"{keyword} {{ {name} }} from {style.q(specifier)}{style.semi}\n"
        if self.imports:
            last = self.imports[-1].node
            end = last.end_byte
            return self.insert(end, "\n" + line.rstrip("\n"), why)
        return self.insert(self._after_directives(), line, why)

    def _after_directives(self) -> int:
        """Offset after leading comments and "use client"-style directives."""
        offset = 0
        for node in self.root.children:
            if node.type == "comment" or (
                node.type == "expression_statement" and node.children and node.children[0].type == "string"
            ):
                offset = self.data.find(b"\n", node.end_byte) + 1 or len(self.data)
                continue
            break
        return offset

    # -- declarations -----------------------------------------------------------------------------------

    @cached_property
    def exported_names(self) -> dict[str, Node]:
        """Top-level exported declarations: name -> the declaration node."""
        found: dict[str, Node] = {}
        for node in self.root.children:
            if node.type != "export_statement":
                continue
            declaration = node.child_by_field_name("declaration")
            if declaration is None:
                continue
            if declaration.type == "lexical_declaration":
                for declarator in declaration.children:
                    if declarator.type == "variable_declarator":
                        name = declarator.child_by_field_name("name")
                        if name is not None and name.type == "identifier":
                            found[name.text.decode()] = declarator
                continue
            name = declaration.child_by_field_name("name")
            if name is not None:
                found[name.text.decode()] = declaration
        return found

    def top_level_names(self) -> set[str]:
        names = set(self.exported_names)
        for info in self.imports:
            names.update(local for _, local in info.named)
            if info.default:
                names.add(info.default)
        for node in self.root.children:
            target = node.child_by_field_name("declaration") if node.type == "export_statement" else node
            if target is None:
                continue
            if target.type == "lexical_declaration":
                for declarator in target.children:
                    name = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
                    if name is not None and name.type == "identifier":
                        names.add(name.text.decode())
            else:
                name = target.child_by_field_name("name")
                if name is not None and name.type in ("identifier", "type_identifier"):
                    names.add(name.text.decode())
        return names


def relative_specifier(from_rel: str, to_rel: str, js_extension: bool = False) -> str:
    """`./x` / `../lib/y` import specifier from one root-relative file to another (extension dropped)."""
    import posixpath

    target = to_rel
    for suffix in (".tsx", ".ts", ".jsx", ".js", ".mts", ".cts"):
        if target.endswith(suffix):
            target = target[: -len(suffix)]
            break
    if target.endswith("/index"):
        target = target[: -len("/index")]
    spec = posixpath.relpath(target, posixpath.dirname(from_rel) or ".")
    if not spec.startswith("."):
        spec = "./" + spec
    if js_extension:
        spec += ".js"
    return spec
