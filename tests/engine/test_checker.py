"""The engine's front door: warming up before the first check."""

from __future__ import annotations


def test_warm_up_loads_ipythons_transformer_in_a_fresh_process():
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from jupyterlab_nbguard.engine import Engine\n"
        "engine = Engine()\n"
        "assert 'IPython.core.inputtransformer2' not in sys.modules\n"
        "engine.warm_up()\n"
        "assert 'IPython.core.inputtransformer2' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
