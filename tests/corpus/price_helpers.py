"""Helper functions: a default argument, nested helpers, a closure factory."""

from .model import Console, Notebook, Twin, code, stale

NOTEBOOK = Notebook(
    id="price_helpers",
    cells=(
        code("tax", "TAX = 0.2"),
        code("currency", 'CURRENCY = "EUR"'),
        code(
            "with-tax",
            """
            def with_tax(amount, rate=TAX):
                return round(amount * (1 + rate), 2)
            """,
        ),
        code(
            "describe",
            """
            def fmt(amount):
                return f"{amount:.2f} {CURRENCY}"


            def describe(amount):
                def inner():
                    return fmt(with_tax(amount))

                return inner()
            """,
        ),
        code(
            "factory",
            """
            def make_scaler(factor):
                def scale(x):
                    return x * factor * UNIT

                return scale
            """,
        ),
        code("unit", "UNIT = 10"),
        code(
            "price",
            """
            price = with_tax(100)
            price
            """,
        ),
        code(
            "label",
            """
            label = describe(50)
            label
            """,
        ),
        code(
            "double",
            """
            double = make_scaler(2)
            double(3)
            """,
        ),
        code(
            "tripled",
            """
            tripled = [make_scaler(3)(v) for v in (1, 2)]
            tripled
            """,
        ),
    ),
    twin=Twin(
        mistake=Console('CURRENCY = "USD"'),
        expected=stale("label"),
        why=(
            "label called describe, whose nested inner calls fmt, which reads "
            "CURRENCY at call time. price (with_tax), double and tripled (the "
            "closure reads UNIT) never read CURRENCY; defining functions reads "
            "no global of their bodies."
        ),
    ),
)
