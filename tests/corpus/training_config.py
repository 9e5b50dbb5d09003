"""A config dict filled over cells (nested too) and a hand-written model class."""

from .model import Notebook, Rerun, Twin, code, stale

NOTEBOOK = Notebook(
    id="training_config",
    cells=(
        code("config", "config = {}"),
        code("lr", 'config["lr"] = 0.1'),
        code(
            "epochs",
            """
            config["epochs"] = 3
            config["optim"] = {"name": "sgd", "momentum": 0.9}
            """,
        ),
        code("nesterov", 'config["optim"]["nesterov"] = True'),
        code(
            "model-class",
            """
            class LinearModel:
                def __init__(self, lr, epochs):
                    self.lr = lr
                    self.epochs = epochs
                    self.w = 0.0

                def fit(self, xs, ys):
                    for _ in range(self.epochs):
                        for x, y in zip(xs, ys):
                            self.w += self.lr * (y - self.w * x) * x
                    return self

                def predict(self, xs):
                    return [self.w * x for x in xs]
            """,
        ),
        code(
            "data",
            """
            xs = [1.0, 2.0, 3.0]
            ys = [2.0, 4.1, 5.9]
            """,
        ),
        code(
            "model",
            """
            model = LinearModel(config["lr"], config["epochs"])
            model
            """,
        ),
        code(
            "fit",
            """
            model.fit(xs, ys)
            round(model.w, 3)
            """,
        ),
        code(
            "predict",
            """
            preds = model.predict(xs)
            [round(p, 2) for p in preds]
            """,
        ),
        code(
            "optim-name",
            """
            optim_name = config["optim"]["name"]
            optim_name
            """,
        ),
    ),
    twin=Twin(
        mistake=Rerun("lr", 'config["lr"] = 0.05'),
        expected=stale("model", "fit", "predict"),
        why=(
            "model read config['lr']; fit and predict read model. epochs and "
            "nesterov only store other keys, and optim-name reads "
            "config['optim']['name'], a literal path the new lr does not touch."
        ),
    ),
)
