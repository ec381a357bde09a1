"""socketlens: the socket.io events of a whole monorepo, indexed for editors and CI."""

__version__ = "0.1.0"
