"""Pairwise precision, recall and F1 of clusters against a truth table, counted in SQL (DuckDB).

A pair of records is *predicted* when both are in one cluster and *true* when both belong to one
entity; only records named in the truth count. Precision = true predicted pairs / predicted
pairs, recall = true predicted pairs / true pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

_COUNTS = """
with joined as (
    select t.node, t.entity, c.cluster from truth t join clusters c using (node)
),
cells as (select cluster, entity, count(*) as n from joined group by cluster, entity),
by_cluster as (select cluster, sum(n) as n from cells group by cluster),
by_entity as (select entity, sum(n) as n from cells group by entity)
select
    (select coalesce(sum(n * (n - 1) / 2), 0) from cells) as true_positives,
    (select coalesce(sum(n * (n - 1) / 2), 0) from by_cluster) as predicted,
    (select coalesce(sum(n * (n - 1) / 2), 0) from by_entity) as actual
"""


@dataclass(frozen=True)
class Scores:
    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def describe(self) -> str:
        return (
            f"pairs: {self.true_positives} true of {self.predicted} linked, "
            f"{self.actual} in the truth\n"
            f"precision {self.precision:.4f}  recall {self.recall:.4f}  F1 {self.f1:.4f}"
        )


def pairwise_scores(
    truth: Iterable[tuple[str, str]], clusters: Iterable[tuple[str, str]]
) -> Scores:
    """``truth``: (node, entity); ``clusters``: (node, cluster). A node of the truth with no
    cluster is a cluster of its own."""
    truth_rows = list(truth)
    cluster_of = dict(clusters)
    nodes = [n for n, _ in truth_rows]
    con = duckdb.connect()
    con.register(
        "truth",
        pa.table({"node": nodes, "entity": [str(e) for _, e in truth_rows]}),
    )
    con.register(
        "clusters",
        pa.table({"node": nodes, "cluster": [cluster_of.get(n, f"alone:{n}") for n in nodes]}),
    )
    tp, predicted, actual = con.execute(_COUNTS).fetchone() or (0, 0, 0)
    con.close()
    return Scores(int(tp), int(predicted), int(actual))
