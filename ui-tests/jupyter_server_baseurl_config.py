"""Server configuration for the JupyterHub-style smoke test (baseurl.spec.ts).

Galata's configuration under the base URL ``/user/alice/`` (as JupyterHub
serves a user's server), on port 8896 so that it never holds the port of the
other Galata tests (8888).

!! Never use this configuration in production because it
opens the server to the world and provide access to JupyterLab
JavaScript objects through the global window variable.
"""

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.port = 8896  # noqa: F821
c.ServerApp.base_url = "/user/alice/"  # noqa: F821
# These machines and CI run as root.
c.ServerApp.allow_root = True  # noqa: F821
