"""Stories: enrollment, service plan, needs, notes; charges held in abeyance reach a recorded
disposition while the prosecutor sees only a status."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from deflect.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
from deflect.audit.models import AuditEvent
from deflect.cases import rules, selectors, services
from deflect.core.errors import Conflict, InvalidTransition, ValidationFailed
from deflect.followups.models import FollowUp
from deflect.referrals.models import Disclosure
from deflect.referrals.tests.factories import consent_to, encounter_by, justice_consent

pytestmark = pytest.mark.django_db


def _conditions(**kw):
    base = dict(
        requires_treatment=True,
        treatment_met=False,
        requires_plan=False,
        plan_met=False,
        hours_required=Decimal("10"),
        hours_done=Decimal("0"),
        marked_not_met=False,
        deadline=dt.date(2026, 6, 30),
    )
    return rules.Conditions(**(base | kw))


def test_compliance_status_rules():
    today = dt.date(2026, 6, 1)
    assert rules.compliance_status(_conditions(), today=today) == rules.IN_PROGRESS
    assert (
        rules.compliance_status(_conditions(), today=dt.date(2026, 6, 25))
        == rules.DEADLINE_APPROACHING
    )
    assert rules.compliance_status(_conditions(), today=dt.date(2026, 7, 1)) == rules.NOT_MET
    met = _conditions(treatment_met=True, hours_done=Decimal("10"))
    assert rules.compliance_status(met, today=dt.date(2026, 7, 9)) == rules.CONDITIONS_MET
    assert rules.compliance_status(_conditions(marked_not_met=True), today=today) == rules.NOT_MET
    assert rules.compliance_status(_conditions(disposed=True), today=today) == rules.DISPOSED


def test_a_case_is_opened_once_and_moves_through_its_statuses(world):
    person = encounter_by(world.officer).person
    case = services.case_open(
        actor=world.case_manager, person_id=person.pk, peer_specialist_id=world.outreach.pk
    )
    assert case.care_coordinator == world.case_manager and case.peer_specialist == world.outreach
    with pytest.raises(Conflict):
        services.case_open(actor=world.case_manager, person_id=person.pk)
    with pytest.raises(ValidationFailed):
        services.case_transition(actor=world.case_manager, case=case, to="closed")
    with pytest.raises(PermissionDenied):
        services.case_transition(actor=world.outreach, case=case, to="completed")
    services.case_transition(actor=world.case_manager, case=case, to="completed")
    with pytest.raises(InvalidTransition):
        services.case_transition(actor=world.case_manager, case=case, to="active")
    assert [c.to_status for c in case.status_changes.all()] == ["active", "completed"]

    assert FollowUp.objects.filter(person=person, trigger="completion").count() == 3


def test_plan_needs_and_notes(world):
    person = encounter_by(world.officer).person
    case = services.case_open(actor=world.case_manager, person_id=person.pk)
    goal = services.plan_goal_add(actor=world.case_manager, case=case, description="Insurance")
    task = services.plan_task_add(
        actor=world.case_manager, goal=goal, description="Apply", due_on=timezone.localdate()
    )
    services.plan_task_complete(actor=world.case_manager, task=task)
    goal.refresh_from_db()
    assert goal.status == "met"
    services.case_need_set(
        actor=world.case_manager, case=case, kind="insurance", status="application_submitted"
    )
    with pytest.raises(ValidationFailed):
        services.case_need_set(
            actor=world.case_manager, case=case, kind="insurance", status="housed"
        )
    services.case_note_add(
        actor=world.case_manager, case=case, kind="general", text="Has a phone now"
    )
    services.case_note_add(
        actor=world.case_manager, case=case, kind="clinical", text="Started MOUD"
    )
    shown, withheld, notice = selectors.case_notes_for(actor=world.case_manager, case=case)
    assert len(shown) == 2 and withheld == 0 and notice == ""  # the author's agency: no disclosure
    # Outreach (Peer Network) reads clinical notes only under a consent naming its agency and
    # covering treatment attendance and progress.
    shown, withheld, _ = selectors.case_notes_for(actor=world.outreach, case=case)
    assert [n.kind for n in shown] == ["general"] and withheld == 1
    consent_to(person, world.agencies["peers"], categories=["contact", "attendance"])
    shown, withheld, notice = selectors.case_notes_for(actor=world.outreach, case=case)
    assert withheld == 0 and "42 CFR part 2" in notice
    # The coordinator at the police never does.
    assert selectors.case_notes_for(actor=world.coordinator, case=case)[1] == 1


def test_charges_in_abeyance_reach_a_disposition_with_the_prosecutor_seeing_only_status(world):
    encounter = encounter_by(world.officer, "officer_intervention")
    abeyance = encounter.abeyance
    assert abeyance.prosecutor_agency == world.agencies["prosecutor"]
    assert abeyance.charges[0]["statute"] == "CR 5-601"
    assert abeyance.conditions_text == "Complete intake within 14 days"
    services.abeyance_set_conditions(
        actor=world.case_manager,
        abeyance=abeyance,
        requires_treatment=True,
        requires_service_plan=False,
        community_service_hours_required="8",
        deadline=abeyance.deadline,
    )
    justice_consent(abeyance.person, world.agencies["prosecutor"])
    rows = selectors.prosecutor_list_for(actor=world.prosecutor)
    assert [r.status for r in rows] == [rules.IN_PROGRESS]
    services.abeyance_progress_record(
        actor=world.case_manager, abeyance=abeyance, kind="service_hours", hours="5"
    )
    services.abeyance_progress_record(
        actor=world.case_manager, abeyance=abeyance, kind="service_hours", hours="3"
    )
    services.abeyance_progress_record(
        actor=world.case_manager, abeyance=abeyance, kind="treatment_met"
    )
    row = selectors.prosecutor_list_for(actor=world.prosecutor)[0]
    assert row.status == rules.CONDITIONS_MET
    visible = selectors.prosecutor_row(row)
    assert set(visible) == {
        "id",
        "person_name",
        "charges",
        "citation_number",
        "deadline",
        "status",
        "status_label",
        "disposition",
        "disposed_at",
        "notice",
    }
    with pytest.raises(PermissionDenied):
        services.abeyance_dispose(
            actor=world.case_manager, abeyance=abeyance, disposition="charges_dropped"
        )
    services.abeyance_dispose(
        actor=world.prosecutor, abeyance=abeyance, disposition="charges_dropped"
    )
    abeyance.refresh_from_db()
    assert abeyance.disposition == "charges_dropped" and abeyance.disposed_by == world.prosecutor
    with pytest.raises(InvalidTransition):
        services.abeyance_progress_record(actor=world.case_manager, abeyance=abeyance, kind="note")


def test_another_prosecutors_office_sees_none_of_it(world):
    abeyance = encounter_by(world.officer, "officer_intervention").abeyance
    office = AgencyFactory(name="State Attorney", kind="prosecutor")
    world.program.memberships.create(agency=office)
    liaison = UserFactory(username="sa")
    MembershipFactory(user=liaison, agency=office, role="prosecutor")
    assert selectors.prosecutor_list_for(actor=liaison) == []
    with pytest.raises(PermissionDenied):
        services.abeyance_dispose(actor=liaison, abeyance=abeyance, disposition="charges_dropped")
    with pytest.raises(Http404):
        selectors.abeyance_get_for(actor=world.prosecutor, abeyance_id=abeyance.pk)


def test_service_hours_are_validated(world):
    abeyance = encounter_by(world.officer, "officer_intervention").abeyance
    with pytest.raises(ValidationFailed) as err:
        services.abeyance_progress_record(
            actor=world.case_manager,
            abeyance=abeyance,
            kind="service_hours",
            hours="30",
            on=timezone.localdate() + dt.timedelta(days=2),
        )
    assert set(err.value.fields) == {"hours", "on"}


def test_the_police_coordinator_sees_the_compliance_status_only_under_a_justice_consent(
    client, world
):
    """The compliance status is derived from treatment (Part 2): a coordinator at the police
    department sees "Consent not on file" until the person consents to the department
    monitoring their progress (§2.35), then the status with a ledger row and the notice, and
    never the treatment progress. The case manager's agency records it and sees all of it."""
    abeyance = encounter_by(world.officer, "officer_intervention").abeyance
    services.abeyance_progress_record(
        actor=world.case_manager,
        abeyance=abeyance,
        kind="treatment_met",
        note="Attends every session",
    )
    url = f"/cases/abeyance/{abeyance.pk}/"
    client.force_login(world.coordinator)
    for page in (client.get(url).content.decode(), client.get("/cases/abeyance/").content.decode()):
        assert "Consent not on file" in page and "Conditions met" not in page
        assert "Attends every session" not in page and "Treatment: met" not in page
    assert not Disclosure.objects.filter(person=abeyance.person).exists()

    consent = justice_consent(abeyance.person, world.agencies["police"])
    page = client.get(url).content.decode()
    assert "Conditions met" in page and "Consent not on file" not in page
    assert 'data-testid="redisclosure-notice"' in page
    assert "Attends every session" not in page and "Treatment: met" not in page
    ledger = Disclosure.objects.get(person=abeyance.person)
    assert ledger.consent == consent and ledger.recipient_agency == world.agencies["police"]
    assert ledger.categories == ["compliance"]

    client.force_login(world.case_manager)
    page = client.get(url).content.decode()
    assert "Attends every session" in page and "Treatment: met" in page


