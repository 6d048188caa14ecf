"""Subscribe, confirm, unsubscribe and erase: every write to `Subscriber`.

Links in emails carry signed tokens (django.core.signing), which anyone can
decode but no one can forge. A token names its subscriber by a random key, not
the row's id (ids are sequential: they would tell each reader how many signed up
before them). A confirmation token also names the opt-in it confirms, and expires
after NEWSLETTER_CONFIRM_MAX_AGE seconds; an unsubscribe token never expires, so a
years-old email still lets its reader leave.
"""

import csv
import datetime
import logging
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from operations.spreadsheet_cells import FORMULA_START, formula_safe

from .consent import CONSENT_TEXT, CONSENT_VERSION
from .models import (
    Subscriber,
    SubscriberExport,
    email_normalize,
    email_stored_form,
)

logger = logging.getLogger(__name__)

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"


class InvalidLink(Exception):
    """A link that is tampered with, expired or no longer applies."""


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _opt_in_stamp(subscriber):
    """Which opt-in a confirmation link is for: its start, in whole microseconds."""
    return (subscriber.signed_up_at - EPOCH) // datetime.timedelta(microseconds=1)


def confirm_token_make(subscriber):
    return signing.dumps(
        {"k": subscriber.link_key, "t": _opt_in_stamp(subscriber)}, salt=CONFIRM_SALT
    )


def _address_mark(subscriber, secret=None):
    """A keyed digest of the address: a link is for this row's reader only, even
    if its id is later given to someone else (a restore from a backup made before
    an erasure resets the id counter). Keyed, so the token does not carry a hash
    anyone could match against a list of addresses."""
    digest = salted_hmac(UNSUBSCRIBE_SALT, subscriber.email, secret=secret)
    return digest.hexdigest()[:16]


def _address_marks(subscriber):
    """The address's mark under the secret key and each earlier key still
    accepted (SECRET_KEY_FALLBACKS), as signing accepts them: a rotated key must
    not break links that never expire."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return {_address_mark(subscriber, secret) for secret in secrets}


def unsubscribe_token_make(subscriber):
    return signing.dumps(
        {"k": subscriber.link_key, "a": _address_mark(subscriber)},
        salt=UNSUBSCRIBE_SALT,
    )


def _link_read(token, salt, max_age=None):
    """(data, subscriber) of a link's token; InvalidLink if it names no one."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        if "k" in data:
            subscriber = Subscriber.objects.get(link_key=str(data["k"]))
        else:  # a link sent before keys: "s" is the row's id
            subscriber = Subscriber.objects.get(pk=int(data["s"]))
    except (
        signing.BadSignature,
        Subscriber.DoesNotExist,
        KeyError,
        TypeError,
        ValueError,
    ):
        raise InvalidLink from None
    return data, subscriber


def subscriber_from_confirm_token(token):
    """The subscriber a confirmation link is for; InvalidLink if it no longer is."""
    data, subscriber = _link_read(
        token, CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE
    )
    # A link from an earlier opt-in (before an unsubscribe) must not confirm again.
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED or data["t"] != (
        _opt_in_stamp(subscriber)
    ):
        raise InvalidLink
    return subscriber


def subscriber_from_unsubscribe_token(token):
    data, subscriber = _link_read(token, UNSUBSCRIBE_SALT)
    # Links sent before the address mark was added carry none; they still work.
    if "a" in data and data["a"] not in _address_marks(subscriber):
        raise InvalidLink
    return subscriber


def _new_opt_in(*, despite_decline=False):
    """The rows a signup of their address starts a new opt-in in: an unsubscribed
    one, or a pending one to consent wording that has changed since (the person has
    just agreed to the new wording, so the record must say so, and the link in the
    earlier email, for the old wording, must no longer confirm).

    Not, unless `despite_decline`, a row whose owner declined its opt-in in the
    last NEWSLETTER_UNCONFIRMED_DAYS (unsubscribed from it without confirming):
    the confirmation email promised them no more emails, and anyone could
    otherwise have one sent again at once, every day."""
    reopened = Q(status=Subscriber.Status.UNSUBSCRIBED)
    if not despite_decline:
        reopened &= ~Q(confirmed_at__isnull=True, unsubscribed_at__gte=_kept_since())
    return reopened | (
        Q(status=Subscriber.Status.PENDING) & ~Q(consent_version=CONSENT_VERSION)
    )


