"""The linkage model on the labelled set: precision and recall floors, better than Splink's
untuned configuration, look-alikes kept apart, each hard case handled by its level."""

import pytest

from deflect.linkage import engine, features
from deflect.linkage.evaluation import pairwise_scores

from .labelled import generate

LINK = 0.95


def _nodes(data, prepare):
    rows = [prepare(p, f"p{p['id']}") for p in data.people]
    rows += [prepare(r, f"r{r['id']}") for r in data.records]
    return rows


def _truth(data):
    record_id = {(r["source"], r["source_record_id"]): r["id"] for r in data.records}
    return [
        (f"p{sid}" if source == "deflect" else f"r{record_id[(source, sid)]}", entity)
        for source, sid, entity in data.truth
    ]


def _scores(data, *, tuned):
    rows = _nodes(data, features.prepare if tuned else engine.raw_row)
    result = engine.predict(rows, tuned=tuned, threshold=0.5)
    links = [(p.left, p.right) for p in result.pairs if p.probability >= LINK]
    clusters = engine.clusters([r["unique_id"] for r in rows], links)
    return result, pairwise_scores(_truth(data), clusters.items())


@pytest.fixture(scope="module")
def data():
    return generate(people=300, records=600)


@pytest.fixture(scope="module")
def tuned(data):
    return _scores(data, tuned=True)


def test_precision_and_recall_floors(tuned):
    _, scores = tuned
    assert scores.precision >= 0.97, scores.describe()
    assert scores.recall >= 0.93, scores.describe()


def test_the_tuned_model_beats_splinks_untuned_configuration(data, tuned):
    _, untuned = _scores(data, tuned=False)
    assert tuned[1].f1 >= untuned.f1 + 0.02, (tuned[1].describe(), untuned.describe())


def test_twins_and_a_father_and_son_with_birth_dates_stay_apart(data, tuned):
    result, _ = tuned
    entity = dict(_truth(data))
    kinds = {e.id: e.kind for e in data.entities}
    rows = {r["unique_id"]: r for r in _nodes(data, features.prepare)}
    lookalikes = [
        p
        for p in result.pairs
        if p.probability >= LINK
        and entity[p.left] != entity[p.right]
        and {kinds[entity[p.left]], kinds[entity[p.right]]} & {"twin", "father", "son"}
        and rows[p.left]["dob"]
        and rows[p.right]["dob"]
    ]
    assert lookalikes == []
    # ... and the data does hold them: family members who both have records here.
    with_rows = {e for _, e in _truth(data)}
    family = [e for e in data.entities if e.kind in ("twin", "son") and e.id in with_rows]
    assert sum(1 for e in family if e.id - 1 in with_rows) >= 5


def test_each_hard_case_reaches_its_own_level():
    rows = [
        features.prepare(
            {"first_name": "William", "last_name": "Garcia-Lopez", "dob": "1980-03-07"}, "a"
        ),
        features.prepare({"first_name": "Bill", "last_name": "Lopez", "dob": "1980-07-03"}, "b"),
        features.prepare({"first_name": "Garcia", "last_name": "William", "dob": ""}, "c"),
    ]
    assert rows[0]["surname_parts"] == ["garcia", "lopez"]
    assert "william" in rows[1]["first_names_alt"]
    assert rows[2]["dob"] is None  # missing is unknown, not a disagreement
    son = features.prepare({"first_name": "John", "last_name": "Smith Jr"}, "d")
    assert (son["surname"], son["suffix"]) == ("smith", "jr")


def test_reasons_name_the_level_each_comparison_reached(tuned):
    result, _ = tuned
    reasons = [p.reasons for p in result.pairs]
    assert any(r.get("first_name") == "Nickname of the same given name" for r in reasons)
    assert any(r.get("dob") == "Day and month transposed" for r in reasons)
    assert any(r.get("first_name") == "First name and surname swapped" for r in reasons)