def test_a_consent_for_care_does_not_open_the_status_to_the_police(world):
    """A consent naming the police department for care coordination is not a §2.35 consent:
    the department's coordinator still sees "Consent not on file"."""
    abeyance = encounter_by(world.officer, "officer_intervention").abeyance
    services.abeyance_progress_record(
        actor=world.case_manager, abeyance=abeyance, kind="treatment_met"
    )
    consent_to(abeyance.person, world.agencies["police"])
    row = selectors.abeyance_get_for(actor=world.coordinator, abeyance_id=abeyance.pk)
    assert row.label == "Consent not on file" and not row.disclosed


def test_the_timeline_read_is_audited_with_the_records_shown(world):
    """The timeline's read event names every record it showed, so an audit can say exactly
    what reached whom; abeyance progress passes the compliance gate."""
    encounter = encounter_by(world.officer, "officer_intervention")
    services.abeyance_progress_record(
        actor=world.case_manager, abeyance=encounter.abeyance, kind="treatment_met"
    )
    person, entries = selectors.person_timeline_get_for(
        actor=world.case_manager, person_id=encounter.person.pk
    )
    event = AuditEvent.objects.latest("pk")
    assert event.action == "person.read" and event.actor_id == world.case_manager.pk
    assert event.target_id == str(person.pk) and event.extra["view"] == "timeline"
    assert f"encounters.encounter:{encounter.pk}" in event.extra["records"]
    progress = encounter.abeyance.progress.get()
    assert f"cases.abeyanceprogress:{progress.pk}" in event.extra["records"]
    assert len(event.extra["records"]) == len(entries)


