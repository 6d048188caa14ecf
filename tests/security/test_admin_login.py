"""The admin sign-in: brute-force lockout (django-axes), strong passwords, cookies."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = f"/{settings.ADMIN_URL}login/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor():
    return UserFactory(username="editor", is_staff=True)


def sign_in(password, username="editor", address="203.0.113.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN_URL, {"username": username, "password": password})
    return response


def test_admin_login_right_password_signs_in(editor):
    response = sign_in(PASSWORD)
    assert response.status_code == 302
    assert "sessionid" in response.cookies


def test_admin_login_repeated_failures_lock_out_with_clear_page(editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in("wrong password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in (
            response.content.decode()
        )

    locked = sign_in("wrong password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "<h1>Too many failed sign-in attempts</h1>" in html
    assert f"After {settings.AXES_FAILURE_LIMIT} failed attempts" in html
    assert "css/site.css" in html

    # Even the right password is refused while locked out.
    assert sign_in(PASSWORD).status_code == 429


def test_admin_login_lockout_limited_to_that_username_and_address(editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("wrong password")
    assert sign_in(PASSWORD).status_code == 429
    # The real editor elsewhere still gets in; so does another user from there.
    assert sign_in(PASSWORD, address="198.51.100.20").status_code == 302
    UserFactory(username="other", is_staff=True)
    assert sign_in(PASSWORD, username="other").status_code == 302


def test_admin_login_lockout_ends_after_cool_off(editor, time_machine):
    time_machine.move_to("2026-01-05 09:00:00+00:00", tick=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("wrong password")
    assert sign_in(PASSWORD).status_code == 429

    time_machine.shift(settings.AXES_COOLOFF_TIME.total_seconds() + 1)
    assert sign_in(PASSWORD).status_code == 302


def test_admin_login_success_resets_failure_count(editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in("wrong password")
    assert sign_in(PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in("wrong password")
    assert sign_in(PASSWORD).status_code == 302


def test_admin_login_cookies_secure_and_http_only(editor):
    client = Client(REMOTE_ADDR="203.0.113.7")
    form = client.get(LOGIN_URL, secure=True)
    csrf = form.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    assert csrf["samesite"] == "Lax"

    response = client.post(
        LOGIN_URL, {"username": "editor", "password": PASSWORD}, secure=True
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt!pass", "This password is too short. It must contain at least 12"),
        ("password1234", "This password is too common."),
        ("794613852046", "This password is entirely numeric."),
        ("newcomer-editor", "The password is too similar to the username."),
    ],
)
def test_admin_add_user_weak_password_rejected(admin_client, password, message):
    response = admin_client.post(
        f"/{settings.ADMIN_URL}auth/user/add/",
        {
            "username": "newcomer-editor",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer-editor").exists()


def test_admin_add_user_strong_password_accepted(admin_client):
    password = "plum-orbit-lantern-42"
    response = admin_client.post(
        f"/{settings.ADMIN_URL}auth/user/add/",
        {
            "username": "newcomer-editor",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    assert (
        get_user_model()
        .objects.get(username="newcomer-editor")
        .check_password(password)
    )


def test_admin_login_overlong_username_refused_not_500(editor):
    """Django's form passes any length on; django-axes' column holds 255."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in("wrong password", username="x" * 5000).status_code == 200
    assert sign_in("wrong password", username="x" * 5000).status_code == 429


def test_admin_login_lockout_behind_a_proxy_is_per_client(editor, settings):
    """Behind one proxy every request comes from the proxy's address; each client
    is the address the proxy appended to X-Forwarded-For, as for newsletter signups."""
    settings.TRUSTED_PROXY_COUNT = 1

    def sign_in_via_proxy(password, client):
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client).post(
            LOGIN_URL, {"username": "editor", "password": password}
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_via_proxy("wrong password", "198.51.100.9")
    assert sign_in_via_proxy(PASSWORD, "198.51.100.9").status_code == 429
    # A forged left-hand entry is still the attacker's own address.
    forged = sign_in_via_proxy(PASSWORD, "203.0.113.7, 198.51.100.9")
    assert forged.status_code == 429
    # The editor, elsewhere, gets in.
    assert sign_in_via_proxy(PASSWORD, "203.0.113.7").status_code == 302


def test_admin_login_direct_request_behind_a_proxy_setting_uses_its_own_address(
    editor, settings
):
    """A request with no X-Forwarded-For (one that did not come through the
    proxy) is its own address, not one empty address shared by all such."""
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("wrong password", address="198.51.100.9")
    assert sign_in(PASSWORD, address="198.51.100.9").status_code == 429
    assert sign_in(PASSWORD, address="203.0.113.7").status_code == 302


def test_admin_login_lockout_counts_an_ipv6_client_by_its_64(editor):
    """An IPv6 host or home has a /64 to itself and may use any address in it:
    counted per address, it had unlimited guesses."""
    for host in range(1, settings.AXES_FAILURE_LIMIT + 1):
        sign_in("wrong password", address=f"2001:db8:1:2::{host:x}")
    assert sign_in(PASSWORD, address="2001:db8:1:2:ffff::1").status_code == 429
    # The editor on another network gets in.
    assert sign_in(PASSWORD, address="2001:db8:1:3::1").status_code == 302


def test_admin_login_request_that_missed_a_proxy_is_locked_out_by_its_own_address(
    editor, settings
):
    """Behind two proxies, a request with one X-Forwarded-For entry did not come
    through both: it is its own address. Read anyway, the header's second entry
    from the right was a 500 on every such sign-in."""
    settings.TRUSTED_PROXY_COUNT = 2

    def sign_in_past_a_proxy(password, address):
        return Client(REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR="10.0.0.2").post(
            LOGIN_URL, {"username": "editor", "password": password}
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_past_a_proxy("wrong password", "198.51.100.9")
    assert sign_in_past_a_proxy(PASSWORD, "198.51.100.9").status_code == 429
    # The editor, from another address with the same header, gets in.
    assert sign_in_past_a_proxy(PASSWORD, "203.0.113.7").status_code == 302
