"""Observe kernel websocket traffic without touching it.

Jupyter Server proxies every client's kernel messages through one connection
class (``ServerApp.kernel_websocket_connection_class``: ZeroMQ for local
kernels, the gateway's for remote ones). nbguard subclasses whichever class the
server uses and reads each message before handing it on unchanged, so every
client is seen (notebook tabs, consoles, other tools) and the kernel pays
nothing.
"""

from __future__ import annotations

from typing import Any

from ..history import ExecutionObserver


def observing_connection_class(
    base: type[Any], observer: ExecutionObserver
) -> type[Any]:
    """Return a subclass of ``base`` that shows every message to ``observer``.

    The observer is called before the message is forwarded, so the history
    knows a reply before the client that asked for it does; it never raises,
    and the message object passed on is the very one received.
    """

    class ObservingConnection(base):  # type: ignore[misc]
        __doc__ = f"{base.__name__}, with nbguard reading executions as they pass."

        def handle_incoming_message(self, incoming_msg: Any) -> None:
            observer.client_message(self.kernel_id, incoming_msg, id(self))
            super().handle_incoming_message(incoming_msg)

        def handle_outgoing_message(self, *args: Any) -> None:
            observer.kernel_message(self.kernel_id, args)
            super().handle_outgoing_message(*args)

        def disconnect(self) -> Any:
            observer.connection_closed(self.kernel_id, id(self))
            return super().disconnect()

    ObservingConnection.__name__ = f"NbGuard{base.__name__}"
    ObservingConnection.__qualname__ = ObservingConnection.__name__
    return ObservingConnection
