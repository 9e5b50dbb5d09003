"""Regional sales from an inline CSV: load, peek, add a column, group, filter."""

from .model import Notebook, Rerun, Twin, code, markdown, stale

NOTEBOOK = Notebook(
    id="sales_report",
    cells=(
        markdown("title", "# Sales by region\nUnits and revenue per region."),
        code(
            "imports",
            """
            import io

            import pandas as pd
            """,
        ),
        code(
            "csv",
            '''
            CSV = """region,product,units,price
            north,apple,10,0.5
            south,apple,7,0.5
            north,pear,3,0.8
            east,pear,12,0.8
            south,plum,5,1.2
            east,apple,9,0.5
            """
            ''',
        ),
        code("load", "df = pd.read_csv(io.StringIO(CSV))"),
        code("peek", "df.head()"),
        code(
            "revenue",
            """
            df["revenue"] = df["units"] * df["price"]
            df.shape
            """,
        ),
        code("min-units", "min_units = 5"),
        code(
            "by-region",
            """
            by_region = df.groupby("region")["revenue"].sum()
            by_region
            """,
        ),
        code(
            "busy",
            """
            busy = df[df["units"] >= min_units]
            len(busy)
            """,
        ),
        code(
            "top",
            """
            top = by_region.idxmax()
            f"best region: {top}"
            """,
        ),
        code(
            "busy-share",
            """
            share = len(busy) / len(df)
            round(share, 2)
            """,
        ),
    ),
    twin=Twin(
        mistake=Rerun("min-units", "min_units = 8"),
        expected=stale("busy", "busy-share"),
        why=(
            "busy filtered with the old min_units; busy-share reads busy. "
            "by-region and top never read min_units: Restart & Run All gives "
            "them the same output."
        ),
    ),
    # peek showed df before revenue (below, later) added a column: quiet.
    superseded=frozenset({"peek"}),
)
