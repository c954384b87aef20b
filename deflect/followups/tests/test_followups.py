"""Stories: a non-fatal overdose puts the person in the queue; outreach works it; reminders go
out exactly once."""

import datetime as dt
import io
import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from deflect.cases.selectors import timeline_for
from deflect.cli import resolve
from deflect.core.errors import ValidationFailed
from deflect.encounters.services import encounter_create
from deflect.encounters.tests.factories import submission
from deflect.followups import jobs, selectors, services
from deflect.followups.models import (
    FollowUp,
    FollowUpStatusChange,
    Notice,
    NoticePreference,
    SmsOutbox,
)
from deflect.referrals.tests.factories import encounter_by, send_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdose(world):
    team = services.team_ensure(program=world.program, name="QRT North", members=[world.outreach])
    encounter = encounter_by(world.officer, "naloxone_plus")
    return encounter, team


def test_a_non_fatal_overdose_gets_its_followups_in_the_recovery_window(world, overdose):
    encounter, team = overdose
    rows = list(FollowUp.objects.filter(encounter=encounter).order_by("step"))
    assert [r.label for r in rows][:2] == ["First attempt", "Contact within the recovery window"]
    assert rows[1].due_at == encounter.overdose.overdose_at + dt.timedelta(hours=72)
    assert all(r.team == team and r.person_id == encounter.person_id for r in rows)


def test_a_fatal_overdose_or_another_pathway_schedules_nothing(world):
    fatal = encounter_by(world.officer, "naloxone_plus")
    FollowUp.objects.all().delete()

    data = submission("naloxone_plus")
    data["overdose"]["fatal"] = True
    encounter_create(actor=world.officer, data=data)
    encounter_by(world.officer, "self_referral")
    assert fatal and not FollowUp.objects.exists()


def test_the_queue_sorts_overdue_today_and_upcoming(world, overdose):
    encounter, team = overdose
    later = timezone.now() + dt.timedelta(hours=30)
    q = selectors.followup_queue(actor=world.outreach, now=later)
    assert q.team == team
    assert [f.label for f in q.overdue] == ["First attempt"]
    assert q.counts["overdue"] == 1
    assert "Contact within the recovery window" in [f.label for f in q.due_today + q.upcoming]
    assert selectors.followup_queue(actor=world.other_coordinator).counts["overdue"] == 0


def test_what_is_due_now_comes_first_and_long_overdue_is_set_apart(world, overdose, client):
    """An overdose recorded a minute ago is due now (its window is open), not "upcoming"; work
    overdue for more than a week is grouped apart, after this week's."""
    encounter, team = overdose
    now = timezone.now()
    fresh = selectors.followup_queue(actor=world.outreach, now=now + dt.timedelta(minutes=1))
    assert "Contact within the recovery window" in [f.label for f in fresh.due_now]
    assert fresh.counts["due_now"] == len(fresh.due_now)
    assert all(f.opens_at > now for f in fresh.opens_later)  # later steps of the schedule
    due = [f.due_at for f in fresh.due_now]
    assert due == sorted(due)

    much_later = now + dt.timedelta(days=40)
    old = selectors.followup_queue(actor=world.outreach, now=much_later)
    assert old.long_overdue
    assert all(f.due_at < much_later - dt.timedelta(days=7) for f in old.long_overdue)
    assert old.counts["long_overdue"] == len(old.long_overdue)

    client.force_login(world.outreach)
    page = client.get("/followups/").content.decode()
    assert page.index('data-testid="due-now"') < page.index('data-testid="overdue"')
    assert page.index('data-testid="overdue"') < page.index('data-testid="long-overdue"')
    assert '<details class="panel" data-testid="long-overdue">' in page


def test_a_contact_closes_the_followup_in_time_and_an_attempt_is_idempotent(world, overdose):
    encounter, _ = overdose
    first = FollowUp.objects.get(encounter=encounter, step=0)

    key = uuid.uuid4()
    a, created = services.attempt_record(
        actor=world.outreach,
        followup=first,
        method="home_visit",
        result="not_found",
        team_composition=["officer", "peer"],
        client_uuid=key,
    )
    again, created_again = services.attempt_record(
        actor=world.outreach,
        followup=first,
        method="home_visit",
        result="not_found",
        team_composition=["officer", "peer"],
        client_uuid=key,
    )
    assert created and not created_again and a.pk == again.pk
    first.refresh_from_db()
    assert first.status == "open"
    services.attempt_record(
        actor=world.outreach, followup=first, method="phone", result="contacted"
    )
    first.refresh_from_db()
    assert first.status == "contacted"
    assert selectors.followup_timeliness(first).state == "met"
    assert FollowUpStatusChange.objects.filter(followup=first, to_status="contacted").exists()


def test_a_death_closes_every_open_followup(world, overdose):
    encounter, _ = overdose
    first = FollowUp.objects.get(encounter=encounter, step=0)
    services.attempt_record(actor=world.outreach, followup=first, method="other", result="deceased")
    assert set(
        FollowUp.objects.filter(person=encounter.person).values_list("status", flat=True)
    ) == {"closed", "cancelled"}


