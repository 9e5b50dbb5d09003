"""Server configuration of the browser benchmarks (ui-tests/bench).

Galata's configuration on a port of the benchmark's own (`NBGUARD_BENCH_PORT`,
never Galata's 8888), serving the folder `NBGUARD_BENCH_ROOT` that
playwright.bench.config.js creates, so that the server with nbguard and the
one without it serve the same files.

!! Never use this configuration in production because it
opens the server to the world and provide access to JupyterLab
JavaScript objects through the global window variable.
"""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.port = int(os.environ["NBGUARD_BENCH_PORT"])  # noqa: F821
c.ServerApp.root_dir = os.environ["NBGUARD_BENCH_ROOT"]  # noqa: F821
# These machines and CI run as root.
c.ServerApp.allow_root = True  # noqa: F821
# Quiet logs: every request is logged at INFO otherwise.
c.ServerApp.log_level = "WARN"  # noqa: F821
