"""``docs/api.md`` is the project's own contract: kept equal to what the server serves.

Every operation of the OpenAPI document (built from ``server/schema.json``) is
named in the page, every status the page promises for errors is one the schema
declares, and the rule table is the generated one.
"""

from __future__ import annotations

import re
from pathlib import Path

from jupyterlab_nbguard._version import __version__
from jupyterlab_nbguard.engine.rules.docs import readme_table
from jupyterlab_nbguard.server.openapi import openapi_document

ROOT = Path(__file__).parents[2]
PAGE = (ROOT / "docs" / "api.md").read_text()


def test_every_operation_is_documented():
    paths = openapi_document(__version__)["paths"]
    missing = []
    for path, operations in paths.items():
        short = path.split("jupyterlab-nbguard/", 1)[-1]
        for method in operations:
            if method not in {"get", "post", "put", "delete", "patch"}:
                continue  # "parameters" shared by the operations of a path
            # the page writes "`GET  rules`" or "`POST check`" (spacing varies)
            pattern = rf"`{method.upper()}\s+{re.escape(short)}`"
            if method.upper() == "DELETE":
                pattern = rf"`DELETE {re.escape(short)}`"
            if not re.search(pattern, PAGE):
                missing.append(f"{method.upper()} {short}")
    assert missing == [], f"docs/api.md does not describe: {missing}"


def test_the_rule_table_is_the_generated_one():
    assert readme_table("rules.md") in PAGE, (
        "docs/api.md's rule table is out of date: run "
        "python -m jupyterlab_nbguard.engine.rules.docs --readme"
    )


def test_the_project_points_at_its_own_docs():
    # files a reader meets must not send them to a folder outside the project
    for name in (
        "jupyterlab_nbguard/server/schema.json",
        "jest.config.js",
        "bench/README.md",
        "bench/_live_http.py",
        "README.md",
    ):
        assert "shared/" not in (ROOT / name).read_text(), name
