"""Rendered pages parse without a single error under the HTML standard's rules."""

import html5lib
import pytest

from tests.factories import full_career


def parse_errors(content):
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(content)
    return [
        f"line {line}, col {col}: {code} {data}"
        for (line, col), code, data in parser.errors
    ]


@pytest.mark.django_db
def test_html_public_pages_parse_without_errors(client, demo):
    first, second = full_career(), full_career()
    urls = [
        "/",
        "/careers/",
        "/careers/machine-learning-engineer/",
        "/careers/registered-nurse/",
        first.get_absolute_url(),
        f"/careers/compare/?careers={first.slug},{second.slug}",
        f"/careers/compare/?careers={first.slug}&q=career",
        "/careers/compare/?careers=nope,nope",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert parse_errors(response.content) == [], url


@pytest.mark.django_db
def test_navigation_says_where_the_visitor_is(client, demo):
    careers = client.get("/careers/").content.decode()
    assert '<a href="/careers/" aria-current="page">Careers</a>' in careers
    assert '<a href="/resources/">Resources</a>' in careers

    page = client.get("/careers/machine-learning-engineer/").content.decode()
    assert 'aria-current="page">Careers<' not in page
    assert (
        '<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/careers/">Careers'
        '</a> › <span aria-current="page">Machine Learning Engineer</span></nav>'
    ) in page
