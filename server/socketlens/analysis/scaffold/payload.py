"""The payload shape the user types (`leadId: string, name: string, score?: number, tags: string[],
owner: UserRef`), parsed into fields and rendered as a TypeScript object type."""

from __future__ import annotations

from dataclasses import dataclass

PRIMITIVES = frozenset(
    {"string", "number", "boolean", "bigint", "null", "undefined", "unknown", "any", "never", "object", "true", "false"}
)
# Names that look like a whole record rather than a reference to one.
_RECORD_HINTS = ("Dto", "Record", "Entity", "Model", "Row", "Details")


class PayloadError(ValueError):
    """The payload text cannot be parsed; the message says where."""


@dataclass(frozen=True)
class PayloadField:
    name: str
    type: str  # TypeScript type text, whitespace-normalised
    optional: bool = False

    @property
    def named_types(self) -> list[str]:
        """Type names the field refers to that are not built in (`UserRef`, `DealStage`)."""
        return [word for word in _identifiers(self.type) if word not in PRIMITIVES and word not in ("Array", "Record", "Partial", "Readonly", "ReadonlyArray")]


@dataclass(frozen=True)
class Payload:
    fields: tuple[PayloadField, ...]

    def type_text(self, separator: str = ";") -> str:
        """`{ leadId: string; name: string }` (separator `;` or `,` as the target file writes them)."""
        if not self.fields:
            return "Record<string, never>"
        parts = [f"{f.name}{'?' if f.optional else ''}: {f.type}" for f in self.fields]
        return "{ " + f"{separator} ".join(parts) + " }"

    def field(self, name: str) -> PayloadField | None:
        for item in self.fields:
            if item.name == name:
                return item
        return None


def parse_payload(text: str) -> Payload:
    """`a: string, b?: number[]` (an optional surrounding `{ }` and `;` separators are accepted too)."""
    body = text.strip()
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1].strip()
    if not body:
        return Payload(())
    fields: list[PayloadField] = []
    seen: set[str] = set()
    for part in _split_top_level(body):
        part = part.strip()
        if not part:
            continue
        colon = _top_level_colon(part)
        if colon < 0:
            raise PayloadError(f"field {part!r} has no type: write it as `{part}: string`")
        name = part[:colon].strip()
        type_text = " ".join(part[colon + 1 :].split())
        optional = name.endswith("?")
        name = name.rstrip("?").strip()
        if not _is_identifier(name):
            raise PayloadError(f"{name!r} is not a valid field name")
        if name in seen:
            raise PayloadError(f"field {name!r} is listed twice")
        if not type_text:
            raise PayloadError(f"field {name!r} has an empty type")
        _check_balanced(type_text, name)
        seen.add(name)
        fields.append(PayloadField(name, type_text, optional))
    return Payload(tuple(fields))


def record_warnings(payload: Payload, object_types: set[str]) -> list[str]:
    """Fields that look like whole records: payloads should carry IDs and let the client re-fetch.
    `object_types` are the named types known to be interfaces or object types."""
    warnings: list[str] = []
    for item in payload.fields:
        names = item.named_types
        inline_object = "{" in item.type
        record = inline_object or any(n in object_types or n.endswith(_RECORD_HINTS) for n in names)
        if record:
            warnings.append(
                f"`{item.name}: {item.type}` looks like a whole record: payloads should carry IDs "
                f"(e.g. `{item.name}Id: string`) and let the client re-fetch the details"
            )
    return warnings


def _identifiers(type_text: str) -> list[str]:
    words: list[str] = []
    current = ""
    in_string: str | None = None
    for ch in type_text + " ":
        if in_string:
            if ch == in_string:
                in_string = None
            continue
        if ch in "'\"`":
            in_string = ch
            current = ""
            continue
        if ch.isalnum() or ch in "_$.":
            current += ch
        else:
            if current and not current[0].isdigit():
                words.append(current.split(".", 1)[0])
            current = ""
    return words


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current = ""
    quote: str | None = None
    for i, ch in enumerate(text):
        if quote:
            current += ch
            if ch == quote:
                quote = None
            continue
        if ch in "'\"`":
            quote = ch
        elif ch in "<({[":
            depth += 1
        elif ch in ">)}]" and not (ch == ">" and i > 0 and text[i - 1] == "="):
            depth -= 1
        elif ch in ",;" and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += ch
    parts.append(current)
    return parts


def _top_level_colon(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "<({[":
            depth += 1
        elif ch in ">)}]":
            depth -= 1
        elif ch == ":" and depth == 0:
            return i
    return -1


def _check_balanced(type_text: str, name: str) -> None:
    pairs = {")": "(", "]": "[", "}": "{", ">": "<"}
    stack: list[str] = []
    for i, ch in enumerate(type_text):
        if ch in "([{<":
            stack.append(ch)
        elif ch in pairs:
            if ch == ">" and i > 0 and type_text[i - 1] == "=":
                continue  # `=>` of a function type
            if not stack or stack.pop() != pairs[ch]:
                raise PayloadError(f"unbalanced brackets in the type of {name!r}: {type_text}")
    if stack:
        raise PayloadError(f"unbalanced brackets in the type of {name!r}: {type_text}")


def _is_identifier(name: str) -> bool:
    return bool(name) and not name[0].isdigit() and all(ch.isalnum() or ch in "_$" for ch in name)


def fields_of_declaration(payload: str | None) -> str:
    """The payload fields of a declared handler's parameter list (`payload: { leadId: string }` ->
    `leadId: string`); "" when the parameter is not an inline object type."""
    if not payload:
        return ""
    first = _split_top_level(payload.replace(";", "\x00"))[0].replace("\x00", ";")
    colon = _top_level_colon(first)
    type_text = first[colon + 1 :].strip() if colon >= 0 else ""
    if type_text.startswith("{") and type_text.endswith("}"):
        return ", ".join(p.strip() for p in _split_top_level(type_text[1:-1]) if p.strip())
    return ""
