"""``python -m jupyterlab_nbguard.cli``."""

import sys

from . import main

sys.exit(main())
