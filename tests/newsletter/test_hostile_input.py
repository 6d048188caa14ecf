"""Random and hostile input at the newsletter's forms and links: never a 500, and
nothing malformed is stored."""

import pytest
from django.core.validators import validate_email
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from newsletter.models import Subscriber
from operations.spreadsheet_cells import FORMULA_START
from tests.security.test_hostile_input import VALUE

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
FIELD = VALUE | st.just("reader@example.com") | st.just("yes")


@FUZZ
@given(email=FIELD, consent=FIELD, website=FIELD, source_page=FIELD)
def test_hostile_input_signup_never_500_and_stores_only_valid_addresses(
    email, consent, website, source_page
):
    response = Client().post(
        "/newsletter/",
        {
            "email": email,
            "consent": consent,
            "website": website,
            "source_page": source_page,
        },
    )
    assert response.status_code in (200, 302, 429)
    for address in Subscriber.objects.values_list("email", flat=True):
        validate_email(address)
        assert address == address.strip().lower()
        assert not address.startswith(FORMULA_START)  # a formula in the export


@FUZZ
@given(token=VALUE, method=st.sampled_from(["get", "post"]))
def test_hostile_input_email_links_never_500(token, method):
    client = Client()
    for kind in ("confirm", "unsubscribe"):
        path = f"/newsletter/{kind}/{token}/"
        response = getattr(client, method)(path)
        assert response.status_code < 500, (path, response.status_code)
