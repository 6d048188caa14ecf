"""Newsletter subscribers and the record of their consent.

One row per address. A row moves pending → confirmed (double opt-in) →
unsubscribed, and back to pending when the person signs up again; the timestamps
and the consent wording version record what they agreed to and when. A pending
row that is unsubscribed without being confirmed is an opt-in its owner declined.
"""

import secrets
import unicodedata

import idna
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from operations.spreadsheet_cells import FORMULA_START

# RFC 5321, 4.5.3.1.1: longer local parts are not delivered.
LOCAL_PART_MAX_LENGTH = 64
# RFC 5321's longest path, less its angle brackets; and `Subscriber.email`'s length.
ADDRESS_MAX_LENGTH = 254


class RefusedAddress(ValueError):
    """An address the newsletter does not send to, for a reason the person who
    typed it can put right: the message says what."""


def email_normalize(value):
    """The stored form of an address (all lower case, the domain in ASCII), or
    ValueError for an address the newsletter does not send to.

    One inbox must be one subscriber: two rows would send it two copies and let the
    variants slip past the per-address rate limit and an erasure. So:
    - RFC 5321 lets a mail server treat the local part case-sensitively, but mail
      systems in use do not: "Ann@x.org" is "ann@x.org". Dots and "+tags" are left
      alone: only some providers ignore them.
    - The domain is written as IDNA 2008 (UTS #46 mapping, as browsers and mail
      systems do): "bücher.example" is "xn--bcher-kva.example", characters that
      do not show (zero-width spaces, soft hyphens) are dropped and those that only
      look like others (full-width letters) mapped. Python's own "idna" codec is
      IDNA 2003, which writes "straße.de" as "strasse.de": another domain.

    - A domain's closing dot ("example.org." or "example.org。") names the same
      domain and is dropped.

    Refused: a local part longer than 64 characters; a quoted or escaped one
    ('"ann"@x.org', 'a\\nn@x.org': the same inbox in many spellings, and no
    reader's real address); one that starts as a spreadsheet formula does
    ("=cmd|'/Ccalc'!A0@x.org", "-ann@x.org": the list is exported as CSV, where
    such a cell would run, or with an apostrophe in front be the wrong address);
    one in other letters than ASCII's ("İda@x.org"); an
    address over 254 characters as stored (the domain in ASCII); an IP-address
    domain ("ann@[10.0.0.1]"), which would have the mail server deliver wherever a
    visitor points it; and a domain of one label ("ann@localhost"), which is no
    address on the internet.
    """
    local, _, domain = value.strip().rpartition("@")
    if not local:
        raise ValueError(f"not an address the newsletter sends to: {value!r}")
    if len(local) > LOCAL_PART_MAX_LENGTH:
        raise RefusedAddress(
            f"The part before the @ can be {LOCAL_PART_MAX_LENGTH} characters at "
            "most: no mail server delivers to a longer one."
        )
    if '"' in local or "\\" in local:
        raise RefusedAddress("Write the address without quotation marks or “\\”.")
    if local.startswith(FORMULA_START):
        raise RefusedAddress(
            "An address starting with “=”, “+”, “-” or “@” cannot be taken "
            "(spreadsheets read it as a formula): please use another address."
        )
    if not local.isascii():
        # Django's mail sends such an address as "=?utf-8?b?…?=@domain", which
        # reaches no one; and lower-cased, "İda" would become "i̇da" (two letters).
        raise RefusedAddress(
            "Write the part before the @ in plain Latin letters (a to z), digits "
            "and punctuation: our mail cannot reach other letters there."
        )
    if domain.startswith("["):
        raise RefusedAddress(
            "Use an address at a domain name, such as name@example.com, not at an "
            "IP address."
        )
    address = email_stored_form(value)
    if "." not in address.rpartition("@")[2]:
        raise RefusedAddress(
            "After the @ comes a whole domain name, such as example.com."
        )
    if len(address) > ADDRESS_MAX_LENGTH:
        # Counted as stored: a domain in other scripts is longer written in ASCII.
        raise RefusedAddress(
            f"This address is too long: mail servers count it as {len(address)} "
            f"characters, and {ADDRESS_MAX_LENGTH} is the most."
        )
    return address


def email_stored_form(value):
    """`value` as `email_normalize` stores an address, refusing nothing it can
    write: erasing or finding a subscriber stored before a refusal existed must
    still work. ValueError (idna.IDNAError is one) if it is no address at all."""
    local, _, domain = value.strip().rpartition("@")
    if not local:
        raise ValueError(f"not an address: {value!r}")
    ascii_domain = idna.encode(domain, uts46=True).decode("ascii").removesuffix(".")
    return f"{local}@{ascii_domain}".lower()


