"""Cross-file name resolution: what an event-name expression or a receiver's root holds.

Follows the file's own bindings, then its imports (ES imports, re-exports, CommonJS `require`) through the
workspace's module resolution (relative paths, tsconfig `paths`, workspace packages). Every file consulted
is recorded in `deps`, so that the index re-resolves exactly the files that depend on a changed one.
"""

from __future__ import annotations

from typing import Callable

from socketlens.model import (
    BindingValue,
    FileFacts,
    Forwarder,
    Lit,
    NameValue,
    Param,
    ObjectValue,
    Ref,
    SocketBinding,
    SocketKind,
    SocketPass,
)

FactsLookup = Callable[[str], "FileFacts | None"]
ModuleResolver = Callable[[str, str], "str | None"]
# The class-method forwarders a member call may reach: (calling file, method name) -> [(file, forwarder)].
MethodLookup = Callable[[str, str], "list[tuple[str, Forwarder]]"]

_MAX_DEPTH = 16


class Resolution:
    """One resolution session for one file: remembers which other files it read."""

    def __init__(self, facts_of: FactsLookup, resolve_module: ModuleResolver, methods: MethodLookup | None = None):
        self.facts_of = facts_of
        self.resolve_module = resolve_module
        self.methods = methods
        self.deps: set[str] = set()
        self._forwarder_memo: dict[tuple[str, str], list[tuple[str, Forwarder]]] = {}

    def _facts(self, rel: str) -> FileFacts | None:
        self.deps.add(rel)
        return self.facts_of(rel)

    # -- event names ------------------------------------------------------------------------------------

    def event_name(self, rel: str, value: NameValue) -> tuple[str, Lit | None] | None:
        """The event a name expression denotes, and the literal that spells it (for rename)."""
        if isinstance(value, Lit):
            return value.value, value
        if isinstance(value, Ref):
            found = self._ref(rel, value.name, value.path, 0, set())
            if isinstance(found, Lit):
                return found.value, found
        return None

    def literal_location(self, rel: str, value: NameValue) -> tuple[str, Lit] | None:
        """Which file holds the literal a name resolves to: (file, literal)."""
        if isinstance(value, Lit):
            return rel, value
        if isinstance(value, Ref):
            found = self._ref_with_file(rel, value.name, value.path, 0, set())
            if found is not None and isinstance(found[1], Lit):
                return found[0], found[1]
        return None

    def _ref(self, rel: str, name: str, path: tuple[str, ...], depth: int, seen: set) -> BindingValue | None:
        found = self._ref_with_file(rel, name, path, depth, seen)
        return found[1] if found is not None else None

    def _ref_with_file(
        self, rel: str, name: str, path: tuple[str, ...], depth: int, seen: set
    ) -> tuple[str, BindingValue] | None:
        key = (rel, name, path)
        if depth > _MAX_DEPTH or key in seen:
            return None
        seen.add(key)
        facts = self._facts(rel)
        if facts is None:
            return None
        value = facts.binding(name)
        if value is not None:
            return self._walk_path(rel, value, path, depth, seen)
        for imp in facts.imports:
            if imp.local != name:
                continue
            target = self.resolve_module(rel, imp.specifier)
            if target is None:
                return None
            if imp.imported == "*":
                if not path:
                    return None
                return self._export(target, path[0], path[1:], depth + 1, seen)
            return self._export(target, imp.imported, path, depth + 1, seen)
        return None

    def _walk_path(
        self, rel: str, value: BindingValue, path: tuple[str, ...], depth: int, seen: set
    ) -> tuple[str, BindingValue] | None:
        for index, key in enumerate(path):
            if isinstance(value, Ref):
                return self._ref_with_file(rel, value.name, value.path + path[index:], depth + 1, seen)
            if not isinstance(value, ObjectValue):
                return None
            member = value.get(key)
            if member is None:
                return None
            value = member
        if isinstance(value, Ref):
            return self._ref_with_file(rel, value.name, value.path, depth + 1, seen)
        return rel, value

    def _export(
        self, rel: str, exported: str, path: tuple[str, ...], depth: int, seen: set
    ) -> tuple[str, BindingValue] | None:
        local = self.exported_local(rel, exported, depth, seen)
        if local is None:
            return None
        target_rel, local_name = local
        return self._ref_with_file(target_rel, local_name, path, depth + 1, seen)

    def exported_local(
        self, rel: str, exported: str, depth: int = 0, seen: set | None = None
    ) -> tuple[str, str] | None:
        """Which file and local name an export of `rel` is bound to, following re-exports."""
        seen = set() if seen is None else seen
        key = ("export", rel, exported)
        if depth > _MAX_DEPTH or key in seen:
            return None
        seen.add(key)
        facts = self._facts(rel)
        if facts is None:
            return None
        for name, local in facts.exports:
            if name == exported:
                # The local may itself be an import being re-exported: `import { x } from "y"; export { x }`.
                for imp in facts.imports:
                    if imp.local == local and imp.imported != "*":
                        target = self.resolve_module(rel, imp.specifier)
                        return self.exported_local(target, imp.imported, depth + 1, seen) if target else None
                return rel, local
        for reexport in facts.reexports:
            if reexport.exported == exported and reexport.imported not in ("*", "*ns"):
                target = self.resolve_module(rel, reexport.specifier)
                if target is not None:
                    return self.exported_local(target, reexport.imported, depth + 1, seen)
        if exported != "default":
            for reexport in facts.reexports:
                if reexport.exported == "*":
                    target = self.resolve_module(rel, reexport.specifier)
                    if target is not None:
                        found = self.exported_local(target, exported, depth + 1, seen)
                        if found is not None:
                            return found
        return None

    # -- receivers and forwarders ----------------------------------------------------------------------

    def imported_origin(self, rel: str, local: str) -> tuple[str, str] | None:
        """(file, local name) that an imported identifier of `rel` is bound to."""
        facts = self._facts(rel)
        if facts is None:
            return None
        for imp in facts.imports:
            if imp.local == local and imp.imported != "*":
                target = self.resolve_module(rel, imp.specifier)
                if target is None:
                    return None
                return self.exported_local(target, imp.imported)
            if imp.local == local and imp.specifier.endswith(".py"):
                return self._python_package_attribute(rel, imp.specifier)
        return None

    def _python_package_attribute(self, rel: str, specifier: str) -> tuple[str, str] | None:
        """`from . import sio` names a submodule when there is one, else a name bound in the package's
        `__init__.py`: the only case where a whole-module Python import holds a value."""
        if self.resolve_module(rel, specifier) is not None:
            return None  # a real submodule
        directory, _, module = specifier.rpartition("/")
        package = self.resolve_module(rel, f"{directory or '.'}/__init__.py")
        return self.exported_local(package, module.removesuffix(".py")) if package is not None else None

    def socket_binding(self, rel: str, local: str) -> SocketBinding | None:
        """The socket object an identifier of `rel` holds when it is imported from a module that binds it."""
        origin = self.imported_origin(rel, local)
        if origin is None:
            return None
        facts = self._facts(origin[0])
        if facts is None:
            return None
        for binding in facts.sockets:
            if binding.name == origin[1]:
                return binding
        return None

    def socket_type(self, rel: str, local: str) -> SocketKind | None:
        """The socket kind of the values of a type `rel` imports (`AppSocket` of `client: AppSocket`), as the
        module declaring it says (`export type AppSocket = Socket<Up, Down>`); None for any other type."""
        origin = self.imported_origin(rel, local)
        facts = self._facts(origin[0]) if origin is not None else None
        if facts is None:
            return None
        for name, kind in facts.socket_types:
            if name == origin[1]:
                return kind
        return None

    def gateway_namespace(self, rel: str, local: str) -> str | None:
        """The namespace of the NestJS gateway class `local` names in `rel`: declared there or imported."""
        origin = self.imported_origin(rel, local) or (rel, local)
        facts = self._facts(origin[0])
        for name, namespace in facts.gateways if facts is not None else ():
            if name == origin[1]:
                return namespace
        return None

    def forwarders(
        self, rel: str, callee: Ref, depth: int = 0, instance_of: str | None = None
    ) -> list[tuple[str, Forwarder]]:
        """The forwarders a call's callee names (a local function, an imported one, `ns.fn` of a namespace
        import, a method of the class whose one instance the call is on), each with the file holding its inner
        emit/listen site. A function that passes its own parameter on to another forwarder is a forwarder too:
        `notify(id, event)` calling `emitToOrg(id, event)`."""
        if depth > _MAX_DEPTH:
            return []
        if instance_of is not None:
            return self._instance_forwarders(rel, instance_of, callee.path[-1])
        if callee.path and self.methods is not None and not self._is_namespace_import(rel, callee.name):
            # A member call on anything but a module namespace: a method of a service class, if any.
            found = self.methods(rel, callee.path[-1])
            self.deps.update(file for file, _ in found)
            return found
        origin = self._callee_origin(rel, callee)
        if origin is None:
            return []
        return self._forwarders_of(origin[0], origin[1], depth)

    def _instance_forwarders(self, rel: str, owner: str, method: str) -> list[tuple[str, Forwarder]]:
        """The forwarders of the method `method` of the class `owner` names in `rel` (declared there or
        imported). The class is known, so a method named like any other API's (`on`, `send`) is matched too."""
        facts = self._facts(rel)
        if facts is None:
            return []
        imported = any(imp.local == owner for imp in facts.imports)
        origin = self.imported_origin(rel, owner) if imported else (rel, owner)
        declaring = self._facts(origin[0]) if origin is not None else None
        if declaring is None:
            return []
        return [(origin[0], f) for f in declaring.forwarders if f.method_of == origin[1] and f.function == method]

    def handed_function(self, rel: str, passed: SocketPass) -> tuple[str, str] | None:
        """(file, local name) of the function a call handing sockets to another module reaches: an imported
        function, `ns.fn` of a namespace import, or what a whole-module import or a called `require("./x")`
        holds (its `module.exports`, the "default" export)."""
        callee = passed.callee
        if passed.module is not None:
            target = self.resolve_module(rel, passed.module)
            return self.exported_local(target, callee.name) if target is not None else None
        if not callee.path and self._is_namespace_import(rel, callee.name):
            facts = self._facts(rel)
            imp = next(imp for imp in facts.imports if imp.local == callee.name and imp.imported == "*")
            target = self.resolve_module(rel, imp.specifier)
            return self.exported_local(target, "default") if target is not None else None
        return self._callee_origin(rel, callee)

    def _is_namespace_import(self, rel: str, name: str) -> bool:
        facts = self._facts(rel)
        return facts is not None and any(imp.local == name and imp.imported == "*" for imp in facts.imports)

    def _callee_origin(self, rel: str, callee: Ref) -> tuple[str, str] | None:
        facts = self._facts(rel)
        if facts is None:
            return None
        if not callee.path:
            if any(imp.local == callee.name for imp in facts.imports):
                return self.imported_origin(rel, callee.name)
            return rel, callee.name
        if len(callee.path) == 1:
            for imp in facts.imports:
                if imp.local == callee.name and imp.imported == "*":
                    target = self.resolve_module(rel, imp.specifier)
                    return self.exported_local(target, callee.path[0]) if target else None
        return None

    def _forwarders_of(self, rel: str, function: str, depth: int) -> list[tuple[str, Forwarder]]:
        key = (rel, function)
        if key in self._forwarder_memo:
            return self._forwarder_memo[key]
        self._forwarder_memo[key] = []  # a recursive wrapper forwards nothing more
        facts = self._facts(rel)
        if facts is None:
            return []
        # A method is reached through member calls only (see `methods`), never as a bare function.
        found = [(rel, f) for f in facts.forwarders if f.function == function and f.method_of is None]
        for call in facts.calls:
            if call.function != function:
                continue
            for position, arg in enumerate(call.args):
                if not (isinstance(arg, Param) and arg.function == function):
                    continue
                for inner_file, inner in self.forwarders(rel, call.callee, depth + 1, call.instance_of):
                    if inner.param_index == position:
                        found.append((inner_file, Forwarder(function, arg.index, inner.inner)))
        self._forwarder_memo[key] = found
        return found
