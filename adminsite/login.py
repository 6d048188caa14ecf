"""django-axes hooks for the admin sign-in: the lockout page and the username key."""

from django.conf import settings
from django.shortcuts import render

# django-axes stores the username in a 255-character column; Django's sign-in form
# does not cap what it passes on, so a longer one would fail the insert (a 500 on
# PostgreSQL). No real username is longer than 150 characters (the User column).
USERNAME_KEY_LENGTH = 255


def locked_out(request, original_response=None, credentials=None):
    """The lockout response: a page saying why and for how long (429)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "429.html", context, status=429)


def username_key(request, credentials=None):
    """The username a sign-in attempt is recorded and locked out under."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "POST", {}).get("username")
    return None if username is None else str(username)[:USERNAME_KEY_LENGTH]
