"""Feature engineering on a small housing table, with a bucketing closure."""

from .model import Notebook, Rerun, Twin, code, stale

NOTEBOOK = Notebook(
    id="house_features",
    cells=(
        code(
            "imports",
            """
            import io

            import numpy as np
            import pandas as pd
            """,
        ),
        code(
            "houses",
            '''
            houses = pd.read_csv(io.StringIO("""sqm,rooms,price
            50,2,150000
            72,3,210000
            95,4,280000
            40,1,120000
            120,5,390000
            """))
            ''',
        ),
        code("describe", "houses.describe()"),
        code(
            "features",
            """
            houses["price_per_sqm"] = houses["price"] / houses["sqm"]
            houses["log_price"] = np.log(houses["price"])
            """,
        ),
        code(
            "corr",
            """
            corr = houses["sqm"].corr(houses["price"])
            round(corr, 3)
            """,
        ),
        code(
            "factory",
            """
            def bucket_factory(edges):
                def bucket(v):
                    return int(np.searchsorted(edges, v))

                return bucket
            """,
        ),
        code(
            "edges",
            """
            edges = [60, 100]
            size_bucket = bucket_factory(edges)
            """,
        ),
        code(
            "buckets",
            """
            houses["size_bucket"] = houses["sqm"].map(size_bucket)
            houses.groupby("size_bucket")["price_per_sqm"].mean().round(1)
            """,
        ),
        code("bucket-count", 'f"{len(edges) + 1} size buckets"'),
    ),
    twin=Twin(
        mistake=Rerun(
            "edges",
            """
            edges = [50, 90]
            size_bucket = bucket_factory(edges)
            """,
        ),
        expected=stale("buckets", "bucket-count"),
        why=(
            "buckets used size_bucket and bucket-count read edges, both rebound "
            "by the edited edges cell. describe, features and corr ran before "
            "any bucket existed and read nothing edges changed."
        ),
    ),
)
