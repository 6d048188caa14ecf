from django import forms

from occupations.models import CareerPage

from .consent import CONSENT_TEXT
from .models import email_normalize


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": "Tick the box to say you want the newsletter."},
    )
    # Honeypot: hidden from people by CSS, filled in by form-filling bots.
    website = forms.CharField(required=False)
    # The career page the form was on, by slug; anything unknown records no page.
    source_page = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_email(self):
        return email_normalize(self.cleaned_data["email"])

    def clean_source_page(self):
        slug = self.cleaned_data["source_page"]
        if not slug:
            return None
        return CareerPage.objects.published().filter(slug=slug).first()

    @property
    def is_bot(self):
        return bool(self.cleaned_data.get("website"))
