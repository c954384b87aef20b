"""Authorization-matrix rows for participant feedback.

The form, its thank-you page and QR code are public: anyone, signed in or not, gets 200 (an
empty answer is 422 for everyone). The responses are FEEDBACK_VIEW: the program's coordinators
and analysts.
"""

from deflect.access.tests.matrix import Row, expect, own_program


def _lang(lang):
    return lambda w: {"program_id": w.program.pk, "lang": lang}


WEB_ROWS = [
    Row("feedback:form", "GET", expect(200), args=own_program),
    Row("feedback:form", "POST", expect(422), args=own_program, body=lambda w: {}),
    Row("feedback:form-lang", "GET", expect(200), args=_lang("es"), variant="Spanish"),
    Row("feedback:thanks", "GET", expect(200), args=_lang("en")),
    Row("feedback:qr", "GET", expect(200), args=_lang("en")),
    Row(
        "feedback:home",
        "GET",
        expect(403, anonymous=302, coordinator=302, analyst=302, other_coordinator=302),
    ),
    Row(
        "feedback:responses",
        "GET",
        expect(403, anonymous=302, nobody=404, other_coordinator=404, coordinator=200, analyst=200),
        args=own_program,
    ),
]