def test_the_prosecutor_sees_compliance_only_under_a_justice_consent_naming_the_office(
    client, world
):
    """§2.35: "treatment condition met" is set by the Part 2 program's case manager; the
    prosecutor's office sees it only under the person's consent naming the office for
    monitoring, with a ledger row and the notice; otherwise "Consent not on file"."""

    abeyance = encounter_by(world.officer, "officer_intervention").abeyance
    services.abeyance_progress_record(
        actor=world.case_manager, abeyance=abeyance, kind="treatment_met"
    )
    client.force_login(world.prosecutor)
    api = client.get("/api/v1/cases/abeyance/prosecutor").json()
    page = client.get("/cases/prosecutor/").content.decode()
    assert api[0]["status"] == "consent_not_on_file" and api[0]["notice"] == ""
    assert "Consent not on file" in page and "Conditions met" not in page
    assert not Disclosure.objects.exists()
    # A care-coordination consent to the office is not a §2.35 consent.
    consent_to(abeyance.person, world.agencies["prosecutor"], categories=["compliance"])
    assert client.get("/api/v1/cases/abeyance/prosecutor").json()[0]["status"] == (
        "consent_not_on_file"
    )
    consent = justice_consent(abeyance.person, world.agencies["prosecutor"])
    api = client.get("/api/v1/cases/abeyance/prosecutor").json()
    assert api[0]["status"] == rules.CONDITIONS_MET and "42 CFR part 2" in api[0]["notice"]
    page = client.get("/cases/prosecutor/").content.decode()
    assert "Conditions met" in page and "42 CFR part 2 prohibits" in page
    rows = Disclosure.objects.filter(recipient_agency=world.agencies["prosecutor"])
    assert rows.count() == 2 and {r.consent_id for r in rows} == {consent.pk}
    assert rows.first().categories == ["compliance"]
    # Revoked: not on file again from the next request.
    consent.revoked_at = timezone.now()
    consent.save()
    api = client.get("/api/v1/cases/abeyance/prosecutor").json()
    assert api[0]["status"] == "consent_not_on_file"
