"""THE SPARK TEST: the same linkage model on Splink's Spark backend (pyspark in local mode,
Java from the system). It runs in CI (.ci/run installs a headless JRE); it is small because a
Spark session is slow to start, not because the model is different."""

import pytest

from deflect.linkage import engine, features

from .labelled import generate

pytestmark = pytest.mark.spark


def test_the_spark_backend_scores_the_same_pairs_as_duckdb():
    data = generate(people=30, records=60, seed=7)
    rows = [features.prepare(p, f"p{p['id']}") for p in data.people]
    rows += [features.prepare(r, f"r{r['id']}") for r in data.records]
    spark = engine.predict(rows, backend="spark", threshold=0.95, max_pairs=2e4, max_iterations=8)
    duck = engine.predict(rows, backend="duckdb", threshold=0.95, max_pairs=2e4, max_iterations=8)
    entity = {}
    record_id = {(r["source"], r["source_record_id"]): r["id"] for r in data.records}
    for source, sid, e in data.truth:
        entity[f"p{sid}" if source == "deflect" else f"r{record_id[(source, sid)]}"] = e
    spark_links = {(p.left, p.right) for p in spark.pairs}
    duck_links = {(p.left, p.right) for p in duck.pairs}
    assert len(spark_links) >= 20
    right = sum(1 for a, b in spark_links if entity[a] == entity[b])
    assert right / len(spark_links) >= 0.95
    # Same model, same data: the two engines agree on nearly every link.
    overlap = len(spark_links & duck_links) / len(spark_links | duck_links)
    assert overlap >= 0.9
