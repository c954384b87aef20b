"""The linkage model: Splink (Fellegi-Sunter, m/u estimated from the data) over deflect's people
and the outside records, on DuckDB in-process or on Apache Spark.

Nothing here touches Django: rows in (``features.prepare``), scored pairs and clusters out. The
comparisons are described in docs/linkage.md; ``untuned_settings`` is Splink's out-of-the-box
configuration on the raw columns, kept for the benchmark's comparison.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.clustering import cluster_pairwise_predictions_at_threshold

from .features import COLUMNS

BACKENDS = ("duckdb", "spark")
SEED = 20261202
# A true match whose first names are unrelated (not equal, not a nickname, not a typo, not
# swapped with the surname, not an initial) or whose birth dates differ by more than a typo or a
# day/month swap is rare enough that these levels are fixed, not learnt: without them twins (one
# surname, birth date and address) and a father and son (one name and address) would link.
UNRELATED_FIRST_NAME_M = 1e-6
OTHER_BIRTH_DATE_M = 1e-4
OTHER_SUFFIX_M = 1e-4

SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("first_name", pa.string()),
        ("middle_name", pa.string()),
        ("surname", pa.string()),
        ("suffix", pa.string()),
        ("full_name", pa.string()),
        ("first_names_alt", pa.list_(pa.string())),
        ("first_canonical", pa.string()),
        ("surname_parts", pa.list_(pa.string())),
        ("dob", pa.string()),
        ("dob_year", pa.string()),
        ("sex", pa.string()),
        ("phone", pa.string()),
        ("address", pa.string()),
        ("zip", pa.string()),
    ]
)
assert tuple(SCHEMA.names) == COLUMNS


def _first_name_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name").configure(tf_adjustment_column="first_name"),
            cll.CustomLevel(
                "first_name_l = surname_r AND surname_l = first_name_r",
                label_for_charts="First name and surname swapped",
            ),
            cll.ArrayIntersectLevel("first_names_alt", min_intersection=1).configure(
                label_for_charts="Nickname of the same given name"
            ),
            cll.JaroWinklerLevel("first_name", 0.9),
            cll.CustomLevel(
                "(length(first_name_l) = 1 OR length(first_name_r) = 1) "
                "AND substr(first_name_l, 1, 1) = substr(first_name_r, 1, 1)",
                label_for_charts="Initial agrees",
            ),
            cll.JaroWinklerLevel("first_name", 0.8),
            cll.ElseLevel().configure(
                label_for_charts="Unrelated first names",
                m_probability=UNRELATED_FIRST_NAME_M,
                fix_m_probability=True,
            ),
        ],
    )


def _surname_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_levels=[
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname").configure(tf_adjustment_column="surname"),
            cll.JaroWinklerLevel("surname", 0.92),
            cll.ArrayIntersectLevel("surname_parts", min_intersection=1).configure(
                label_for_charts="One part of a double or hyphenated surname agrees"
            ),
            cll.JaroWinklerLevel("surname", 0.8),
            cll.ElseLevel(),
        ],
    )


def _dob_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
                "AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
                label_for_charts="Day and month transposed",
            ),
            cll.DamerauLevenshteinLevel("dob", 1).configure(
                label_for_charts="One digit mistyped or two swapped"
            ),
            cll.ElseLevel().configure(
                label_for_charts="Other birth date",
                m_probability=OTHER_BIRTH_DATE_M,
                fix_m_probability=True,
            ),
        ],
    )


def _middle_name_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="middle_name",
        comparison_levels=[
            cll.NullLevel("middle_name"),
            cll.ExactMatchLevel("middle_name"),
            cll.CustomLevel(
                "substr(middle_name_l, 1, 1) = substr(middle_name_r, 1, 1)",
                label_for_charts="Middle initial agrees",
            ),
            cll.ElseLevel(),
        ],
    )


def _suffix_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="suffix",
        comparison_levels=[
            cll.CustomLevel(
                "suffix_l IS NULL AND suffix_r IS NULL", label_for_charts="No suffix on either"
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("suffix"),
            cll.CustomLevel(
                "suffix_l IS NULL OR suffix_r IS NULL", label_for_charts="Suffix on one only"
            ),
            cll.ElseLevel().configure(
                label_for_charts="Suffix differs (Jr / Sr)",
                m_probability=OTHER_SUFFIX_M,
                fix_m_probability=True,
            ),
        ],
    )


def _contact_comparison() -> cl.CustomComparison:
    """Phone, street address and ZIP in one comparison: a household shares them, so they are
    not three independent pieces of evidence."""
    return cl.CustomComparison(
        output_column_name="contact",
        comparison_levels=[
            cll.And(cll.NullLevel("phone"), cll.NullLevel("address"), cll.NullLevel("zip")),
            cll.And(cll.ExactMatchLevel("phone"), cll.ExactMatchLevel("address")).configure(
                label_for_charts="Phone and address agree"
            ),
            cll.ExactMatchLevel("phone"),
            cll.ExactMatchLevel("address").configure(tf_adjustment_column="address"),
            cll.JaroWinklerLevel("address", 0.9),
            cll.ExactMatchLevel("zip"),
            cll.ElseLevel(),
        ],
    )


TUNED_BLOCKING: list[Any] = [
    block_on("dob"),
    block_on("first_canonical", "surname"),
    block_on("phone"),
    "l.first_name = r.surname AND l.surname = r.first_name",
]


def tuned_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _first_name_comparison(),
            _surname_comparison(),
            _middle_name_comparison(),
            _suffix_comparison(),
            _dob_comparison(),
            cl.ExactMatch("sex"),
            _contact_comparison(),
        ],
        blocking_rules_to_generate_predictions=TUNED_BLOCKING,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
    )


def untuned_settings() -> SettingsCreator:
    """Splink's library comparisons on the raw columns, as a first try would configure them."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone"),
            cl.LevenshteinAtThresholds("address", 2),
            cl.ExactMatch("zip"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("dob"),
            block_on("first_name", "surname"),
            block_on("phone"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
    )


def raw_row(record: dict[str, Any], unique_id: str) -> dict[str, Any]:
    """The untuned configuration's input: the columns as the source wrote them, lower-cased,
    blanks as empty strings (no nickname, suffix, date or address handling)."""
    dob = record.get("dob")
    return {
        "unique_id": unique_id,
        "first_name": str(record.get("first_name") or "").lower(),
        "surname": str(record.get("last_name") or "").lower(),
        "dob": dob.isoformat() if isinstance(dob, date) else str(dob or ""),
        "sex": str(record.get("sex") or "").lower(),
        "phone": str(record.get("phone") or ""),
        "address": str(record.get("address") or "").lower(),
        "zip": str(record.get("zip") or ""),
    }


@dataclass
class Pair:
    left: str
    right: str
    probability: float
    weight: float
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    pairs: list[Pair]
    model_json: str
    comparisons: dict[str, list[str]]


def db_api(backend: str = "duckdb", spark: Any = None) -> Any:
    if backend == "duckdb":
        return DuckDBAPI()
    if backend == "spark":
        # Spark is optional and heavy: loaded only when asked for.
        from splink import SparkAPI  # noqa: PLC0415

        from .spark import api_options, session  # noqa: PLC0415

        return SparkAPI(spark_session=spark or session(), **api_options())
    raise ValueError(f"unknown backend {backend!r}; one of {', '.join(BACKENDS)}")


def _labels(linker: Linker) -> dict[str, list[str]]:
    """Comparison name -> the label of each of its levels, by comparison vector value."""
    labels: dict[str, list[str]] = {}
    for comparison in linker._settings_obj.comparisons:
        levels = sorted(
            (lvl for lvl in comparison.comparison_levels if not lvl.is_null_level),
            key=lambda lvl: lvl.comparison_vector_value,
        )
        labels[comparison.output_column_name] = [lvl.label_for_charts for lvl in levels]
    return labels


def train(linker: Linker, *, tuned: bool, max_pairs: float = 2e6) -> None:
    """m/u from the data: u by random sampling (seeded), m and lambda by EM on two blockings."""
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.6
    )
    training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=SEED)
    for rule in (
        (block_on("dob"), block_on("first_canonical", "surname")) if tuned else (block_on("dob"),)
    ):
        training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=max_pairs, record_sample_proportion=1.0
        )
    if not tuned:
        training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "surname"), max_pairs=max_pairs, record_sample_proportion=1.0
        )


