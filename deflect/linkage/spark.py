"""The Spark session the linkage uses with ``--backend spark``: local mode by default, or the
cluster named by ``DEFLECT_SPARK_MASTER`` (e.g. ``spark://host:7077`` or ``yarn``); see
docs/linkage.md. Splink's similarity functions (Jaro-Winkler and friends) come from the jar
Splink ships, added to the session here."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from pyspark.sql import SparkSession
from splink.backends.spark import similarity_jar_location


def master() -> str:
    return os.environ.get("DEFLECT_SPARK_MASTER", "local[2]")


def api_options() -> dict[str, Any]:
    """Splink's SparkAPI options: in local mode, cache intermediate tables in memory and keep
    few partitions (a laptop or a CI machine); on a cluster, Splink's defaults."""
    if not master().startswith("local"):
        return {}
    return {"break_lineage_method": "persist", "num_partitions_on_repartition": 2}


def session() -> Any:
    builder = (
        SparkSession.builder.appName("deflect-linkage")
        .master(master())
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", os.environ.get("DEFLECT_SPARK_PARTITIONS", "4"))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", os.environ.get("DEFLECT_SPARK_DRIVER_MEMORY", "1g"))
    )
    spark = builder.getOrCreate()
    # Splink checkpoints between steps; a cluster names shared storage (HDFS, S3) here.
    checkpoints = os.environ.get("DEFLECT_SPARK_CHECKPOINT_DIR") or tempfile.mkdtemp(
        prefix="deflect-spark-"
    )
    spark.sparkContext.setCheckpointDir(checkpoints)
    return spark
