"""A naive Bayes-style classifier written inline; a method reads a global."""

from .model import Console, Notebook, Twin, code, stale

NOTEBOOK = Notebook(
    id="spam_filter",
    cells=(
        code("imports", "import math"),
        code("smoothing", "SMOOTHING = 1.0"),
        code(
            "classifier",
            """
            class LabelPrior:
                default_alpha = 0.5

                def __init__(self, alpha=None):
                    self.alpha = self.default_alpha if alpha is None else alpha
                    self.counts = {}

                def fit(self, labels):
                    for label in labels:
                        self.counts[label] = self.counts.get(label, 0) + 1
                    return self

                def predict_proba(self, label):
                    total = sum(self.counts.values())
                    k = len(self.counts)
                    extra = SMOOTHING * self.alpha
                    return (self.counts.get(label, 0) + extra) / (total + extra * k)
            """,
        ),
        code("labels", 'labels = ["spam", "ham", "ham", "spam", "ham"]'),
        code(
            "clf",
            """
            clf = LabelPrior(alpha=1.0)
            clf
            """,
        ),
        code(
            "fit",
            """
            clf.fit(labels)
            clf.counts
            """,
        ),
        code(
            "p-spam",
            """
            p_spam = clf.predict_proba("spam")
            round(p_spam, 3)
            """,
        ),
        code(
            "log-odds",
            """
            log_odds = math.log(p_spam / (1 - p_spam))
            round(log_odds, 3)
            """,
        ),
    ),
    twin=Twin(
        mistake=Console("SMOOTHING = 0.0"),
        expected=stale("p-spam", "log-odds"),
        why=(
            "p-spam called clf.predict_proba, whose body reads SMOOTHING at "
            "call time; log-odds reads p_spam. clf and fit ran __init__ and fit, "
            "which never read SMOOTHING."
        ),
    ),
)
