"""The demo county's overdose surveillance: a few overdoses from yesterday's EMS export (a
NEMSIS 3.5 file imported as a coordinator would), a quiet fortnight of dispatch overdose calls,
and a spike in one ZIP code in the last day, with its alert raised. Synthetic; idempotent."""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from deflect.accounts.system import dangerously_as_system
from deflect.programs.models import Program
from deflect.surveillance.alerts import spikes_detect
from deflect.surveillance.models import OverdoseEvent, Source
from deflect.surveillance.services import (
    ems_import_file,
    h3_cell_of,
    surveillance_settings_update,
)

# Spots in the demo county (the old town, the river district, the east side), with ZIP codes.
SPOTS = [
    ("38.887310", "-77.094690", "22209"),
    ("38.862540", "-77.086730", "22204"),
    ("38.881000", "-77.104000", "22201"),
]
SPIKE_ZIP = "22204"
EMS_PATIENTS = [
    ("Rivera", "Daniel", "1990-04-02", "9919003", "9916001", False),
    ("Lopez", "Maria", "1985-09-14", "9919001", "9916001", False),
    ("", "", "", "9919003", "9916001", False),
    ("Hale", "Thomas", "1979-01-20", "9919003", "9916003", True),
]


def _pcr(index: int, when: dt.datetime, patient: tuple, spot: tuple) -> str:
    last, first, born, sex, response, fatal = patient
    lat, lon, zip_code = spot
    name = (
        f"<ePatient.PatientNameGroup><ePatient.02>{last}</ePatient.02>"
        f"<ePatient.03>{first}</ePatient.03></ePatient.PatientNameGroup>"
        if last
        else ""
    )
    dob = f"<ePatient.17>{born}</ePatient.17>" if born else ""
    arrest = "<eArrest><eArrest.18>3018003</eArrest.18></eArrest>" if fatal else ""
    return (
        f'<PatientCareReport UUID="{uuid.uuid5(uuid.NAMESPACE_URL, f"demo-pcr-{index}")}">'
        f"<eRecord><eRecord.01>DEMO-PCR-{index:04d}</eRecord.01></eRecord>"
        f"<eTimes><eTimes.01>{when.isoformat(timespec='seconds')}</eTimes.01></eTimes>"
        f"<ePatient>{name}{dob}<ePatient.25>{sex}</ePatient.25></ePatient>"
        f"<eScene><eScene.11>{lat},{lon}</eScene.11><eScene.19>{zip_code}</eScene.19></eScene>"
        "<eSituation><eSituation.11>T40.411A</eSituation.11></eSituation>"
        "<eMedications><eMedications.MedicationGroup><eMedications.03>7242</eMedications.03>"
        f"<eMedications.07>{response}</eMedications.07></eMedications.MedicationGroup>"
        f"</eMedications>{arrest}</PatientCareReport>"
    )


def surveillance_demo_load(*, program_name: str) -> None:
    program = Program.objects.filter(name=program_name).first()
    if program is None or OverdoseEvent.objects.filter(program=program).exists():
        return
    actor = dangerously_as_system("demo")
    surveillance_settings_update(
        actor=actor,
        program=program,
        methods=["c2", "threshold"],
        count_threshold=3,
        overdose_call_types=["OD", "OVERDOSE"],
        behavioral_call_types=["MENTAL", "SUICIDAL"],
        notify_roles=["coordinator", "outreach"],
    )
    now = timezone.now()
    # A quiet fortnight: one dispatch overdose call a day, somewhere in the county.
    for back in range(1, 15):
        lat, lon, zip_code = SPOTS[back % len(SPOTS)]
        _cad_event(program, actor, now - dt.timedelta(days=back, hours=5), lat, lon, zip_code, back)
    # Yesterday's EMS export, imported as a coordinator would.
    reports = "".join(
        _pcr(i, now - dt.timedelta(hours=20 - i), patient, SPOTS[(0, 2, 1, 1)[i]])
        for i, patient in enumerate(EMS_PATIENTS)
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ems-export.xml"
        path.write_text(
            f'<EMSDataSet xmlns="http://www.nemsis.org"><Header>{reports}</Header></EMSDataSet>',
            encoding="utf-8",
        )
        ems_import_file(actor=actor, program=program, path=path)
    # The spike: three more overdose calls in one ZIP code in the last hours.
    lat, lon, _ = SPOTS[1]
    for i in range(3):
        _cad_event(program, actor, now - dt.timedelta(hours=2 + i), lat, lon, SPIKE_ZIP, 100 + i)
    spikes_detect(program=program, now=now)


def _cad_event(program, actor, when, lat, lon, zip_code, number) -> None:
    latitude, longitude = Decimal(lat), Decimal(lon)
    OverdoseEvent.objects.create(
        program=program,
        source=Source.CAD,
        external_id=f"DEMO-CAD-{number:04d}",
        occurred_at=when,
        call_type="OD",
        unit="M104",
        naloxone_doses=1,
        naloxone_response="improved",
        naloxone_given_by=["ems"],
        latitude=latitude,
        longitude=longitude,
        scene_zip=zip_code,
        h3_cell=h3_cell_of(latitude, longitude, 8),
        imported_by=actor,
    )
