from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from occupations.presentation import canonical_url
from operations.views import form_page, methods_allowed

from . import ratelimit
from .forms import SignupForm
from .models import Subscriber
from .services import (
    InvalidLink,
    subscriber_confirm,
    subscriber_from_confirm_token,
    subscriber_from_unsubscribe_token,
    subscriber_subscribe,
    subscriber_unsubscribe,
)


def _invalid_link(request):
    return render(request, "newsletter/invalid_link.html", status=400)


@form_page
def signup(request):
    if request.method != "POST":
        url = canonical_url(reverse("newsletter:signup"))
        context = {"form": SignupForm(), "canonical_url": url}
        return render(request, "newsletter/signup.html", context)
    form = SignupForm(request.POST)
    valid = form.is_valid()
    # An address counts when an email may go to it: an invalid form sends none.
    email = form.cleaned_data["email"] if valid else None
    if wait := ratelimit.signup_limited(request, email=email):
        # The form comes back as typed, to send again once the wait is over.
        response = render(
            request,
            "newsletter/rate_limited.html",
            {"retry_at": ratelimit.retry_time(wait), "form": form},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    if not valid:
        return render(request, "newsletter/signup.html", {"form": form})
    if not form.is_bot:
        subscriber_subscribe(
            email=form.cleaned_data["email"],
            source_page=form.cleaned_data["source_page"],
        )
    # The same answer whatever the address's state: it reveals nothing.
    return redirect("newsletter:thanks")


def _declined_days():
    """How long a declined opt-in holds back a signup's confirmation email, for
    the pages that tell whoever waits for one."""
    return {"declined_days": settings.NEWSLETTER_UNCONFIRMED_DAYS}


def thanks(request):
    return render(request, "newsletter/thanks.html", _declined_days())


@form_page
def confirm(request, token):
    # A GET only shows a button: mail scanners open links, people press buttons.
    try:
        if request.method == "POST":
            subscriber_confirm(token=token)
            # Redirected, as the unsubscribe button is: a reload then shows the
            # page again instead of asking to send the form again.
            return redirect("newsletter:confirmed")
        subscriber = subscriber_from_confirm_token(token)
    except InvalidLink:
        return _invalid_link(request)
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return render(request, "newsletter/confirmed.html", {"already_confirmed": True})
    return render(request, "newsletter/confirm.html")


def confirmed(request):
    return render(request, "newsletter/confirmed.html")


@form_page
def unsubscribe(request, token):
    try:
        if request.method == "POST":
            subscriber_unsubscribe(token=token)
            return redirect("newsletter:unsubscribed")
        subscriber = subscriber_from_unsubscribe_token(token)
    except InvalidLink:
        return _invalid_link(request)
    # A pending address gets the button too: pressing it ends the opt-in.
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return render(
            request,
            "newsletter/unsubscribed.html",
            {"already_unsubscribed": True, **_declined_days()},
        )
    # Pending: the reader is saying no to an opt-in they may never have asked for.
    declining = subscriber.status == Subscriber.Status.PENDING
    return render(
        request,
        "newsletter/unsubscribe.html",
        {"declining": declining, **_declined_days()},
    )


def unsubscribed(request):
    return render(request, "newsletter/unsubscribed.html", _declined_days())


@csrf_exempt
@methods_allowed(["GET", "HEAD", "POST"])
def one_click_unsubscribe(request, token):
    """RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", no cookies.

    A mail client without one-click support opens the address in a browser
    instead: that GET goes to the unsubscribe page and its button (link scanners
    GET too, so a GET never unsubscribes)."""
    if request.method != "POST":
        return redirect("newsletter:unsubscribe", token=token)
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return _plain_text("Expected List-Unsubscribe=One-Click.", status=400)
    try:
        subscriber_unsubscribe(token=token)
    except InvalidLink:
        return _plain_text("This unsubscribe link is not valid.", status=400)
    return _plain_text("You are unsubscribed.")


def _plain_text(text, status=200):
    return HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
