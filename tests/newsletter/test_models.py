"""The database keeps addresses unique and normalised, whatever writes them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from newsletter.models import Subscriber

pytestmark = pytest.mark.django_db


def test_subscriber_duplicate_email_raises_integrity_error():
    Subscriber.objects.create(email="a@example.com", consent_version="1")
    with pytest.raises(IntegrityError):
        Subscriber.objects.create(email="a@example.com", consent_version="1")


def test_subscriber_duplicate_email_fails_full_clean():
    Subscriber.objects.create(email="a@example.com", consent_version="1")
    with pytest.raises(ValidationError):
        Subscriber(email="a@example.com", consent_version="1").full_clean()


def test_subscriber_upper_case_email_raises_integrity_error():
    with pytest.raises(IntegrityError):
        Subscriber.objects.create(email="A@Example.com", consent_version="1")


def test_subscriber_upper_case_email_fails_full_clean():
    with pytest.raises(ValidationError):
        Subscriber(email="A@Example.com", consent_version="1").full_clean()
