"""Whatever outputs a client sends, ``verify/compare`` answers 400 or a comparison.

Hypothesis builds request bodies over the shapes an output can take (known
and unknown output types, fields of every JSON type, markup and control
characters in the text) and runs them through the handler's own steps: the
validation, then the comparison (with and without normalising), the result's
JSON. Anything but a 400 raised by the validation would be a 500.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tornado import web

from jupyterlab_nbguard.server.verify_handlers import (
    parse_options,
    parse_verify_cells,
    verified_cells,
)
from jupyterlab_nbguard.verify import verify, verify_unchanged

#: Pieces that exercise the normaliser and the HTML reader.
PIECES = st.sampled_from(
    ["<![", "<![x", "<!--", "-->", "<p>", "</p>", "<td>", "<tr>", "<pre>", "<script>",
     "<style>", "&#x", "&amp;", "]]>", "\r", "\b", "\x1b[31m", "0x7f00aa11bb22",
     "12:30:01", "2026-12-01", "1.5e999", "nan", "T_1a2b3", " ", "\n", "\ud800", "x"]
)  # fmt: skip
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=8).map("".join)
SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT
)
JSON = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)
    ),
    max_leaves=8,
)
MIME = st.sampled_from(
    ["text/plain", "text/html", "image/png", "application/json", "text/markdown",
     "application/vnd.jupyter.widget-view+json", "text/x-odd", "application/pdf"]
)  # fmt: skip
BUNDLE = st.dictionaries(MIME, st.one_of(TEXT, st.lists(TEXT, max_size=3), JSON))
OUTPUT = st.one_of(
    st.fixed_dictionaries(
        {"output_type": st.just("stream"), "name": st.one_of(TEXT, JSON),
         "text": st.one_of(TEXT, st.lists(TEXT, max_size=3), JSON)}
    ),
    st.fixed_dictionaries(
        {"output_type": st.sampled_from(["display_data", "execute_result"]),
         "data": st.one_of(BUNDLE, JSON), "metadata": JSON}
    ),
    st.fixed_dictionaries(
        {"output_type": st.just("error"), "ename": st.one_of(TEXT, JSON),
         "evalue": st.one_of(TEXT, JSON), "traceback": st.one_of(st.lists(TEXT), JSON)}
    ),
    st.dictionaries(TEXT, JSON, max_size=3),
    JSON,
)  # fmt: skip
SIDE = st.fixed_dictionaries(
    {"execution_count": st.one_of(st.none(), st.integers(-1, 10**30), JSON),
     "ran": st.one_of(st.booleans(), JSON),
     "outputs": st.one_of(st.lists(OUTPUT, max_size=3), JSON)}
)  # fmt: skip
CELL = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "c"]), "source": st.one_of(TEXT, JSON),
     "tags": st.one_of(st.lists(st.sampled_from(["raises-exception", "nbval-skip",
                                                 "nbguard:ignore-output", "x"])),
                       JSON),
     "before": SIDE, "after": SIDE}
)  # fmt: skip
OPTIONS = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"sanitizers": st.one_of(st.none(), st.lists(
            st.fixed_dictionaries({"regex": st.sampled_from(["\\d+", "(", "x", "a|"]),
                                   "replace": st.sampled_from(["N", "\\1", "\\g<x>", ""])}),
            max_size=2)),
         "compare_images": st.one_of(st.none(), st.booleans()),
         "float_tolerance": st.one_of(st.none(), st.floats(0, 1),
                                      st.integers(0, 10**400))}
    ),
)  # fmt: skip


def answer(body: dict[str, Any]) -> dict[str, Any] | None:
    """What the handler computes for ``body``; ``None`` for a 400."""
    try:
        cells = parse_verify_cells(body)
        options = parse_options(body)
    except web.HTTPError as error:
        assert error.status_code == 400
        return None
    # Both ways the handler can answer must agree where the fast one answers
    fast = verify_unchanged(cells)
    result = verify(cells, options)
    if fast is not None and not options.sanitizers:
        assert fast.to_json() == result.to_json()
    verified_cells(result, {c.id: c.source for c in cells})
    text = json.dumps(result.to_json())
    return dict(json.loads(text))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CELL, max_size=3), OPTIONS)
def test_any_outputs_are_answered_or_refused_with_400(cells, options):
    result = answer({"cells": cells, "options": options})
    if result is not None:
        assert len(result["cells"]) == len(cells)
        assert all(c["status"] in {"same", "changed", "error", "not-run", "skipped"}
                   for c in result["cells"])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=2))
def test_any_html_is_compared(pieces):
    before = {"output_type": "display_data", "data": {"text/html": pieces[0]}}
    after = {"output_type": "display_data", "data": {"text/html": "".join(pieces)}}
    cell = {"id": "a", "source": "", "before": {"execution_count": 1,
            "outputs": [before]}, "after": {"ran": True, "outputs": [after]}}  # fmt: skip
    result = answer({"cells": [cell]})
    assert result is not None and result["cells"][0]["status"] in {"same", "changed"}
