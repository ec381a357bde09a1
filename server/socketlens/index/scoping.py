"""Who receives an emit: its scope, rooms and namespace, from the receiver's kind and its chain."""

from __future__ import annotations

from typing import Sequence

from socketlens.config import RoomPattern
from socketlens.extract.vocabulary import chain_namespace
from socketlens.model import ChainStep, RoomArg, Scope, SocketKind

_SCOPE_OF_PATTERN = {"user": Scope.USER, "org": Scope.ORG}


def room_scope(room: RoomArg, patterns: Sequence[RoomPattern]) -> Scope:
    """USER/ORG when the room starts with that pattern's prefix, ROOM for any other room."""
    if room.prefix is not None:
        for pattern in patterns:
            if pattern.prefix and room.prefix.startswith(pattern.prefix):
                return _SCOPE_OF_PATTERN.get(pattern.scope, Scope.ROOM)
    return Scope.ROOM


def targeted_rooms(chain: Sequence[ChainStep]) -> list[RoomArg]:
    return [room for step in chain if step.name in ("to", "in") for room in step.rooms]


def classify(
    kind: SocketKind | None, chain: Sequence[ChainStep], patterns: Sequence[RoomPattern]
) -> Scope:
    names = {step.name for step in chain}
    room_steps = [step for step in chain if step.name in ("to", "in")]
    if kind == SocketKind.CLIENT_SOCKET:
        return Scope.SERVER
    if room_steps:
        rooms = targeted_rooms(chain)
        if not rooms:  # only `to([])`: socket.io sends to every socket
            return Scope.BROADCAST if kind != SocketKind.SERVER_SOCKET else Scope.BROADCAST_EXCEPT_SENDER
        scopes = {room_scope(room, patterns) for room in rooms}
        return scopes.pop() if len(scopes) == 1 else Scope.ROOM
    if kind in (SocketKind.SERVER, SocketKind.NAMESPACE):
        return Scope.BROADCAST
    if kind == SocketKind.SERVER_SOCKET:
        return Scope.BROADCAST_EXCEPT_SENDER if "broadcast" in names else Scope.SOCKET
    if "broadcast" in names:
        return Scope.BROADCAST_EXCEPT_SENDER
    return Scope.UNKNOWN


def namespace_of(kind: SocketKind | None, root_namespace: str | None, chain: Sequence[ChainStep]) -> str | None:
    if kind == SocketKind.CLIENT_SOCKET:
        return None
    if any(step.name == "of" for step in chain):
        return chain_namespace(chain)
    if root_namespace is not None:
        return root_namespace
    return "/" if kind == SocketKind.SERVER else None
