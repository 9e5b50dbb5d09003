"""A scikit-learn-style pipeline written inline: split, scaler, nearest centroid."""

from .model import Notebook, Rerun, Twin, code, markdown, stale

NOTEBOOK = Notebook(
    id="classifier_pipeline",
    cells=(
        markdown("title", "## Nearest centroid on a toy dataset"),
        code("imports", "import numpy as np"),
        code(
            "data",
            """
            X = np.array(
                [[1.0, 2.0], [2.0, 0.5], [3.0, 4.0], [4.0, 3.5], [5.0, 1.0], [6.0, 5.5]]
            )
            y = np.array([0, 0, 1, 1, 0, 1])
            """,
        ),
        code(
            "split-fn",
            """
            def train_test_split(X, y, test_size=2):
                return X[:-test_size], X[-test_size:], y[:-test_size], y[-test_size:]
            """,
        ),
        code(
            "split",
            """
            X_train, X_test, y_train, y_test = train_test_split(X, y)
            X_train.shape, X_test.shape
            """,
        ),
        code(
            "scaler-class",
            """
            class StandardScaler:
                def fit(self, X):
                    self.mean_ = X.mean(axis=0)
                    self.scale_ = X.std(axis=0)
                    return self

                def transform(self, X):
                    return (X - self.mean_) / self.scale_
            """,
        ),
        code(
            "centroid-class",
            """
            class NearestCentroid:
                def fit(self, X, y):
                    self.classes_ = np.unique(y)
                    self.centroids_ = np.array(
                        [X[y == c].mean(axis=0) for c in self.classes_]
                    )
                    return self

                def predict(self, X):
                    d = ((X[:, None, :] - self.centroids_[None, :, :]) ** 2).sum(axis=2)
                    return self.classes_[d.argmin(axis=1)]
            """,
        ),
        code(
            "estimators",
            """
            scaler = StandardScaler()
            clf = NearestCentroid()
            clf
            """,
        ),
        code(
            "fit",
            """
            scaler.fit(X_train)
            clf.fit(scaler.transform(X_train), y_train)
            """,
        ),
        code(
            "evaluate",
            """
            pred = clf.predict(scaler.transform(X_test))
            accuracy = (pred == y_test).mean()
            accuracy
            """,
        ),
        code(
            "n-test",
            """
            n_test = len(y_test)
            n_test
            """,
        ),
    ),
    twin=Twin(
        mistake=Rerun(
            "split-fn",
            """
            def train_test_split(X, y, test_size=3):
                return X[:-test_size], X[-test_size:], y[:-test_size], y[-test_size:]
            """,
        ),
        expected=stale("split", "fit", "evaluate", "n-test"),
        why=(
            "split called the redefined train_test_split; fit, evaluate and "
            "n-test read its results. estimators only constructs unfitted "
            "objects from the classes, which did not change."
        ),
    ),
)