def test_bad_attempts_get_field_errors(world, overdose):
    first = FollowUp.objects.get(encounter=overdose[0], step=0)
    with pytest.raises(ValidationFailed) as err:
        services.attempt_record(
            actor=world.outreach,
            followup=first,
            method="pigeon",
            result="x",
            team_composition=["wizard"],
            attempted_at=timezone.now() + dt.timedelta(days=1),
        )
    assert set(err.value.fields) == {"method", "result", "team_composition", "attempted_at"}


def test_the_coordinator_sets_a_schedule_in_the_program_time_zone(world):
    policy = services.policy_update(
        actor=world.coordinator,
        program=world.program,
        trigger="nonfatal_overdose",
        steps=[{"label": "Home visit", "offset": 0, "window": 12, "unit": "hours"}],
        time_zone="America/Chicago",
    )
    encounter = encounter_by(world.officer, "naloxone_plus")
    rows = FollowUp.objects.filter(encounter=encounter)
    assert [r.label for r in rows] == ["Home visit"] and policy.time_zone == "America/Chicago"
    with pytest.raises(ValidationFailed) as err:
        services.policy_update(
            actor=world.coordinator,
            program=world.program,
            trigger="nope",
            steps=[],
            time_zone="Nowhere/Land",
        )
    assert {"trigger", "steps", "time_zone"} <= set(err.value.fields)


def test_jobs_run_sends_each_reminder_once_by_email_and_sms(world, overdose, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.outreach.email = "outreach@example.org"
    world.outreach.save()
    NoticePreference.objects.create(user=world.outreach, sms_number="+14105550100")
    world.officer.email = "officer@example.org"
    world.officer.save()
    send_referral(world, response_due_minutes=5)
    later = timezone.now() + dt.timedelta(hours=30)
    report = jobs.jobs_run(now=later)
    assert report.followups_overdue == 1 and report.referrals_no_response == 1
    assert report.notices_sent == report.notices_created >= 3
    subjects = sorted(m.subject for m in mail.outbox)
    assert "1 follow-up overdue" in subjects
    assert any(s.startswith("No answer yet on referral") for s in subjects)
    assert SmsOutbox.objects.count() == 1
    again = jobs.jobs_run(now=later)
    assert again.notices_created == 0 and again.notices_sent == 0
    assert len(mail.outbox) == len(subjects) and Notice.objects.count() == report.notices_created
    # The notices never name the person.
    assert all("Jamie" not in m.body and "Rivera" not in m.body for m in mail.outbox)


def test_jobs_run_warns_of_abeyance_deadlines_within_a_week(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.case_manager.email = "cm@example.org"
    world.case_manager.save()
    abeyance = encounter_by(world.officer, "officer_intervention").abeyance
    abeyance.deadline = timezone.localdate() + dt.timedelta(days=5)
    abeyance.save()
    assert jobs.jobs_run().abeyance_deadlines == 1
    assert jobs.jobs_run().abeyance_deadlines == 0
    assert [m.to for m in mail.outbox] == [["cm@example.org"]]


def test_the_coordinator_makes_a_team_of_program_staff_only(world):
    team = services.team_save(
        actor=world.coordinator,
        program=world.program,
        name="QRT",
        member_ids=[world.outreach.pk, world.officer.pk],
    )
    assert set(team.members.all()) == {world.outreach, world.officer}
    with pytest.raises(ValidationFailed) as err:
        services.team_save(
            actor=world.coordinator,
            program=world.program,
            name="QRT",
            member_ids=[world.other_officer.pk],
        )
    assert set(err.value.fields) == {"name", "member_ids"}

    with pytest.raises(PermissionDenied):
        services.team_save(actor=world.outreach, program=world.program, name="Mine", member_ids=[])


def test_deflect_jobs_run_is_the_command(world, overdose):
    assert resolve(["jobs", "run"]) == ["jobs_run"]
    out = io.StringIO()
    call_command("jobs_run", stdout=out)
    assert "notices_sent:" in out.getvalue()


def test_checkins_after_an_intake_reach_only_roles_with_clinical_access(world, overdose):
    """A placement check-in says the person entered treatment (the provider's Part 2
    information): outreach works it; the coordinator (no clinical access, at the police
    department) sees neither it in the queue, nor its page, nor its attempts on the timeline."""
    encounter, _team = overdose
    now = timezone.now()
    placement = services.followups_schedule(
        program=world.program,
        person=encounter.person,
        trigger="placement",
        anchor=now - dt.timedelta(hours=1),
    )
    services.attempt_record(
        actor=world.outreach,
        followup=placement[0],
        method="home_visit",
        result="not_found",
    )
    checkin = placement[0]

    def queued(actor):
        q = selectors.followup_queue(actor=actor, person_id=encounter.person_id)
        return {f.pk for f in [*q.overdue, *q.due_today, *q.upcoming]}

    open_checkin = placement[0]
    assert open_checkin.pk in queued(world.outreach)
    assert open_checkin.pk not in queued(world.coordinator)
    assert queued(world.coordinator)  # the overdose follow-ups are still theirs to see
    assert selectors.followup_get_for(actor=world.outreach, followup_id=checkin.pk)
    with pytest.raises(Http404):
        selectors.followup_get_for(actor=world.coordinator, followup_id=checkin.pk)
    label = checkin.label
    assert any(label in e.text for e in timeline_for(actor=world.outreach, person=encounter.person))
    assert not any(
        label in e.text for e in timeline_for(actor=world.coordinator, person=encounter.person)
    )
