"""Server configuration for the real-time collaboration test (rtc.spec.ts).

Galata's configuration, on port 8899 instead of 8888 so that it never holds the
port of the other Galata tests. It runs from the venv that `.ci/rtc.sh`
creates, where jupyter-collaboration is installed.

!! Never use this configuration in production because it
opens the server to the world and provide access to JupyterLab
JavaScript objects through the global window variable.
"""

import tempfile
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.port = 8899  # noqa: F821
# These machines and CI run as root.
c.ServerApp.allow_root = True  # noqa: F821

# A shared document's history, private to this server: a file left by an
# earlier run would merge old cells into a notebook of the same path.
# The same for the file ids the shared documents are named by (by default
# one database per user, shared by every server on the machine).
_state = Path(tempfile.mkdtemp(prefix="nbguard-rtc-"))
c.SQLiteYStore.db_path = str(_state / "ystore.db")  # noqa: F821
c.BaseFileIdManager.db_path = str(_state / "file_id_manager.db")  # noqa: F821
# Forget a document soon after its last client left.
c.YDocExtension.document_cleanup_delay = 1  # noqa: F821
