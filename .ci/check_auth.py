"""Fail if any nbguard route lacks authentication (after the extension template).

Loads only this extension with unauthenticated access disallowed and
``JupyterServerAuthWarning`` turned into an error: Jupyter Server raises it for
any handler method that is neither ``@web.authenticated`` nor explicitly
``@allow_unauthenticated``, and then refuses to load the extension.
"""

from __future__ import annotations

import logging
import warnings

from jupyter_server.serverapp import ServerApp
from jupyter_server.utils import JupyterServerAuthWarning


class _Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "nbguard" in message and "fail" in message.lower():
            self.messages.append(message)


def main() -> None:
    """Load the extension strictly; exit non-zero on any unauthenticated route."""
    warnings.simplefilter("error", JupyterServerAuthWarning)
    failures = _Failures()
    app = ServerApp()
    app.log.addHandler(failures)
    app.initialize(
        argv=[
            "--ServerApp.jpserver_extensions={'jupyterlab_nbguard': True}",
            "--ServerApp.allow_unauthenticated_access=False",
        ],
        find_extensions=False,
    )
    routes = [
        rule.matcher.regex.pattern
        for host in app.web_app.default_router.rules
        for rule in getattr(host.target, "rules", [])
        if "jupyterlab-nbguard" in rule.matcher.regex.pattern
    ]
    if failures.messages or not routes:
        problem = failures.messages or "no nbguard routes"
        raise SystemExit(f"check_auth failed: {problem}")
    print(f"check_auth: {len(routes)} nbguard routes, all require authentication")


if __name__ == "__main__":
    main()
