"""Authorization-matrix rows for a user's own account pages: API tokens and password.

Every signed-in user manages their own tokens and password (also ``nobody``, who has no role:
their tokens are refused by the API anyway). Another user's token id answers 404.
"""

from deflect.access.tests.matrix import Row, expect


def _officer_token(w) -> dict:
    from deflect.accounts.services import api_token_create

    token, _ = api_token_create(actor=None, user=w.officer, name="phone")
    return {"token_id": token.pk}


WEB_ROWS: list[Row] = [
    Row("api-tokens", "GET", expect(200, anonymous=302)),
    Row("api-tokens", "POST", expect(201, anonymous=302), body=lambda w: {"name": "cad"}),
    Row(
        "api-token-revoke",
        "POST",
        expect(404, anonymous=302, officer=302),
        args=_officer_token,
    ),
    Row("password-change", "GET", expect(200, anonymous=302)),
    # An empty form is re-shown with its errors; nothing changes.
    Row("password-change", "POST", expect(200, anonymous=302), body=lambda w: {}),
]
