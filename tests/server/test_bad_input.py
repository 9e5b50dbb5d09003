"""Bad input gets a JSON 4xx naming the problem, never a 500; no token, no entry."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import validate


async def expect_error(jp_fetch, status: int, *parts: str, **kwargs) -> str:
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("jupyterlab-nbguard", *parts, **kwargs)
    assert caught.value.code == status
    body = json.loads(caught.value.response.body)
    validate(body, "ErrorResponse")
    return body["message"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("{not json", "not valid JSON"),
        (b"\xff\xfe{}".decode("latin-1"), "not valid JSON"),
        ("[]", "must be a JSON object"),
        ("{}", "cells is required"),
        ('{"cells": {}}', "cells must be a list"),
        ('{"cells": [1]}', "cells[0] must be an object"),
        ('{"cells": [{"cell_type": "code", "source": ""}]}', "cells[0].id"),
        (
            '{"cells": [{"id": "a", "cell_type": "py", "source": ""}]}',
            "cells[0].cell_type",
        ),
        (
            '{"cells": [{"id": "a", "cell_type": "code", "source": 3}]}',
            "cells[0].source",
        ),
        (
            '{"cells": [{"id": "a", "cell_type": "code", "source": "", '
            '"execution_count": "1"}]}',
            "cells[0].execution_count",
        ),
        (
            '{"cells": [{"id": "a", "cell_type": "code", "source": ""},'
            ' {"id": "a", "cell_type": "code", "source": ""}]}',
            "cells[1].id",
        ),
        ('{"cells": [], "kernel_id": 7}', "kernel_id must be a string"),
        ('{"cells": [], "select": "NBG201"}', "select must be a list"),
        ('{"cells": [], "ignore": ["NOPE9"]}', "ignore: unknown rule 'NOPE9'"),
    ],
)
async def test_check_rejects_bad_bodies_with_a_message_naming_the_field(
    jp_fetch, body, fragment
):
    message = await expect_error(jp_fetch, 400, "check", method="POST", body=body)
    assert fragment in message


async def test_check_with_unknown_kernel_is_404(jp_fetch):
    body = json.dumps({"cells": [], "kernel_id": "no-such-kernel"})
    message = await expect_error(jp_fetch, 404, "check", method="POST", body=body)
    assert "no-such-kernel" in message


async def test_history_of_unknown_kernel_is_404(jp_fetch):
    message = await expect_error(jp_fetch, 404, "kernels", "nope", "history")
    assert "nope" in message


async def test_body_over_the_limit_is_413(jp_fetch, jp_serverapp):
    app = jp_serverapp.extension_manager.extension_apps["jupyterlab_nbguard"]
    limit = next(iter(app)).max_body_bytes
    big = json.dumps({"cells": [], "pad": "x" * limit})
    await expect_error(jp_fetch, 413, "check", method="POST", body=big)


async def test_check_without_kernel_uses_saved_counts(nbguard):
    # Given cells saved out of order, with no kernel
    cells = [
        {"id": "c", "cell_type": "code", "source": "x = 5", "execution_count": 3},
        {"id": "b", "cell_type": "code", "source": "y = x * 2", "execution_count": 2},
        {"id": "m", "cell_type": "markdown", "source": "# notes"},
    ]
    # When checked
    result = await nbguard("check", method="POST", body={"cells": cells})
    # Then the counts stand in for the history
    validate(result, "CheckResponse")
    assert result["kernel"] is None
    found = [(d["code"], d["cell_id"]) for d in result["diagnostics"]]
    assert ("NBG201", "b") in found  # x rebound above, as [3], after b ran as [2]


async def test_select_and_ignore(nbguard):
    cells = [{"id": "a", "cell_type": "code", "source": "print(missing)"}]
    everything = await nbguard("check", method="POST", body={"cells": cells})
    assert [d["code"] for d in everything["diagnostics"]] == ["NBG102"]
    ignored = await nbguard(
        "check", method="POST", body={"cells": cells, "ignore": ["undefined-name"]}
    )
    assert ignored["diagnostics"] == []
    selected = await nbguard(
        "check", method="POST", body={"cells": cells, "select": ["NBG2"]}
    )
    assert selected["diagnostics"] == []


async def test_version_and_rules(nbguard):
    version = await nbguard("version")
    validate(version, "VersionResponse")
    assert version["api"] == 1
    rules = await nbguard("rules")
    validate(rules, "RulesResponse")
    names = {r["code"]: r["rule"] for r in rules["rules"]}
    assert names["NBG201"] == "stale-cell"
    assert names["NBG101"] == "use-before-def"
    assert all(r["summary"] and r["description"] for r in rules["rules"])


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "version", None),
        ("GET", "rules", None),
        ("POST", "check", "{}"),
        ("GET", "kernels/x/history", None),
        ("DELETE", "kernels/x/history", None),
    ],
)
async def test_requests_without_token_are_refused(
    http_server_client, jp_base_url, method, path, body
):
    with pytest.raises(HTTPClientError) as caught:
        await http_server_client.fetch(
            f"{jp_base_url}jupyterlab-nbguard/{path}",
            method=method,
            body=body,
            raise_error=True,
        )
    assert caught.value.code == 403
