"""The calm corpus: realistic notebooks that, run once top to bottom, must not warn.

Each entry also carries its broken twin (one realistic mistake after the clean
run, with the exact warnings it must cause) and, for some, the cells that must
carry the quiet NBG209 ``superseded`` finding. ``tests/server/test_calm_corpus.py``
replays them in real kernels through the server. See ``model`` for the shape.
"""

from . import (
    array_filter,
    array_shift,
    classifier_pipeline,
    compound_interest,
    experiment_runs,
    house_features,
    measurements_file,
    orders_merge,
    price_helpers,
    rows_and_tags,
    sales_report,
    score_log,
    spam_filter,
    temperature_summary,
    text_tokens,
    timing_magics,
    training_config,
)
from .model import Notebook

NOTEBOOKS: tuple[Notebook, ...] = tuple(
    module.NOTEBOOK
    for module in (
        sales_report,
        array_shift,
        training_config,
        score_log,
        rows_and_tags,
        price_helpers,
        measurements_file,
        timing_magics,
        experiment_runs,
        orders_merge,
        array_filter,
        text_tokens,
        spam_filter,
        classifier_pipeline,
        temperature_summary,
        house_features,
        compound_interest,
    )
)

__all__ = ["NOTEBOOKS", "Notebook"]
