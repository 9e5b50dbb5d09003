"""``POST verify/compare``: the comparison over REST, its validation, its
authorization, and NBG301 in ``check`` after a compare with a kernel id."""

from __future__ import annotations

import json

import pytest
from jupyter_server.auth.authorizer import Authorizer
from tornado.httpclient import HTTPClientError

from .conftest import eventually, validate


class Switchable(Authorizer):
    """Allows every action except those a test denies."""

    denied: frozenset[str] = frozenset()

    def is_authorized(self, handler, user, action, resource) -> bool:
        return action not in self.denied


@pytest.fixture
def jp_server_config(jp_server_config):
    return {
        "ServerApp": {**jp_server_config["ServerApp"], "authorizer_class": Switchable}
    }


def stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def vcell(cell_id: str, source: str, before: str, after: str, **extra) -> dict:
    return {
        "id": cell_id,
        "source": source,
        "tags": extra.get("tags", []),
        "before": {"execution_count": 1, "outputs": [stream(before)]},
        "after": {"ran": True, "outputs": [stream(after)]},
    }


CELLS = [
    vcell("a", "x = 3\nprint(x)", "2\n", "3\n"),
    vcell("b", "print(x * 2)", "4\n", "6\n"),
    vcell(
        "c", "print('at 0x7f00aa11bb22')", "at 0x7f0011223344\n", "at 0x7f00aa11bb22\n"
    ),
]


async def expect_error(jp_fetch, status: int, body: str) -> str:
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch(
            "jupyterlab-nbguard", "verify", "compare", method="POST", body=body
        )
    assert caught.value.code == status
    answer = json.loads(caught.value.response.body)
    validate(answer, "ErrorResponse")
    return answer["message"]


async def test_compare_without_kernel(nbguard):
    result = await nbguard(
        "verify", "compare", method="POST", body={"cells": CELLS, "kernel_id": None}
    )
    validate(result, "VerifyCompareResponse")
    assert result["reproduced"] is False
    assert result["first_divergence"] == "a"
    assert [
        (c["cell_id"], c["status"], c["consequence_of"]) for c in result["cells"]
    ] == [
        ("a", "changed", None),
        ("b", "changed", "a"),
        ("c", "same", None),
    ]
    assert (
        result["cells"][0]["diff"]
        == "--- before\n+++ after\n@@ -1,2 +1,2 @@\n [stdout]\n-2\n+3"
    )


async def test_options_and_nbformat_list_forms(nbguard):
    cells = [
        {
            "id": "a",
            "source": ["print(", "0.1 + 0.2)"],
            "before": {
                "execution_count": None,
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": ["0.3", "\n"]}
                ],
            },
            "after": {"ran": True, "outputs": [stream("0.30000000000000004 run=17\n")]},
        }
    ]
    # No saved count, but outputs: it had run, so it is compared
    plain = await nbguard("verify", "compare", method="POST", body={"cells": cells})
    assert plain["cells"][0]["status"] == "changed"
    options = {
        "float_tolerance": 1e-9,
        "sanitizers": [{"regex": r" run=\d+", "replace": ""}],
        "compare_images": True,
    }
    tuned = await nbguard(
        "verify", "compare", method="POST", body={"cells": cells, "options": options}
    )
    assert tuned["reproduced"] is True


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("{}", "cells must be a list"),
        ('{"cells": [7]}', "cells[0] must be an object"),
        ('{"cells": [{"source": ""}]}', "cells[0].id must be a non-empty string"),
        ('{"cells": [{"id": "a", "source": 1}]}', "cells[0].source must be a string"),
        (
            '{"cells": [{"id": "a", "source": "", "tags": "x"}]}',
            "cells[0].tags must be a list",
        ),
        ('{"cells": [{"id": "a", "source": ""}]}', "cells[0].before must be an object"),
        (
            '{"cells": [{"id": "a", "source": "", "before": {"execution_count": -1}}]}',
            "cells[0].before.execution_count",
        ),
        (
            '{"cells": [{"id": "a", "source": "", "before": {"outputs": {}}, "after": {"ran": true}}]}',
            "cells[0].before.outputs must be a list",
        ),
        (
            '{"cells": [{"id": "a", "source": "", "before": {}, "after": {}}]}',
            "cells[0].after.ran must be true or false",
        ),
        (
            '{"cells": [{"id": "a", "source": "", "before": {}, "after": {"ran": true, "outputs": [1]}}]}',
            "cells[0].after.outputs[0] must be an object",
        ),
        (
            '{"cells": [{"id": "a", "source": "", "before": {"outputs": [{"output_type": "weird"}]}, "after": {"ran": true}}]}',
            "cells[0].before.outputs[0].output_type",
        ),
        (
            '{"cells": [{"id": "a", "source": "", "before": {"outputs": [{"output_type": "stream", "name": "stdout", "text": 5}]}, "after": {"ran": true}}]}',
            "cells[0].before.outputs[0].text",
        ),
        (
            '{"cells": [{"id": "a", "source": "", "before": {"outputs": [{"output_type": "error", "ename": "E"}]}, "after": {"ran": true}}]}',
            "cells[0].before.outputs[0].evalue",
        ),
        (
            '{"cells": [{"id": "a", "source": "", "before": {"outputs": [{"output_type": "display_data", "data": []}]}, "after": {"ran": true}}]}',
            "cells[0].before.outputs[0].data",
        ),
        (
            '{"cells": [{"id": "a", "source": "", "before": {}, "after": {"ran": true}}, {"id": "a", "source": "", "before": {}, "after": {"ran": true}}]}',
            "cells[1].id 'a' is used",
        ),
        ('{"cells": [], "kernel_id": 3}', "kernel_id must be a string"),
        ('{"cells": [], "options": []}', "options must be an object"),
        (
            '{"cells": [], "options": {"compare_images": "yes"}}',
            "options.compare_images",
        ),
        (
            '{"cells": [], "options": {"float_tolerance": -1}}',
            "options.float_tolerance",
        ),
        (
            '{"cells": [], "options": {"float_tolerance": true}}',
            "options.float_tolerance",
        ),
        (
            '{"cells": [], "options": {"sanitizers": {}}}',
            "options.sanitizers must be a list",
        ),
        (
            '{"cells": [], "options": {"sanitizers": [{"regex": "(", "replace": ""}]}}',
            "options.sanitizers[0].regex is not a valid",
        ),
        (
            '{"cells": [], "options": {"sanitizers": [{"regex": "a"}]}}',
            "options.sanitizers[0].replace",
        ),
        ("[]", "must be a JSON object"),
    ],
)
async def test_bad_input_is_400_naming_the_field(jp_fetch, body, fragment):
    message = await expect_error(jp_fetch, 400, body)
    assert fragment in message


