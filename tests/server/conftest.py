from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

SCHEMA = json.loads(
    (
        Path(__file__).parents[2] / "jupyterlab_nbguard" / "server" / "schema.json"
    ).read_text()
)


def validate(payload: object, definition: str) -> None:
    """Assert ``payload`` matches ``definition`` of the REST contract's schema."""
    schema = {**SCHEMA, "$ref": f"#/definitions/{definition}"}
    errors = sorted(Draft7Validator(schema).iter_errors(payload), key=str)
    assert not errors, [e.message for e in errors]


async def eventually(probe, timeout: float = 10.0, interval: float = 0.05):
    """Await ``probe()`` until it returns something truthy (events are async)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = await probe()
        if result or loop.time() > deadline:
            return result
        await asyncio.sleep(interval)


@pytest.fixture
def start_kernel(jp_fetch):
    async def start() -> str:
        response = await jp_fetch(
            "api", "kernels", method="POST", body=json.dumps({"name": "python3"})
        )
        return json.loads(response.body)["id"]

    return start


@pytest.fixture
def nbguard(jp_fetch):
    """Call an nbguard endpoint and decode its JSON answer."""

    async def call(*parts: str, method: str = "GET", body: object = None):
        raw = None if body is None else json.dumps(body)
        response = await jp_fetch("jupyterlab-nbguard", *parts, method=method, body=raw)
        return json.loads(response.body) if response.body else None

    return call