def email_as_written(address):
    """A stored `address` with its domain as people write it: "ann@bücher.example",
    stored as "ann@xn--bcher-kva.example". A domain in other scripts stays as
    stored, as browsers show such domains: "еxample" with a Cyrillic "е" would
    pass for "example"."""
    local, _, domain = address.rpartition("@")
    try:
        written = idna.decode(domain)
    except idna.IDNAError:  # stored before the rules were what they are
        return address
    if not all(_is_latin(character) for character in written):
        return address
    return f"{local}@{written}"


def _is_latin(character):
    """Whether `character` is a digit, punctuation or a letter of the Latin
    script ("ü", "ß"; not the Cyrillic "е")."""
    return not character.isalpha() or unicodedata.name(character, "").startswith(
        "LATIN"
    )


def link_key_new():
    """A random key that names a subscriber in the links of their emails. The
    row's id would tell each reader how many signed up before them."""
    return secrets.token_urlsafe(16)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def unconfirmed_since_before(self, moment):
        """Addresses no one ever confirmed, whose last event came before `moment`:
        an opt-in requested then and still pending, or one its owner declined then
        (unsubscribed from without confirming it). A former subscriber's row is not
        one of them, even while a later opt-in is unconfirmed: it is the record of
        the consent the issues they were sent had."""
        return self.filter(
            Q(status=Subscriber.Status.PENDING, signed_up_at__lt=moment)
            | Q(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at__lt=moment),
            confirmed_at__isnull=True,
            previously_confirmed_at__isnull=True,
        )


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(max_length=ADDRESS_MAX_LENGTH)
    status = models.CharField(max_length=12, choices=Status, default=Status.PENDING)
    source_page = models.ForeignKey(
        "occupations.CareerPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_subscribers",
        help_text="The career page the latest signup came from (none: /newsletter/).",
    )
    # Consent evidence: the page's own row may be renamed or deleted later.
    source_path = models.CharField(
        "source address",
        max_length=250,
        blank=True,
        help_text="The address the latest signup was made on, as it was then: "
        "/careers/data-scientist/ or /newsletter/; or the editor who added it in "
        "the admin.",
    )
    consent_version = models.CharField(
        max_length=20, help_text="Version of the consent wording agreed to."
    )
    signed_up_at = models.DateTimeField(
        default=timezone.now, help_text="When the current opt-in was requested."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # A new opt-in clears `confirmed_at` (its record is of that opt-in alone); this
    # keeps what tells a former subscriber from an address that only ever declined.
    previously_confirmed_at = models.DateTimeField(
        "earlier opt-in confirmed at",
        null=True,
        blank=True,
        help_text="When the latest opt-in before the current one was confirmed, "
        "if one was: a former subscriber's row is kept, not erased as unconfirmed.",
    )
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    link_key = models.CharField(
        max_length=22, unique=True, default=link_key_new, editable=False
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ("-signed_up_at",)
        indexes = (
            models.Index(fields=("-signed_up_at",), name="subscriber_signed_up_idx"),
            models.Index(
                fields=("status", "-signed_up_at"), name="subscriber_status_idx"
            ),
        )
        constraints = (
            models.UniqueConstraint(fields=("email",), name="subscriber_unique_email"),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="subscriber_email_lowercase"
            ),
        )
        permissions = (
            ("export_subscriber", "Can export confirmed subscribers as CSV"),
        )

    def __str__(self):
        return self.email

    @property
    def email_as_written(self):
        return email_as_written(self.email)


class SubscriberExport(models.Model):
    """Who took the list of confirmed addresses out of the site, when, and how
    many: the record a list's owner is asked for. Django's record of changes
    ("Recent actions") knows only additions, changes and deletions, showed an
    export as "Changed" and only to the one who made it."""

    exported_at = models.DateTimeField(default=timezone.now, editable=False)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    # As it was then: the account may be renamed or deleted later.
    exported_by_username = models.CharField(
        "exported by", max_length=150, editable=False
    )
    subscriber_count = models.PositiveIntegerField(
        "confirmed subscribers", editable=False
    )

    class Meta:
        ordering = ("-exported_at",)

    def __str__(self):
        return (
            f"{self.subscriber_count} confirmed subscriber(s), exported by "
            f"{self.exported_by_username}"
        )
