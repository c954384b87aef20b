"""Planning left ``programs`` without losing a row: a database at the old head (planning inside
``programs``) with data in it migrates forward, and the rows are read through ``planning``."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from deflect.planning.models import InterceptGap, ModelAdoption, PlanningActivity

# Unapplying programs 0004 unapplies the planning migrations that depend on it.
OLD_HEAD = [
    ("programs", "0003_program_mfa_requirement"),
    ("contenttypes", "0002_remove_content_type_name"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_planning_rows_written_before_the_move_are_read_after_it():
    old = _migrate(OLD_HEAD)
    content_type = old.get_model("contenttypes", "ContentType")
    content_type.objects.get_or_create(app_label="programs", model="planningactivity")
    program = old.get_model("programs", "Program").objects.create(name="Old County")
    adoption = old.get_model("programs", "ModelAdoption").objects.create(
        program=program, code="post_overdose", name="Post-overdose response", kind="model"
    )
    old.get_model("programs", "PlanningActivity").objects.create(
        program=program,
        adoption=adoption,
        title="Hire a program coordinator",
        status="done",
        completed_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
    )
    old.get_model("programs", "InterceptGap").objects.create(
        program=program, intercept=0, description="No detox bed in the county"
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    moved = ModelAdoption.objects.get(program__name="Old County")
    assert moved.code == "post_overdose"
    activity = PlanningActivity.objects.get(adoption=moved)
    assert activity.title == "Hire a program coordinator" and activity.status == "done"
    assert activity.status_changes.count() == 0  # the history table is new and empty
    assert InterceptGap.objects.get(program=moved.program).description.startswith("No detox")
    assert PlanningActivity._meta.db_table == "programs_planningactivity"
    assert ContentType.objects.filter(app_label="planning", model="planningactivity").exists()
    assert not ContentType.objects.filter(app_label="programs", model="planningactivity").exists()
