"""Orders and customers in pandas: describe, fillna(inplace=True), merge, sort."""

from .model import Notebook, Rerun, Twin, code, stale

NOTEBOOK = Notebook(
    id="orders_merge",
    cells=(
        code(
            "imports",
            """
            import io

            import pandas as pd
            """,
        ),
        code(
            "orders",
            '''
            orders = pd.read_csv(io.StringIO("""order_id,customer_id,amount
            1,10,25.0
            2,11,
            3,10,40.5
            4,12,13.0
            5,11,7.25
            """))
            ''',
        ),
        code(
            "customers",
            """
            customers = pd.DataFrame(
                {"customer_id": [10, 11, 12], "segment": ["retail", "b2b", "retail"]}
            )
            """,
        ),
        code("describe", "orders.describe()"),
        code(
            "clean",
            """
            orders.fillna({"amount": 0.0}, inplace=True)
            orders["amount_k"] = orders["amount"] / 1000
            """,
        ),
        code(
            "merge",
            'merged = orders.merge(customers, on="customer_id", how="left")',
        ),
        code("merged-peek", "merged.head()"),
        code(
            "sort",
            """
            merged.sort_values("amount", ascending=False, inplace=True)
            merged.iloc[0]["order_id"]
            """,
        ),
        code(
            "per-segment",
            """
            per_segment = merged.groupby("segment")["amount"].agg(["sum", "count"])
            per_segment
            """,
        ),
    ),
    twin=Twin(
        mistake=Rerun(
            "customers",
            """
            customers = pd.DataFrame(
                {"customer_id": [10, 11, 12], "segment": ["retail", "retail", "b2b"]}
            )
            """,
        ),
        expected=stale("merge", "merged-peek", "sort", "per-segment"),
        why=(
            "merge read customers; merged-peek, sort and per-segment read merged. "
            "describe and clean only ever read orders."
        ),
    ),
    # describe showed orders before clean (below, later) filled and extended
    # it; merged-peek showed merged before sort (below, later) sorted it.
    superseded=frozenset({"describe", "merged-peek"}),
)
