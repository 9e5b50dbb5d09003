"""Benchmark-only server extension: choose, per kernel websocket, whether nbguard
observes it.

nbguard observes kernel traffic through one hook, the websocket connection
class it puts in the server's settings (``kernel_websocket_connection_class``).
Jupyter Server reads that setting each time a kernel websocket opens, so a
server can hold observed and unobserved connections side by side: the same
process, the same memory layout and hash seed, the same core. Comparing their
CPU is free of the several per cent by which two identical server processes
differ for their whole life (see :mod:`bench.paired`).

``POST nbguard-bench/observe?on=1|0`` sets the class that websockets opened
from then on use: nbguard's, or the class nbguard wrapped. Loaded by the
benchmark's servers only (``--ServerApp.jpserver_extensions``), never by
nbguard itself.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

CLASS = "kernel_websocket_connection_class"
#: Where the observing class is kept once the switch first ran.
OBSERVED = "nbguard_bench_observed_class"


class ObserveSwitchHandler(JupyterHandler):
    """Set which connection class new kernel websockets get."""

    @web.authenticated
    def post(self) -> None:
        settings = self.settings  # the web application's own dict
        observed = settings.setdefault(OBSERVED, settings.get(CLASS))
        if observed is None or not observed.__name__.startswith("NbGuard"):
            raise web.HTTPError(409, f"nbguard does not hook websockets: {observed}")
        on = self.get_argument("on") == "1"
        chosen = observed if on else observed.__mro__[1]  # the class it wrapped
        settings[CLASS] = chosen
        self.finish({"class": chosen.__name__, "observed": on})


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "bench._observe_switch"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    route = url_path_join(serverapp.base_url, "nbguard-bench/observe")
    serverapp.web_app.add_handlers(".*$", [(route, ObserveSwitchHandler)])
