"""``POST verify/compare`` never answers 500: odd outputs, odd options, and a
kernel that restarts or shuts down while the comparison waits for the worker.

The races are made deterministic by holding nbguard's single worker thread
(the one that compares and checks) until the kernel has changed under the
request, with a real kernel each time.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import eventually, validate


def html(text: str) -> dict:
    return {"output_type": "display_data", "data": {"text/html": text}, "metadata": {}}


def vcell(cell_id: str, before: list[dict], after: list[dict]) -> dict:
    return {
        "id": cell_id,
        "source": f"show_{cell_id}()",
        "tags": [],
        "before": {"execution_count": 1, "outputs": before},
        "after": {"ran": True, "outputs": after},
    }


#: A cell whose outputs differ before and after: compared in the worker thread.
DIVERGING = [
    vcell("a", [{"output_type": "stream", "name": "stdout", "text": "1\n"}],
          [{"output_type": "stream", "name": "stdout", "text": "2\n"}]),
]  # fmt: skip


def nbguard_app(jp_serverapp):
    [app] = jp_serverapp.extension_manager.extension_apps["jupyterlab_nbguard"]
    return app


@pytest.fixture
def held_worker(jp_serverapp) -> Iterator[Callable[[], None]]:
    """Occupy nbguard's worker thread; call the fixture's value to let it go."""
    app = nbguard_app(jp_serverapp)
    gate = threading.Event()
    # (the engine's warm-up may still hold it: wait for that first)
    app.pool.submit(lambda: None).result(timeout=30)
    app.pool.submit(gate.wait, 30)
    yield gate.set
    gate.set()


async def compare(jp_fetch, body: dict) -> dict:
    response = await jp_fetch(
        "jupyterlab-nbguard", "verify", "compare", method="POST", body=json.dumps(body)
    )
    assert response.code == 200
    answer = json.loads(response.body)
    validate(answer, "VerifyCompareResponse")
    return answer


async def queued_behind(jp_serverapp) -> bool:
    """Whether a comparison waits in the worker's queue (the held task runs)."""
    return nbguard_app(jp_serverapp).pool._work_queue.qsize() >= 1


async def nbg301(nbguard_call, kernel_id: str) -> list[str]:
    cells = [{"id": "a", "cell_type": "code", "source": "show_a()"}]
    result = await nbguard_call(
        "check", method="POST", body={"cells": cells, "kernel_id": kernel_id}
    )
    return [d["cell_id"] for d in result["diagnostics"] if d["code"] == "NBG301"]


@pytest.mark.parametrize(
    "markup",
    [
        "<p>a<![x b]]>c</p>",  # the standard parser: "unknown status keyword"
        "<div><![<span>shown</span></div>",  # "expected name token"
        "<![if !supportLists]>1.<![endif]> item",  # Word's conditional comments
        "<table><tr><td><![CDATA[x]]></td></tr></table>",
    ],
)
async def test_html_the_standard_parser_refuses_is_compared(jp_fetch, markup):
    # The outputs differ, so both are normalised: their visible text is read
    cells = [vcell("a", [html(markup)], [html(markup + "<p>more</p>")])]
    answer = await compare(jp_fetch, {"cells": cells})
    assert answer["cells"][0]["status"] == "changed"
    assert "+more" in answer["cells"][0]["diff"]


async def test_a_tolerance_no_float_can_hold_is_400_naming_it(jp_fetch):
    body = '{"cells": [], "options": {"float_tolerance": 1' + "0" * 400 + "}}"
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch(
            "jupyterlab-nbguard", "verify", "compare", method="POST", body=body
        )
    assert caught.value.code == 400
    assert (
        "options.float_tolerance" in json.loads(caught.value.response.body)["message"]
    )


async def test_a_restart_during_the_comparison_does_not_mark_the_new_kernel(
    jp_fetch, jp_serverapp, nbguard, start_kernel, held_worker
):
    kernel_id = await start_kernel()
    store = nbguard_app(jp_serverapp).sessions.store
    epoch = store.kernel(kernel_id).epoch
    request = asyncio.ensure_future(
        compare(jp_fetch, {"cells": DIVERGING, "kernel_id": kernel_id})
    )
    assert await eventually(lambda: queued_behind(jp_serverapp))
    # When the kernel restarts while the comparison waits for the worker
    await jp_fetch("api", "kernels", kernel_id, "restart", method="POST", body="{}")

    async def restarted() -> bool:
        return store.kernel(kernel_id).epoch > epoch

    assert await eventually(restarted)
    held_worker()
    # Then the comparison is answered
    answer = await request
    assert answer["first_divergence"] == "a"
    # And its result went with the kernel session it was made in: the fresh
    # kernel never ran the cell, so it has no verify-mismatch on it
    assert await nbg301(nbguard, kernel_id) == []


async def test_a_shutdown_during_the_comparison_is_answered_and_forgotten(
    jp_fetch, jp_serverapp, start_kernel, held_worker
):
    kernel_id = await start_kernel()
    store = nbguard_app(jp_serverapp).sessions.store
    store.kernel(kernel_id)  # (as the first execution or check makes it)
    request = asyncio.ensure_future(
        compare(jp_fetch, {"cells": DIVERGING, "kernel_id": kernel_id})
    )
    assert await eventually(lambda: queued_behind(jp_serverapp))
    # When the kernel shuts down while the comparison waits for the worker
    await jp_fetch("api", "kernels", kernel_id, method="DELETE")

    async def forgotten() -> bool:
        return kernel_id not in store

    assert await eventually(forgotten)
    held_worker()
    # Then the comparison is still answered (the outputs were compared)
    answer = await request
    assert [c["status"] for c in answer["cells"]] == ["changed"]
    # And the kernel that is gone gets no history back
    assert kernel_id not in store


async def test_concurrent_comparisons_for_one_kernel_all_answer(
    jp_fetch, nbguard, start_kernel
):
    kernel_id = await start_kernel()
    same = [vcell("a", [html("<b>1</b>")], [html("<b>1</b>")])]
    bodies = [
        {"cells": DIVERGING if i % 2 else same, "kernel_id": kernel_id}
        for i in range(8)
    ]
    answers = await asyncio.gather(*(compare(jp_fetch, b) for b in bodies))
    assert [a["reproduced"] for a in answers] == [i % 2 == 0 for i in range(8)]
