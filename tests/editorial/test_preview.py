"""Preview: staff see a draft or unsaved changes as visitors would, nothing is saved,
and the preview is never cached or indexed."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from occupations.models import CareerPage
from tests.admin_forms import admin_url, change_form_data
from tests.factories import (
    CareerPageFactory,
    CareerPageResourceFactory,
    OccupationFactory,
)
from tests.html_text import visible_text
from tests.security.test_headers import inline_code

pytestmark = pytest.mark.django_db

BANNER = "Preview — not published."


def preview_url(page):
    return admin_url(CareerPage, "preview", page.pk)


def assert_private(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives
    assert "public" not in directives
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize("unpublished", ["draft", "scheduled next week"])
def test_preview_of_an_unpublished_page_shows_it_with_banner(admin_client, unpublished):
    """A scheduled page's preview renders it as live from now: made live from its
    own publish time instead, still a week ahead, the page was not found."""
    from django.test import Client

    visitor = Client()
    next_week = timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
    page = CareerPageFactory(
        duties="Unpublished **duties** text.",
        **(
            {"status": CareerPage.Status.DRAFT}
            if unpublished == "draft"
            else {"published_at": next_week}
        ),
    )
    before = (page.status, page.published_at)
    assert visitor.get(page.get_absolute_url()).status_code == 404
    response = admin_client.get(preview_url(page))
    assert response.status_code == 200
    text = visible_text(response.content)
    assert BANNER in text
    assert page.title in text and "Unpublished duties text." in text
    assert_private(response)
    page.refresh_from_db()
    assert (page.status, page.published_at) == before  # the preview saved nothing
    assert visitor.get(page.get_absolute_url()).status_code == 404


def test_preview_needs_staff_login(client):
    page = CareerPageFactory(status=CareerPage.Status.DRAFT)
    response = client.get(preview_url(page))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_preview_unsaved_changes_renders_them_and_saves_nothing(admin_client):
    page = CareerPageFactory(status=CareerPage.Status.DRAFT, duties="Old duties.")
    form = admin_client.get(admin_url(CareerPage, "change", page.pk))
    data = change_form_data(form, duties="Unsaved *new* duties.")
    response = admin_client.post(preview_url(page), data)
    assert response.status_code == 200
    text = visible_text(response.content)
    assert BANNER in text and "Unsaved new duties." in text
    assert_private(response)
    page.refresh_from_db()
    assert (page.duties, page.status) == ("Old duties.", CareerPage.Status.DRAFT)
    assert page.history.count() == 1  # only the creation


def test_preview_unsaved_changes_leaves_the_page_cache_alone(admin_client):
    """Its writes are always rolled back: cached pages stay as they are."""
    from django.test import Client

    client = Client()  # a visitor, not the signed-in editor
    page = CareerPageFactory(duties="Old duties.")
    other = CareerPageFactory()
    assert client.get(other.get_absolute_url())["X-Cache"] == "MISS"
    form = admin_client.get(admin_url(CareerPage, "change", page.pk))
    admin_client.post(preview_url(page), change_form_data(form, duties="New."))
    assert client.get(other.get_absolute_url())["X-Cache"] == "HIT"
    # A real save still retires the cached pages.
    admin_client.post(
        admin_url(CareerPage, "change", page.pk), change_form_data(form, duties="New.")
    )
    assert client.get(other.get_absolute_url())["X-Cache"] == "MISS"


def test_preview_of_new_page_from_add_form_saves_nothing(admin_client):
    occupation = OccupationFactory()
    form = admin_client.get(admin_url(CareerPage, "add"))
    data = change_form_data(
        form,
        title="Brand New Career Path in 2025",
        career_name="Brand New",
        career_name_plural="Brand News",
        slug="brand-new",
        headline_year=2025,
        occupation=occupation.pk,
        introduction="Never saved.",
    )
    response = admin_client.post(admin_url(CareerPage, "preview_new"), data)
    assert response.status_code == 200, response.content
    assert "Never saved." in visible_text(response.content)
    assert not CareerPage.objects.filter(slug="brand-new").exists()
    # Opened by its address, there is nothing to show: 405, not "not allowed".
    opened = admin_client.get(admin_url(CareerPage, "preview_new"))
    assert opened.status_code == 405
    assert opened["Allow"] == "POST"


def test_preview_with_form_errors_explains_them(admin_client):
    page = CareerPageFactory()
    form = admin_client.get(admin_url(CareerPage, "change", page.pk))
    data = change_form_data(form, headline_year="1066", slug="")
    response = admin_client.post(preview_url(page), data)
    assert response.status_code == 400
    text = visible_text(response.content)
    assert "cannot be previewed" in text
    assert "Slug: This field is required." in text
    assert "Headline year: Ensure this value is greater than or equal to 2000." in text


def test_preview_names_the_inline_row_in_error_in_words(admin_client):
    """Inline errors were printed as Python: [{}, {'__all__': [...]}]."""
    page = CareerPageFactory()
    first, second = CareerPageResourceFactory.create_batch(2, page=page)
    form = admin_client.get(admin_url(CareerPage, "change", page.pk))
    data = change_form_data(form)
    row = next(
        k for k, v in data.items() if k.endswith("-id") and v == second.pk
    ).rsplit("-", 1)[0]
    data[f"{row}-resource"] = first.resource.pk  # the same resource twice
    data[f"{row}-id"] = 999_999  # and a row deleted meanwhile
    text = visible_text(admin_client.post(preview_url(page), data).content)
    assert "{" not in text and "__all__" not in text
    assert "Career page resources, row 2: this row was changed or deleted" in text


def test_preview_sanitises_editor_markup(admin_client):
    page = CareerPageFactory(status=CareerPage.Status.DRAFT)
    form = admin_client.get(admin_url(CareerPage, "change", page.pk))
    payload = (
        # (A javascript: link is refused before any preview: test_rich_text.)
        "<script>alert(1)</script><img src=x onerror=alert(1)> "
        "[out](https://example.org/)"
    )
    response = admin_client.post(
        preview_url(page), change_form_data(form, duties=payload)
    )
    found = inline_code(response.content.decode())
    assert not [s for s in found.inline_scripts if "alert" in s]
    assert found.attributes == []
    assert (
        'href="https://example.org/" rel="noopener noreferrer"'
        in response.content.decode()
    )


def test_change_form_has_preview_button_and_view_on_site_for_drafts(admin_client):
    draft = CareerPageFactory(status=CareerPage.Status.DRAFT)
    live = CareerPageFactory()
    content = admin_client.get(admin_url(CareerPage, "change", draft.pk)).content
    content = content.decode()
    assert f'formaction="{preview_url(draft)}" formtarget="_blank"' in content
    assert f'href="{preview_url(draft)}" class="viewsitelink"' in content
    found = inline_code(content)
    assert found.inline_scripts == [] and found.attributes == []
    live_form = admin_client.get(admin_url(CareerPage, "change", live.pk))
    assert f'href="{live.get_absolute_url()}" class="viewsitelink"' in (
        live_form.content.decode()
    )


def test_preview_refused_to_staff_without_page_permission(client):
    from tests.factories import UserFactory

    page = CareerPageFactory(status=CareerPage.Status.DRAFT)
    client.force_login(UserFactory(is_staff=True))
    assert client.get(preview_url(page)).status_code == 403


def test_view_on_site_tells_a_draft_address_only_to_who_may_view_pages(
    client, editor_client
):
    """/admin/r/<type>/<id>/ redirects to the page's address: a draft's is not for
    any staff account (Django's view asks for staff status only)."""
    from tests.factories import UserFactory

    draft = CareerPageFactory(status=CareerPage.Status.DRAFT, slug="upcoming-career")
    content_type = ContentType.objects.get_for_model(CareerPage)
    url = reverse("admin:view_on_site", args=[content_type.pk, draft.pk])
    response = editor_client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith("/careers/upcoming-career/")

    client.logout()
    assert client.get(url)["Location"].startswith(reverse("admin:login"))
    client.force_login(UserFactory(is_staff=True))
    response = client.get(url)
    assert response.status_code == 403
    assert "upcoming-career" not in response.content.decode()
