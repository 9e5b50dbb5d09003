"""Tokenising short documents: a stop-word set grown with .add(), comprehensions."""

from .model import Notebook, Rerun, Twin, code, stale

NOTEBOOK = Notebook(
    id="text_tokens",
    cells=(
        code("imports", "from collections import Counter"),
        code("docs", 'docs = ["the cat sat", "the dog ran", "a cat ran far"]'),
        code("stop", 'stop = {"the", "a"}'),
        code("stop-more", 'stop.add("far")'),
        code(
            "tokens",
            """
            tokens = [w for d in docs for w in d.split() if w not in stop]
            tokens
            """,
        ),
        code(
            "counts",
            """
            counts = Counter(tokens)
            counts.most_common(2)
            """,
        ),
        code(
            "vocab",
            """
            vocab = sorted({w for w in tokens})
            f"{len(vocab)} words: {', '.join(vocab)}"
            """,
        ),
        code(
            "lengths",
            """
            lengths = {d: len(d.split()) for d in docs}
            lengths
            """,
        ),
    ),
    twin=Twin(
        mistake=Rerun("stop-more", 'stop.add("ran")'),
        expected=stale("tokens", "counts", "vocab"),
        why=(
            "tokens read stop, which the edited stop-more changed; counts and "
            "vocab read tokens. lengths reads docs only."
        ),
    ),
)
