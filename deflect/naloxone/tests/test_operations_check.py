"""``deflect operations check`` lists what needs a coordinator's attention and exits 1."""

from io import StringIO

import pytest
from django.core.management import call_command

from deflect.naloxone.tests.factories import location, stocked


def test_the_check_lists_expiring_kits_and_low_stock(world):
    stocked(world.program, kits=3, name="Station 1", number="SOON", days=10)
    location(world.program, name="Medic 2", kind="vehicle", threshold=4)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("operations_check", "--program", world.program.name, stdout=out)
    assert exit_code.value.code == 1
    text = out.getvalue()
    assert "Station 1 holds 3 of lot SOON, expires" in text
    assert "Medic 2 has 0 kits, reorder below 4" in text


def test_a_program_with_nothing_to_look_at_passes(world):
    out = StringIO()
    call_command("operations_check", "--program", world.other_program.name, stdout=out)
    assert "Eastvale Deflection: nothing to look at" in out.getvalue()