def subscriber_subscribe(
    *, email, source_page=None, source_path=None, despite_decline=False
):
    """Start (or repeat) an opt-in; the caller's response must not depend on it.
    `source_path` says where it was started, when not on a page of the site (the
    signup page, or `source_page`).

    New or unsubscribed address: pending, with a confirmation email. Pending: the
    confirmation email again, whose link stays the same opt-in. Confirmed: nothing
    changes and the address alone is told it is already subscribed, so whoever
    typed it learns nothing. Declined lately (`_new_opt_in`): nothing changes and
    nothing is sent; `despite_decline` (a newsletter manager adding the address)
    starts a new opt-in all the same.
    """
    email = email_normalize(email)
    new_opt_in = _new_opt_in(despite_decline=despite_decline)
    # A repeat (pending or confirmed) changes nothing: a read answers it. The write
    # transaction would take SQLite's database-wide write lock for nothing.
    subscriber = Subscriber.objects.filter(email=email).exclude(new_opt_in).first()
    if subscriber is None:
        subscriber = _opt_in_start(email, source_page, source_path, new_opt_in)
    if subscriber.status == Subscriber.Status.CONFIRMED:
        kind = "already_subscribed"
    elif subscriber.status == Subscriber.Status.PENDING:
        kind = "confirm"
    else:
        return subscriber  # declined lately
    transaction.on_commit(lambda: _email_send(subscriber, kind))
    return subscriber


def _opt_in_start(email, source_page, source_path, new_opt_in):
    """Start a pending opt-in for `email`: a new row, or its row again if it is
    one of `new_opt_in`'s.

    Each write is a single statement: the database's write lock (on SQLite, the
    whole file's) is held while the statement runs, not from a read to a write,
    so signups seldom queue behind each other. Two simultaneous signups of one
    address still end with one row and no error: the second insert is ignored."""
    opt_in = {
        "status": Subscriber.Status.PENDING,
        "source_page": source_page,
        "source_path": source_path
        or (source_page.get_absolute_url() if source_page else None)
        or reverse("newsletter:signup"),
        "consent_version": CONSENT_VERSION,
        "signed_up_at": timezone.now(),
        # The record is of this opt-in: an earlier one's dates would read as its own.
        "confirmed_at": None,
        "unsubscribed_at": None,
    }
    Subscriber.objects.bulk_create(
        [Subscriber(email=email, **opt_in)], ignore_conflicts=True
    )
    Subscriber.objects.filter(new_opt_in, email=email).update(
        **opt_in,
        # The confirmation the new opt-in's record no longer shows: a former
        # subscriber stays one. (SQL reads the row as it was, whatever the order.)
        previously_confirmed_at=Coalesce("confirmed_at", "previously_confirmed_at"),
    )
    return Subscriber.objects.get(email=email)


def subscriber_confirm(*, token):
    """Confirm the opt-in a link names; repeating it changes nothing. Raises
    InvalidLink for a bad link."""
    with transaction.atomic():
        subscriber = subscriber_from_confirm_token(token)
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return subscriber
        if subscriber.status != Subscriber.Status.PENDING:
            raise InvalidLink
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=("status", "confirmed_at", "unsubscribed_at"))
    return subscriber


def subscriber_unsubscribe(*, token):
    """End a subscription (or a pending opt-in); repeating it changes nothing."""
    with transaction.atomic():
        pk = subscriber_from_unsubscribe_token(token).pk
        subscriber = Subscriber.objects.select_for_update().get(pk=pk)
        if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=("status", "unsubscribed_at"))
    return subscriber


EXPORT_HEADER = (
    "email",
    "confirmed_at",
    "signed_up_at",
    "source_address",
    "consent_version",
    "unsubscribe_url",
)


def subscribers_export(*, subscribers, by, out):
    """Write the confirmed ones of `subscribers` to `out` as CSV, one row each with
    the consent it was given on and its unsubscribe link (for the program that
    sends the issues: its List-Unsubscribe header and the link in each issue, so
    that leaving there reaches this list), and record who took the list away, and
    when (`SubscriberExport`). Returns how many rows; with none,
    nothing is written or recorded."""
    confirmed = list(subscribers.confirmed().order_by("email"))
    if not confirmed:
        return 0
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    for subscriber in confirmed:
        writer.writerow(
            (
                _address_cell(subscriber.email),
                *(
                    formula_safe(value)
                    for value in (
                        subscriber.confirmed_at.isoformat(),
                        subscriber.signed_up_at.isoformat(),
                        subscriber.source_path,
                        subscriber.consent_version,
                        unsubscribe_url(subscriber),
                    )
                ),
            )
        )
    SubscriberExport.objects.create(
        exported_by=by,
        exported_by_username=by.get_username(),
        subscriber_count=len(confirmed),
    )
    return len(confirmed)


def _address_cell(address):
    """An address as the export writes it: as it is, for the program that sends
    the issues; an apostrophe in front made "-ann@x.org" another address.
    `email_normalize` refuses addresses that start as a spreadsheet formula does,
    so only one stored before that refusal gets `formula_safe`'s apostrophe: it may
    be an attacker's "=cmd|…"@, which must not run where the export is opened."""
    return formula_safe(address) if address.startswith(FORMULA_START) else address


ERASED_REPR = "(erased subscriber)"


