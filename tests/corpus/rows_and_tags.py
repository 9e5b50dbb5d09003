"""Rows parsed by hand: starred unpacking, a tag set, a filter, `for rows in rows`."""

from .model import Notebook, Rerun, Twin, code, stale

NOTEBOOK = Notebook(
    id="rows_and_tags",
    cells=(
        code("tags", "seen = set()"),
        code(
            "raw",
            r"""
            text = "id,value\n1,10\n2,0\n3,25\n4,7"
            rows = [line.split(",") for line in text.splitlines()]
            """,
        ),
        code(
            "header",
            """
            header, *rows = rows
            header
            """,
        ),
        code(
            "collect",
            """
            for row in rows:
                seen.add(row[0])
            sorted(seen)
            """,
        ),
        code("more-tags", 'seen.add("extra")'),
        code(
            "keep",
            """
            keep = [int(v) > 0 for _id, v in rows]
            rows = [r for r, k in zip(rows, keep) if k]
            len(rows)
            """,
        ),
        code(
            "loop",
            """
            total_value = 0
            for rows in rows:
                total_value += int(rows[1])
            total_value
            """,
        ),
        code(
            "last",
            """
            last_id = rows[0]
            last_id
            """,
        ),
        code(
            "tag-count",
            """
            n_tags = len(seen)
            n_tags
            """,
        ),
    ),
    twin=Twin(
        mistake=Rerun(
            "raw",
            r"""
            text = "id,value\n1,10\n2,0\n3,25\n4,7\n5,12"
            rows = [line.split(",") for line in text.splitlines()]
            """,
        ),
        expected=stale("header", "collect", "keep", "loop", "last", "tag-count"),
        why=(
            "header, collect, keep, loop (the iterable of `for rows in rows`) "
            "and last read rows, which raw rebound; tag-count reads seen, which "
            "collect filled from the old rows. tags and more-tags read nothing "
            "that changed (more-tags only adds a literal to seen)."
        ),
    ),
)
