"""The REST contract as an OpenAPI 3.1 document, built from ``schema.json``.

One source of truth: the JSON Schema definitions that validate responses in
tests and generate the TypeScript types are the document's components.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("schema.json")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(name)}},
    }


def _errors(*codes: int) -> dict[str, Any]:
    meaning = {
        400: "Bad input; the message names the field",
        403: "Not authenticated or not authorized",
        404: "Unknown kernel",
        409: "The kernel is busy or cannot be probed now",
        413: "Body over the configured limit",
    }
    return {str(c): _json("ErrorResponse", meaning[c]) for c in codes}


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                v.replace("#/definitions/", "#/components/schemas/")
                if k == "$ref"
                else _rewrite(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


@cache
def openapi_document(version: str) -> dict[str, Any]:
    """Return the OpenAPI document (paths relative to the server's base URL)."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    kernel_id = {
        "name": "kernel_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    read = {"403": _errors(403)["403"]}
    paths = {
        "/jupyterlab-nbguard/version": {
            "get": {
                "operationId": "version",
                "summary": "The package and API versions",
                "responses": {"200": _json("VersionResponse", "Versions"), **read},
            }
        },
        "/jupyterlab-nbguard/rules": {
            "get": {
                "operationId": "rules",
                "summary": "Every rule with its documentation",
                "responses": {"200": _json("RulesResponse", "The rules"), **read},
            }
        },
        "/jupyterlab-nbguard/check": {
            "post": {
                "operationId": "check",
                "summary": "Diagnostics for the notebook as it is now",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("CheckRequest")}},
                },
                "responses": {
                    "200": _json("CheckResponse", "The diagnostics"),
                    **_errors(400, 403, 404, 413),
                },
            }
        },
        "/jupyterlab-nbguard/kernels/{kernel_id}/history": {
            "parameters": [kernel_id],
            "get": {
                "operationId": "history",
                "summary": "Executions since the kernel's last (re)start",
                "responses": {
                    "200": _json("HistoryResponse", "The history"),
                    **_errors(403, 404),
                },
            },
            "delete": {
                "operationId": "forgetHistory",
                "summary": "Forget the history, as if the kernel had restarted",
                "responses": {"204": {"description": "Forgotten"}, **_errors(403, 404)},
            },
        },
        "/jupyterlab-nbguard/kernels/{kernel_id}/namespace": {
            "parameters": [kernel_id],
            "get": {
                "operationId": "namespace",
                "summary": "Names live in the kernel, with type and size",
                "responses": {
                    "200": _json("NamespaceResponse", "The live names"),
                    **_errors(400, 403, 404, 409),
                },
            },
        },
        "/jupyterlab-nbguard/verify/compare": {
            "post": {
                "operationId": "verifyCompare",
                "summary": "Compare outputs before and after a restart-and-run",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _ref("VerifyCompareRequest")}
                    },
                },
                "responses": {
                    "200": _json("VerifyCompareResponse", "The comparison"),
                    **_errors(400, 403, 404, 413),
                },
            }
        },
        "/jupyterlab-nbguard/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **read,
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "nbguard",
            "version": version,
            "description": "Hidden-state analysis of Jupyter notebooks (contract v1).",
        },
        "paths": paths,
        "components": {
            "schemas": _rewrite(schema["definitions"]),
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "'token <Jupyter server token>'",
                }
            },
        },
        "security": [{"token": []}],
    }