def subscribers_erase(subscribers, *, by=None, why="on request"):
    """Delete `subscribers` (a queryset) and their consent records (a privacy
    request), and their addresses from the admin's record of changes (its entries
    stay, unnamed). `by`, the staff user erasing, is recorded there, one entry a
    subscriber. Returns how many were deleted. Outstanding links stop working.
    """
    with transaction.atomic():
        pks = [str(pk) for pk in subscribers.values_list("pk", flat=True)]
        deleted, _ = Subscriber.objects.filter(pk__in=pks).delete()
        content_type = ContentType.objects.get_for_model(Subscriber)
        LogEntry.objects.filter(content_type=content_type, object_id__in=pks).update(
            object_repr=ERASED_REPR
        )
        if by is not None:
            LogEntry.objects.bulk_create(
                LogEntry(
                    user=by,
                    content_type=content_type,
                    object_id=pk,
                    object_repr=ERASED_REPR,
                    action_flag=DELETION,
                    change_message="Erased on a privacy request.",
                )
                for pk in pks
            )
    logger.info("newsletter: erased %d subscriber(s) %s", deleted, why)
    return deleted


def unconfirmed_erase():
    """Erase the addresses no one ever confirmed, NEWSLETTER_UNCONFIRMED_DAYS
    after their opt-in was requested or, if their owner declined it, after that;
    returns how many."""
    return subscribers_erase(
        Subscriber.objects.unconfirmed_since_before(_kept_since()),
        why=f"unconfirmed after {settings.NEWSLETTER_UNCONFIRMED_DAYS} days",
    )


def _kept_since():
    """The start of the NEWSLETTER_UNCONFIRMED_DAYS an unconfirmed address is
    kept: a declined opt-in holds back signups of its address as long as its row
    is kept, no longer."""
    return timezone.now() - datetime.timedelta(
        days=settings.NEWSLETTER_UNCONFIRMED_DAYS
    )


def subscriber_erase(*, email):
    """Erase the subscriber with the address `email`, however it is written
    (`email_stored_form`); returns 0 or 1."""
    try:
        # Not `email_normalize`: an address stored before the rule it breaks
        # existed is erased all the same.
        email = email_stored_form(email)
    except ValueError:
        email = email.strip().lower()
    return subscribers_erase(Subscriber.objects.filter(email=email))


def _absolute(name, token):
    return settings.SITE_URL + reverse(name, args=[token])


def unsubscribe_url(subscriber, token=None):
    """The subscriber's one-click unsubscribe address (RFC 8058), which never
    expires: mail clients POST to it, and opened in a browser it shows the
    unsubscribe page with its button. `token`: one already made for them."""
    token = token or unsubscribe_token_make(subscriber)
    return _absolute("newsletter:one_click_unsubscribe", token)


def list_id():
    """The newsletter's RFC 2919 List-Id, named after the site's host:
    `Careerguide newsletter <newsletter.careerguide.example>`. The program that
    sends the issues gives them the same one."""
    return f"Careerguide newsletter <newsletter.{urlsplit(settings.SITE_URL).hostname}>"


def _email_send(subscriber, kind):
    """Render and send one email; a mail server failure is logged, not raised.

    Raising would turn the signup into an error page for some addresses and not
    others, which tells a visitor something about the address.
    """
    unsubscribe_token = unsubscribe_token_make(subscriber)
    context = {
        "confirm_url": _absolute("newsletter:confirm", confirm_token_make(subscriber)),
        "unsubscribe_url": _absolute("newsletter:unsubscribe", unsubscribe_token),
        "site_url": settings.SITE_URL,
        # How long a declined opt-in holds back a signup's confirmation email.
        "declined_days": settings.NEWSLETTER_UNCONFIRMED_DAYS,
        # What the reader agreed to, in the words the form showed them.
        "consent_text": CONSENT_TEXT,
    }
    template = f"newsletter/email/{kind}"
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[subscriber.email],
        headers={
            # RFC 3834: sent by a program (no out-of-office replies, please).
            "Auto-Submitted": "auto-generated",
            # Named after the site, not the sending server's own host name.
            "Message-ID": make_msgid(domain=urlsplit(settings.SITE_URL).hostname),
            # RFC 8058: mail clients show an unsubscribe button that POSTs here.
            "List-Unsubscribe": f"<{unsubscribe_url(subscriber, unsubscribe_token)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # RFC 2919: mail clients and filters know the list by it, whatever the
            # sender's address.
            "List-Id": list_id(),
        },
    )
    message.attach_alternative(
        render_to_string(f"{template}.html", context), "text/html"
    )
    try:
        message.send()
    except Exception as error:
        # The kind of failure only: an SMTP refusal's message (and so a traceback)
        # names the address, and logs must not.
        logger.error(
            "newsletter: could not send the %s email: %s", kind, _error_kind(error)
        )


def _error_kind(error):
    """`error`'s class and, from a mail server, its reply code: "SMTPDataError
    554". Nothing the server said, which may quote the recipient."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__
