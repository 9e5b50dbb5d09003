"""The Select/Ignore settings offer exactly the rules the server knows.

The frontend's settings schema (``schema/plugin.json``) lists the valid
selectors so that the Settings Editor validates them: a typo there used to make
every ``POST check`` a 400 and silently stop checking. The schema is static
(JupyterLab reads it before any request can be made), so this test keeps it
equal to ``ALL_RULES``; when it fails, paste the printed list into both
``select.items.anyOf`` and ``ignore.items.anyOf``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from jupyterlab_nbguard.engine.registry import resolve_rules
from jupyterlab_nbguard.engine.rules import ALL_RULES

PLUGIN_SCHEMA = Path(__file__).parents[2] / "schema" / "plugin.json"


def expected_selectors() -> list[dict[str, str]]:
    """Category prefixes, then every code, then every rule name, titled."""
    prefixes = sorted({code[:4] for code in ALL_RULES})
    return (
        [{"const": p, "title": f"{p}: every {p}xx rule"} for p in prefixes]
        + [{"const": r.code, "title": f"{r.code} {r.name}"} for r in ALL_RULES.values()]
        + [
            {"const": r.name, "title": f"{r.name} ({r.code})"}
            for r in ALL_RULES.values()
        ]
    )


def load_schema() -> dict[str, Any]:
    """Read the frontend's settings schema."""
    schema: dict[str, Any] = json.loads(PLUGIN_SCHEMA.read_text())
    return schema


@pytest.mark.parametrize("field", ["select", "ignore"])
def test_selectors_equal_the_server_rules(field: str) -> None:
    # Given the settings schema and the engine's rules
    prop = load_schema()["properties"][field]
    # Then the field is a list of distinct selectors from exactly that list
    assert prop["type"] == "array"
    assert prop["uniqueItems"] is True
    expected = expected_selectors()
    assert prop["items"]["anyOf"] == expected, (
        "schema/plugin.json is out of date with ALL_RULES; use:\n"
        + json.dumps(expected, indent=2)
    )


def test_every_offered_selector_is_accepted_by_the_server() -> None:
    # Given every selector the Settings Editor offers
    offered = [item["const"] for item in expected_selectors()]
    # When each is used for select, then for ignore
    # Then the server's registry accepts it (no UnknownSelectorError)
    for selector in offered:
        assert resolve_rules([selector], None), selector
        resolve_rules(None, [selector])


def test_schema_rejects_a_typo_and_accepts_known_names() -> None:
    # Given the settings schema as the Settings Editor validates it
    validator = Draft7Validator(load_schema())
    # Then a typo of a rule name is an error, known selectors are not
    assert list(validator.iter_errors({"select": ["stale"]}))
    assert list(validator.iter_errors({"ignore": ["NBG999"]}))
    assert list(validator.iter_errors({"ignore": ["NBG205", "NBG205"]}))
    assert not list(
        validator.iter_errors({"select": ["NBG2", "stale-cell"], "ignore": ["NBG205"]})
    )


def test_show_info_default_is_one_of_its_values() -> None:
    # Given the showInfo setting
    prop = load_schema()["properties"]["showInfo"]
    # Then its default is one of the three places info can go
    values = [choice["const"] for choice in prop["oneOf"]]
    assert values == ["underlines", "panel", "off"]
    assert prop["default"] in values


#: What each rule's entry of the ``rules`` table offers.
RULE_CHOICES = ["default", "error", "warning", "info", "off"]


def test_rules_table_has_one_entry_per_server_rule() -> None:
    # Given the per-rule table of the settings
    prop = load_schema()["properties"]["rules"]
    # Then it is keyed by exactly the server's rule codes, nothing else
    assert prop["type"] == "object"
    assert prop["additionalProperties"] is False
    assert list(prop["properties"]) == list(ALL_RULES), (
        "schema/plugin.json rules table is out of date with ALL_RULES"
    )
    # And each entry names the rule and its own severity, and offers the choices
    for code, entry in prop["properties"].items():
        rule = ALL_RULES[code]
        assert entry["title"] == f"{code} {rule.name} ({rule.severity.value})"
        assert entry["description"] == rule.summary()
        assert entry["enum"] == RULE_CHOICES
        assert entry["default"] == "default"


def test_every_rule_choice_but_default_and_off_is_a_server_severity() -> None:
    # The frontend sends the chosen severities as check's "severity" field
    from jupyterlab_nbguard.server.overrides import SEVERITIES

    assert set(RULE_CHOICES) - {"default", "off"} == set(SEVERITIES)


def test_schema_rejects_a_typo_in_the_rules_table_and_names() -> None:
    # Given the settings schema as the Settings Editor validates it
    validator = Draft7Validator(load_schema())
    # Then an unknown rule, an unknown severity or a non-name is an error
    assert list(validator.iter_errors({"rules": {"NBG999": "off"}}))
    assert list(validator.iter_errors({"rules": {"stale-cell": "off"}}))
    assert list(validator.iter_errors({"rules": {"NBG201": "fatal"}}))
    assert list(validator.iter_errors({"ignoreNames": ["two words"]}))
    # And a valid table is accepted
    assert not list(
        validator.iter_errors(
            {
                "rules": {"NBG205": "warning", "NBG209": "off"},
                "ignoreNames": ["_", "df"],
                "showStatusBar": False,
            }
        )
    )