def predict(
    rows: Iterable[dict[str, Any]],
    *,
    backend: str = "duckdb",
    threshold: float = 0.2,
    tuned: bool = True,
    api: Any = None,
    max_pairs: float = 2e6,
    max_iterations: int = 25,
) -> Result:
    """Train on ``rows`` (prepared: ``features.prepare``; untuned: ``raw_row``) and score every
    blocked pair; pairs at or above ``threshold`` come back with the level each comparison
    reached (the reasons)."""
    api = api or db_api(backend)
    data = pa.Table.from_pylist(list(rows), schema=SCHEMA) if tuned else list(rows)
    table = api.register(data)
    settings = tuned_settings() if tuned else untuned_settings()
    settings.max_iterations = max_iterations  # EM iterations per training session
    linker = Linker(table, settings, log_level=logging.WARNING)
    train(linker, tuned=tuned, max_pairs=max_pairs)
    scored = linker.inference.predict(threshold_match_probability=threshold)
    labels = _labels(linker)
    gamma = {c.output_column_name: c._gamma_column_name for c in linker._settings_obj.comparisons}
    columns = ", ".join(["unique_id_l", "unique_id_r", "match_probability", "match_weight"])
    columns += "".join(f", {g}" for g in gamma.values())
    records = scored.query_sql(f"select {columns} from {{this}}").as_record_list()  # noqa: S608
    pairs = []
    for row in records:
        reasons = {}
        for name, column in gamma.items():
            value = row.get(column)
            if value is not None and value >= 0:
                reasons[name] = labels[name][value]
        left, right = sorted((row["unique_id_l"], row["unique_id_r"]))
        pairs.append(
            Pair(left, right, float(row["match_probability"]), float(row["match_weight"]), reasons)
        )
    model = json.dumps(linker.misc.save_model_to_json(), default=str)
    return Result(pairs=pairs, model_json=model, comparisons=labels)


def clusters(
    node_ids: Iterable[str], edges: Iterable[tuple[str, str]], *, api: Any = None
) -> dict[str, str]:
    """Connected components (Splink's clustering) of the accepted links: node -> cluster id."""
    nodes = [{"unique_id": n} for n in node_ids]
    edge_rows = [{"unique_id_l": a, "unique_id_r": b} for a, b in edges]
    if not nodes:
        return {}
    api = api or DuckDBAPI()
    edge_table = pa.Table.from_pylist(
        edge_rows, schema=pa.schema([("unique_id_l", pa.string()), ("unique_id_r", pa.string())])
    )
    result = cluster_pairwise_predictions_at_threshold(
        nodes, edge_table, db_api=api, node_id_column_name="unique_id"
    )
    return {r["unique_id"]: r["cluster_id"] for r in result.as_record_list()}