async def test_unknown_kernel_is_404(jp_fetch):
    message = await expect_error(
        jp_fetch, 404, json.dumps({"cells": CELLS, "kernel_id": "nope"})
    )
    assert "nope" in message


async def test_without_token_is_403(http_server_client, jp_base_url):
    with pytest.raises(HTTPClientError) as caught:
        await http_server_client.fetch(
            f"{jp_base_url}jupyterlab-nbguard/verify/compare",
            method="POST", body=json.dumps({"cells": []}), raise_error=True,
        )  # fmt: skip
    assert caught.value.code == 403


async def test_nbg301_appears_in_check_until_edited_or_restarted(
    nbguard, start_kernel, jp_fetch
):
    kernel_id = await start_kernel()
    check_cells = [
        {
            "id": c["id"],
            "cell_type": "code",
            "source": c["source"],
            "execution_count": None,
        }
        for c in CELLS
    ]
    check = {"cells": check_cells, "kernel_id": kernel_id}

    def nbg301(result):
        return [
            (d["cell_id"], d["related"])
            for d in result["diagnostics"]
            if d["code"] == "NBG301"
        ]

    assert nbg301(await nbguard("check", method="POST", body=check)) == []
    # When the button's comparison is recorded for this kernel
    await nbguard(
        "verify",
        "compare",
        method="POST",
        body={"cells": CELLS, "kernel_id": kernel_id},
    )
    # Then check reports the changed cells, the consequence pointing at its root cause
    result = await nbguard("check", method="POST", body=check)
    validate(result, "CheckResponse")
    found = nbg301(result)
    assert [cell for cell, _related in found] == ["a", "b"]
    assert found[1][1][0]["cell_id"] == "a"
    diagnostic = next(d for d in result["diagnostics"] if d["code"] == "NBG301")
    assert (
        diagnostic["severity"] == "warning" and diagnostic["rule"] == "verify-mismatch"
    )
    assert diagnostic["range"] == {
        "start": {"line": 0, "column": 0},
        "end": {"line": 0, "column": 5},
    }
    # Editing a cell ends its finding
    edited = {
        **check,
        "cells": [{**check_cells[0], "source": "x = 2\nprint(x)"}, *check_cells[1:]],
    }
    assert [
        c for c, _ in nbg301(await nbguard("check", method="POST", body=edited))
    ] == ["b"]
    # Without a kernel id nothing is recorded or reported
    assert (
        nbg301(await nbguard("check", method="POST", body={"cells": check_cells})) == []
    )
    # A restart ends them all
    await jp_fetch("api", "kernels", kernel_id, "restart", method="POST", body="{}")

    async def cleared():
        return nbg301(await nbguard("check", method="POST", body=check)) == []

    assert await eventually(cleared)


async def test_recording_needs_execute_comparing_needs_read(
    nbguard, start_kernel, jp_fetch, monkeypatch
):
    kernel_id = await start_kernel()
    monkeypatch.setattr(Switchable, "denied", frozenset({"execute"}))
    # Comparing only is a read
    result = await nbguard("verify", "compare", method="POST", body={"cells": CELLS})
    assert result["first_divergence"] == "a"
    # Recording for a kernel is like running code in it
    body = json.dumps({"cells": CELLS, "kernel_id": kernel_id})
    message = await expect_error(jp_fetch, 403, body)
    assert "execute" in message and "kernel_id" in message
    # And without read, nothing
    monkeypatch.setattr(Switchable, "denied", frozenset({"read", "execute"}))
    await expect_error(jp_fetch, 403, json.dumps({"cells": CELLS}))
