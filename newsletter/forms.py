from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import slug_re

from occupations.models import CareerPage

from .consent import CONSENT_TEXT
from .models import ADDRESS_MAX_LENGTH, RefusedAddress, email_normalize


class SubscriberEmailField(forms.EmailField):
    """An address as subscribers are stored (`email_normalize`); one the
    newsletter does not send to is an invalid address."""

    default_error_messages = {
        "invalid": "Enter an email address like name@example.com.",
    }

    def __init__(self, **kwargs):
        super().__init__(**{"max_length": ADDRESS_MAX_LENGTH, **kwargs})

    def to_python(self, value):
        # A domain's closing dot ("example.org.") names the same domain, but
        # Django's check refuses it: `email_normalize` drops it.
        return super().to_python(value).removesuffix(".")

    def clean(self, value):
        email = super().clean(value)
        if not email:
            return email
        try:
            return email_normalize(email)
        except RefusedAddress as refused:
            raise ValidationError(str(refused), code="invalid") from None
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None


class TickedBox(forms.CheckboxInput):
    """Ticked only by the value the form's box sends, "yes": Django's checkbox
    reads any other word but "false" and "False" as ticked, "off" and "no" too,
    and a consent is a record of what the reader said."""

    def value_from_datadict(self, data, files, name):
        return data.get(name) == "yes"


class SignupForm(forms.Form):
    email = SubscriberEmailField(
        label="Email address",
        error_messages={"required": "Enter your email address."},
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        widget=TickedBox,
        error_messages={"required": "Tick the box to say you want the newsletter."},
    )
    # The two fields people do not see are plain Fields, which refuse nothing: a
    # CharField refuses a NUL, and an error no one can see or correct would fail
    # the form again on every send.
    # Honeypot: hidden from people by CSS, filled in by form-filling bots.
    website = forms.Field(required=False)
    # The career page the form was on, by slug; anything else records no page.
    source_page = forms.Field(required=False, widget=forms.HiddenInput)

    def clean_source_page(self):
        slug = self.cleaned_data["source_page"]
        if not slug or not slug_re.match(slug):
            return None
        return CareerPage.objects.published().filter(slug=slug).first()

    @property
    def is_bot(self):
        return bool(self.cleaned_data.get("website"))
