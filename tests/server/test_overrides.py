"""Per-rule severities and ignored names are applied by the server (``POST check``).

The frontend's per-rule settings reach the server as ``severity`` and
``ignore_names``, so that what the REST API answers is what the editor shows.
"""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_nbguard.engine import Diagnostic
from jupyterlab_nbguard.engine.diagnostic import Severity
from jupyterlab_nbguard.server.overrides import Overrides

from .conftest import validate
from .kernel_client import V1, KernelWebsocket
from .scenarios import by_code, code_cell

#: ``total`` reads ``prices`` that only the cell below defines (NBG101, error);
#: ``x`` is never defined (NBG102, error).
CELLS = [
    code_cell("total", "total = sum(prices)"),
    code_cell("prices", "prices = [1, 2]"),
    code_cell("other", "y = x + 1"),
]


async def test_severity_override_changes_only_that_rule(nbguard):
    # Given a notebook with a use-before-def and an undefined name (both errors)
    plain = await nbguard("check", method="POST", body={"cells": CELLS})
    assert [d["severity"] for d in by_code(plain["diagnostics"], "NBG101")] == ["error"]
    # When the check asks for use-before-def as info, by rule name
    result = await nbguard(
        "check",
        method="POST",
        body={"cells": CELLS, "severity": {"use-before-def": "info"}},
    )
    # Then that rule's finding is info, the other rule's stays an error
    validate(result, "CheckResponse")
    [ubd] = by_code(result["diagnostics"], "NBG101")
    assert ubd["severity"] == "info"
    assert [d["severity"] for d in by_code(result["diagnostics"], "NBG102")] == [
        "error"
    ]
    # And everything but the severity is what the plain check said
    [before] = by_code(plain["diagnostics"], "NBG101")
    assert {**before, "severity": "info"} == ubd


async def test_severity_override_by_code_with_a_kernel(
    nbguard, jp_ws_fetch, start_kernel
):
    # Given a cell that ran, then was edited (edited-since-run, a warning)
    kernel_id = await start_kernel()
    tab = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1, session_id="nb")
    assert (await tab.run("a = 1", "first"))["status"] == "ok"
    cells = [code_cell("first", "a = 2")]
    body = {"cells": cells, "kernel_id": kernel_id, "severity": {"NBG202": "error"}}
    # When checked against the kernel with NBG202 raised to error
    result = await nbguard("check", method="POST", body=body)
    # Then the REST answer carries the overridden severity
    validate(result, "CheckResponse")
    assert [d["severity"] for d in by_code(result["diagnostics"], "NBG202")] == [
        "error"
    ]
    tab.close()


async def test_ignore_names_drops_findings_about_those_names_only(nbguard):
    # When the check ignores the name x
    result = await nbguard(
        "check", method="POST", body={"cells": CELLS, "ignore_names": ["x"]}
    )
    # Then the undefined x is not reported, the use of prices still is
    assert by_code(result["diagnostics"], "NBG102") == []
    assert len(by_code(result["diagnostics"], "NBG101")) == 1


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("severity", {"stale": "error"}, "'stale' is not a rule"),
        ("severity", {"NBG201": "fatal"}, "severity['NBG201'] must be"),
        ("severity", ["NBG201"], "severity must be an object"),
        ("ignore_names", "x", "ignore_names must be a list"),
    ],
)
async def test_bad_overrides_are_a_400_naming_the_field(jp_fetch, field, value, named):
    # When a check sends a typo in an override
    with pytest.raises(HTTPClientError) as raised:
        await jp_fetch(
            "jupyterlab-nbguard",
            "check",
            method="POST",
            body=json.dumps({"cells": CELLS, field: value}),
        )
    # Then the answer is a 400 that says which entry is wrong
    assert raised.value.code == 400
    assert named in json.loads(raised.value.response.body)["message"]


async def test_version_announces_the_features(nbguard):
    answer = await nbguard("version")
    validate(answer, "VersionResponse")
    assert {"severity", "history-events"} <= set(answer["features"])


def test_untouched_findings_keep_their_cached_text():
    # Given two findings, one of an overridden rule
    kept = Diagnostic(
        "NBG102", "undefined-name", Severity.ERROR, "c", "m", names=("x",)
    )
    changed = Diagnostic("NBG205", "run-order", Severity.INFO, "c", "m")
    text = kept.json_text
    # When the overrides are applied
    result = Overrides({"NBG205": Severity.WARNING}).apply([kept, changed])
    # Then the untouched finding is the same object (its JSON is not redone)
    assert result[0] is kept and result[0].json_text is text
    assert result[1].severity is Severity.WARNING
    assert json.loads(result[1].json_text)["severity"] == "warning"
