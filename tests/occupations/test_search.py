"""Search and browse on /careers/, over a realistic subset of the catalogue."""

import html as html_lib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from occupations.models import CareerPage, JobZone, Occupation, SocMajorGroup
from occupations.search import search_document
from tests.factories import CareerPageFactory, OccupationFactory, SocMajorGroupFactory
from tests.html_text import visible_text


@pytest.fixture
def catalogue(demo, excerpt_snapshot):
    call_command("load_catalogue", "--directory", excerpt_snapshot, stdout=StringIO())


def career(title, *alternates, slug=None):
    """A published page named as its occupation's title, with these alternate
    titles; its slug the title's words."""
    return CareerPageFactory(
        career_name=title,
        slug=slug or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        occupation=OccupationFactory(
            title=title, search_document=search_document([title, *alternates])
        ),
    )


def result_links(client, query):
    html = client.get("/careers/", query).content.decode()
    cards = re.findall(r'<li class="card">\s*<h3><a href="/careers/([^/]+)/"', html)
    return cards


def test_search_nurse_finds_nursing_careers_first(client, catalogue):
    results = result_links(client, {"q": "nurse"})
    assert set(results[:5]) <= {
        "registered-nurse",
        "nurse-practitioners",
        "nurse-anesthetists",
        "acute-care-nurses",
        "licensed-practical-and-licensed-vocational-nurses",
    }
    assert "registered-nurse" in results[:5]
    assert "data-scientist" not in results


def test_search_ranks_whole_words_of_an_alternate_title_above_a_word_begun(client, db):
    """ "nurse": Nursing Assistants (a "Certified Nurse Aide") came after the
    farmworkers of "Nursery", whose title only starts a word so."""
    career("Farmworkers, Nursery and Greenhouse", "Nursery Worker")
    career("Nursing Assistants", "Certified Nurse Aide")
    assert result_links(client, {"q": "nurse"}) == [
        "nursing-assistants",
        "farmworkers-nursery-and-greenhouse",
    ]


@pytest.mark.parametrize(
    ("plural", "singular"),
    [("nurses", "nurse"), ("nurse practitioners", "nurse practitioner")],
)
def test_search_plural_finds_what_the_singular_finds(
    client, catalogue, plural, singular
):
    found = result_links(client, {"q": plural})
    assert set(found) >= set(result_links(client, {"q": singular}))
    assert "nurse-practitioners" in found


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("RN", "registered-nurse"),
        # Plurals rank as their singular: "RNs" as "RN", "R.N.s" as "R.N.".
        ("RNs", "registered-nurse"),
        ("R.N.s", "registered-nurse"),
        ("registered nurses", "registered-nurse"),
        ("CEOs", "chief-executives"),
        ("Data Scientist", "data-scientist"),
        ("machine learning", "machine-learning-engineer"),
        ("operations research", "machine-learning-engineer"),
        ("15-2031", "machine-learning-engineer"),
        # Typed in full width (a Japanese or Chinese keyboard), as words are.
        ("１５-２０３１", "machine-learning-engineer"),
        ("１５－２０３１", "machine-learning-engineer"),
        ("chief sustainability officer", "chief-sustainability-officers"),
        ("CEO", "chief-executives"),
        # A field finds those who work in it.
        ("statistics", "statisticians"),
        ("acting", "actors"),
    ],
)
def test_search_finds_the_right_occupation_first(client, catalogue, query, first):
    assert result_links(client, {"q": query})[0] == first


def test_search_unknown_words_say_so_helpfully(client, catalogue):
    text = visible_text(client.get("/careers/", {"q": "zzyzx quux"}).content)
    assert "No careers match “zzyzx quux”." in text
    assert "Try a job title such as “nurse”" in text


def test_browse_by_major_group_lists_only_that_group(client, catalogue):
    results = result_links(client, {"group": "29-0000"})
    assert "registered-nurse" in results
    assert "data-scientist" not in results
    assert "nursing-assistants" not in results  # 31-0000


def test_browse_by_job_zone_lists_only_that_zone(client, catalogue):
    results = result_links(client, {"zone": "5"})
    assert "machine-learning-engineer" in results
    assert "nursing-assistants" not in results


def test_browse_with_bad_filter_values_is_a_clear_message(client, catalogue):
    response = client.get("/careers/", {"zone": "9", "group": "<script>"})
    assert response.status_code == 200
    assert "Select a valid choice" in visible_text(response.content)


def test_a_field_in_error_leaves_the_other_filters_applied(client, catalogue):
    response = client.get("/careers/", {"group": "29-0000", "q": "x" * 101})
    text = visible_text(response.content)
    assert "Ensure this value has at most 100 characters" in text
    results = result_links(client, {"group": "29-0000", "q": "x" * 101})
    assert "registered-nurse" in results
    assert "data-scientist" not in results


def page_title(client, query):
    html = client.get("/careers/", query).content.decode()
    return re.search(r"<title>(.*?)</title>", html).group(1)


def test_career_list_title_says_what_the_list_shows(client, catalogue):
    assert page_title(client, {}) == "All careers · Careerguide"
    assert page_title(client, {"q": "nurse", "group": "29-0000", "zone": "3"}) == (
        "Careers: “nurse”, Healthcare Practitioners and Technical Occupations, "
        "Job Zone 3 · Careerguide"
    )
    # A field in error is named first, as screen readers announce the title.
    assert page_title(client, {"zone": "9"}).startswith("Error: All careers")


def test_search_pagination_keeps_the_query(client, db):
    for number in range(30):
        CareerPageFactory(career_name=f"Nurse {number:02d}")
    CareerPageFactory(career_name="Welder")
    html = client.get("/careers/", {"q": "nurse"}).content.decode()
    assert 'href="?q=nurse&amp;page=2"' in html
    page_two = visible_text(client.get("/careers/", {"q": "nurse", "page": 2}).content)
    assert "Nurse" in page_two
    assert "Welder" not in page_two
    assert page_title(client, {"q": "nurse", "page": 2}) == (
        "Careers: “nurse” (page 2 of 2) · Careerguide"
    )


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize(
    "query", [{}, {"q": "nurse"}, {"group": "15-0000", "zone": "4", "q": "analyst"}]
)
def test_career_search_query_count_is_constant(
    no_page_cache, client, db, django_assert_num_queries, size, query
):
    for number in range(size):
        CareerPageFactory(
            career_name=f"Nurse analyst {number}",
            occupation=OccupationFactory(title=f"Analysts {number}"),
        )
    # The matches' ids in order, the shown page's rows, SOC groups and job zones.
    with django_assert_num_queries(4):
        assert client.get("/careers/", query).status_code == 200
    # Finding nothing: the ids, groups, zones, the names for a spelling that
    # finds careers, and whether it does.
    with django_assert_num_queries(5):
        response = client.get("/careers/", {**query, "q": "nurze"})
    assert "Did you mean" in response.content.decode()


@pytest.fixture
def pages_matched_by_one_field_each(db):
    """Pages a query can only find through one field: the career name an editor
    gave the page, or an alternate title in the occupation's search document."""
    CareerPageFactory(
        career_name="Lamplighter",
        slug="lamplighter",
        occupation=OccupationFactory(title="Street Workers"),
    )
    CareerPageFactory(
        career_name="The Night Watch",
        slug="the-night-watch",
        occupation=OccupationFactory(title="Security Guards"),
    )
    CareerPageFactory(
        career_name="Chief Executive",
        slug="chief-executive",
        occupation=OccupationFactory(
            title="Chief Executives",
            search_document=search_document(["Chief Executives", "The Boss"]),
        ),
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Starts a word of the page's own career name only.
        ("lamp", ["lamplighter"]),
        # An English stop word, which full-text search ignores: the career name as
        # a whole word ranks above the alternate title "The Boss".
        ("the", ["the-night-watch", "chief-executive"]),
        # Only in an alternate title.
        ("boss", ["chief-executive"]),
        # Inside words ("Lamplighter", "Boss"), never at their start.
        ("amp", []),
        ("oss", []),
    ],
)
def test_search_word_in_one_field_only_finds_exactly_those_pages(
    client, pages_matched_by_one_field_each, query, expected
):
    assert result_links(client, {"q": query}) == expected


def test_search_after_occupation_titles_change_finds_the_new_title(
    client, pages_matched_by_one_field_each
):
    occupation = OccupationFactory(title="Lighthouse Keepers")
    CareerPageFactory(slug="lighthouse-keepers", occupation=occupation)
    # Half a word, as typed so far: English stemming turns "Tending" into "tend",
    # which "tendi" does not start, so only the word-start test can find it.
    assert result_links(client, {"q": "tendi"}) == []

    occupation.search_document = search_document(["Lighthouse Keepers", "Tending"])
    occupation.save()

    assert result_links(client, {"q": "tendi"}) == ["lighthouse-keepers"]


def test_search_finds_half_a_word_of_an_edited_title(client, db):
    occupation = OccupationFactory(title="Lighthouse Keepers")
    CareerPageFactory(slug="lighthouse-keepers", occupation=occupation)
    assert result_links(client, {"q": "carvi"}) == []

    # Only in the title, and stemmed to "carv", which "carvi" does not start.
    occupation.title = "Stone Carving Workers"
    occupation.save()

    assert result_links(client, {"q": "carvi"}) == ["lighthouse-keepers"]


@pytest.fixture
def browse_filters(db):
    SocMajorGroupFactory(code="15-0000", title="Computer and Mathematical Occupations")
    SocMajorGroupFactory(code="29-0000", title="Healthcare Practitioners Occupations")
    for number in range(1, 6):
        JobZone.objects.create(number=number, name=f"Job Zone {number}: Level {number}")


def selected_options(html):
    return re.findall(r"<option value=\"([^\"]*)\" selected>", html)


def test_browse_filters_keep_the_chosen_options_selected(client, browse_filters):
    html = client.get("/careers/", {"group": "29-0000", "zone": "3"}).content.decode()
    assert selected_options(html) == ["29-0000", "3"]
    assert '<option value="3" selected>Job Zone 3: Level 3</option>' in html


def test_browse_filters_without_a_choice_select_the_any_option(client, browse_filters):
    html = client.get("/careers/").content.decode()
    assert selected_options(html) == ["", ""]
    assert '<label>Occupation group <select name="group" id="id_group">' in html


def test_browse_filter_error_is_tied_to_its_select(client, browse_filters):
    html = client.get("/careers/", {"zone": "9"}).content.decode()
    select = re.search(r'<select name="zone"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in select
    described_by = re.search(r'aria-describedby="([^"]+)"', select).group(1)
    message = re.search(rf'<p class="form-error" id="{described_by}">([^<]*)', html)
    assert message.group(1).startswith("Preparation needed: Select a valid choice.")


@pytest.mark.parametrize("path", ["/careers/", "/"], ids=["list", "home"])
def test_careers_are_in_alphabetical_order_whatever_the_case(client, db, path):
    """The home page sorted capitals first: "Bus Drivers" before "bus and…"."""
    for name in ["Bus Drivers", "bus and Truck Mechanics", "Buyers", "Bus and Coach"]:
        CareerPageFactory(
            career_name=name,
            slug=name.lower().replace(" ", "-"),
            introduction="An editor's guide.",  # the home page lists those
        )
    html = client.get(path).content.decode()
    assert re.findall(r'<li class="card">\s*<h3><a href="/careers/([^/]+)/"', html) == [
        "bus-and-coach",
        "bus-and-truck-mechanics",
        "bus-drivers",
        "buyers",
    ]


def test_search_plural_matches_whole_words_of_its_singular_only(client, db):
    for name, title in [
        ("Bus Drivers", "Bus Drivers, Transit"),
        ("Nursery Workers", "Nursery Workers"),
        ("Medical Secretary", "Medical Secretaries and Administrative Assistants"),
    ]:
        CareerPageFactory(
            career_name=name,
            slug=name.lower().replace(" ", "-"),
            occupation__title=title,
        )
    assert result_links(client, {"q": "buses"}) == ["bus-drivers"]
    assert result_links(client, {"q": "secretaries"}) == ["medical-secretary"]
    if connection.vendor != "postgresql":
        # A guessed singular is a whole word: "nurs" does not start "nursery".
        # (PostgreSQL's full-text search matches stemmed prefixes, "nurs:*".)
        assert result_links(client, {"q": "nurses"}) == []


def test_search_for_a_field_finds_those_who_work_in_it(client, db):
    for name, title in [
        ("Physicists", "Physicists"),
        ("Physics Teachers", "Physics Teachers, Postsecondary"),
        ("Physicians", "Physicians, All Other"),
        ("Plumbers", "Plumbers, Pipefitters, and Steamfitters"),
        ("Interpreters", "Interpreters and Translators"),
        ("Dentists", "Dentists, General"),
        ("Photographers", "Photographers"),
    ]:
        CareerPageFactory(
            career_name=name,
            slug=name.lower().replace(" ", "-"),
            occupation__title=title,
        )
    # Physicists, whose title the field names, first; then the title with the
    # word itself. Physicians are no physics workers (on PostgreSQL the stem
    # "physic" still finds them, below).
    found = result_links(client, {"q": "physics"})
    assert found[:2] == ["physicists", "physics-teachers"]
    if connection.vendor != "postgresql":
        assert found == ["physicists", "physics-teachers"]
    assert result_links(client, {"q": "plumbing"}) == ["plumbers"]
    assert result_links(client, {"q": "translation"}) == ["interpreters"]
    assert result_links(client, {"q": "dentistry"}) == ["dentists"]
    assert result_links(client, {"q": "Photography"}) == ["photographers"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="English stemming: PostgreSQL only"
)
def test_search_finds_a_stem_family_on_postgresql(client, db):
    for name in ("Elementary School Teachers", "Computer Programmers", "Welders"):
        slug = name.lower().replace(" ", "-")
        CareerPageFactory(career_name=name, slug=slug, occupation__title=name)
    assert result_links(client, {"q": "teaching"}) == ["elementary-school-teachers"]
    assert result_links(client, {"q": "programming"}) == ["computer-programmers"]


def test_search_for_a_field_finds_only_titles_naming_its_workers(client, db):
    for name, alternate in [
        ("Registered Nurses", "Nurse"),
        ("Sewing Machine Operators", "Machine Operator"),
        ("Cooks, Fast Food", "Cook"),
        ("Police and Sheriff's Patrol Officers", "Trooper"),
        ("New Accounts Clerks", "Accounts Clerk"),
        ("Light Truck Drivers", "Delivery Driver"),
        ("Farmworkers and Laborers", "Tree Surgeon Helper"),
        ("Surgeons, All Other", "Surgeon"),
        ("Lawyers", "Attorney"),
    ]:
        career(name, alternate)
    assert result_links(client, {"q": "cooking"}) == ["cooks-fast-food"]
    assert result_links(client, {"q": "policing"}) == [
        "police-and-sheriff-s-patrol-officers"
    ]
    # Fields whose workers no ending names.
    assert result_links(client, {"q": "law"}) == ["lawyers"]
    assert result_links(client, {"q": "surgery"}) == ["surgeons-all-other"]
    if connection.vendor != "postgresql":
        # Words describing other workers. (PostgreSQL's stems, "account:*" and
        # "light:*", find them anyway, though not as the field's workers.)
        assert result_links(client, {"q": "accounting"}) == []
        assert result_links(client, {"q": "lighting"}) == []
    # A guess that is only part of an alternate title ("Tree Surgeon Helper").
    assert "farmworkers-and-laborers" not in result_links(client, {"q": "surgery"})
    # "Nursery" is no nurses' field; "machine" describes operators here.
    assert result_links(client, {"q": "nursery"}) == []
    assert result_links(client, {"q": "machinery"}) == []


def test_search_a_word_of_two_letters_is_a_whole_word(client, db):
    career("Home Health Aides", "Aide")
    career("Air Traffic Controllers", "Tower Operator")
    career("Data Scientists", "AI Scientist")
    assert result_links(client, {"q": "AI"}) == ["data-scientists"]
    # The same words twice are searched once.
    assert result_links(client, {"q": "air air air"}) == ["air-traffic-controllers"]
    # Digits too: "3d" is not the start of "3ds max".
    CareerPageFactory(
        career_name="3D Animators",
        slug="3d-animators",
        occupation__search_document=search_document(["3DS Max Artist"]),
    )
    assert result_links(client, {"q": "3ds"}) == ["3d-animators"]
    assert result_links(client, {"q": "3d"}) == ["3d-animators"]
    assert result_links(client, {"q": "3"}) == []


def test_search_among_equal_matches_puts_the_one_its_titles_name_most_first(client, db):
    career("Sales Engineers", "HVAC Sales Engineer")
    career(
        "Heating, Air Conditioning, and Refrigeration Mechanics",
        *("HVAC Mechanic", "HVAC Technician", "HVAC Installer"),
        slug="hvac-mechanics",
    )
    # Neither names "HVAC" in its title; the shorter title used to come first.
    assert result_links(client, {"q": "hvac"}) == ["hvac-mechanics", "sales-engineers"]


def test_search_title_with_the_word_ranks_above_an_exact_alternate_title(client, db):
    """A title that says the word is what the reader asked for; an alternate
    title ("Analyst" of statisticians) is another occupation's name for its
    workers. The statisticians' page would win every tie-break (shorter title,
    more mentions): only its rank puts it second."""
    career("Statisticians", "Analyst", "Data Analyst")
    career("Operations Research Analysts")
    assert result_links(client, {"q": "analyst"}) == [
        "operations-research-analysts",
        "statisticians",
    ]


def test_search_title_with_the_word_and_that_alternate_title_ranks_above_the_title(
    client, db
):
    """ "physician": Physician Assistants (a title with the word, and the
    alternate titles that mention it most) came before the physicians, whose
    title says the word and whom O*NET lists as "Physician" exactly."""
    career(
        "Physician Assistants",
        *("Physician Assistant", "Certified Physician Assistant", "Physician Asst"),
    )
    career("Family Medicine Physicians", "Physician", "Family Doctor")
    assert result_links(client, {"q": "physician"}) == [
        "family-medicine-physicians",
        "physician-assistants",
    ]


def test_search_among_equal_matches_puts_a_catch_all_occupation_last(client, db):
    """ "doctor": "Physicians, All Other", whose alternate titles name every kind
    of doctor, came before the named physicians with "Doctor" too."""
    career(
        "Physicians, All Other",
        *("Doctor", "Doctor of Medicine", "Doctor of Osteopathy", "Doctor (MD)"),
    )
    career("Family Medicine Physicians", "Doctor", "Family Doctor")
    assert result_links(client, {"q": "doctor"}) == [
        "family-medicine-physicians",
        "physicians-all-other",
    ]


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="PostgreSQL breaks ties by full-text rank",
)
def test_search_among_equal_matches_equally_named_puts_the_shorter_title_first(
    client, db
):
    """Each title says "analysts" once, as a whole word: the shorter, usually the
    closer match, comes first, not the first in alphabetical order."""
    career("Operations Research Analysts")
    career("Tax Analysts")
    assert result_links(client, {"q": "analyst"}) == [
        "tax-analysts",
        "operations-research-analysts",
    ]


def test_search_counts_mentions_of_a_word_not_of_its_letters(client, db):
    career(
        "Security Analysts",
        *("IT Security Analyst", "Security Specialist", "Security Officer"),
    )
    career("Help Desk Technicians", "IT Technician", "IT Support", slug="help-desk")
    # "security" spells "it" but does not say it: one "IT" against two.
    assert result_links(client, {"q": "it"}) == ["help-desk", "security-analysts"]
    # A short word counts as a whole word: "aide" does not say "AI".
    career("Data Scientists", "AI Scientist", "AI Engineer")
    career("Home Health Aides", "AI Companion", "Aide", "Aide Worker", "Home Aide")
    assert result_links(client, {"q": "ai"}) == ["data-scientists", "home-health-aides"]


def test_search_finding_nothing_offers_the_spelling_that_finds_careers(client, db):
    zone = JobZone.objects.create(number=4, name="Considerable preparation")
    for name in ("Software Engineers", "Registered Nurses", "Secretaries"):
        CareerPageFactory(
            career_name=name,
            slug=name.lower().replace(" ", "-"),
            occupation__title=name,
            occupation__job_zone=zone.number if name != "Secretaries" else None,
        )

    def suggestion(query):
        html = client.get("/careers/", query).content.decode()
        assert "No careers match" in html
        found = re.search(r'Did you mean <a href="([^"]+)">([^<]+)</a>\?', html)
        return found and (html_lib.unescape(found[1]), found[2])

    assert suggestion({"q": "sofware engeneer"}) == (
        "?q=software+engineer",
        "software engineer",
    )
    # Other words and the filters stay; a plural's singular is offered.
    assert suggestion({"q": "registered nurce", "zone": "4"}) == (
        "?q=registered+nurse&zone=4",
        "registered nurse",
    )
    assert suggestion({"q": "secretery"}) == ("?q=secretary", "secretary")
    # ... which finds the plural title, though "secretary" does not start it.
    assert result_links(client, {"q": "secretary"}) == ["secretaries"]
    # Nothing offered that would find nothing: no secretary in Job Zone 4.
    assert suggestion({"q": "secretery", "zone": "4"}) is None
    assert suggestion({"q": "zzyzx"}) is None
    # A word of the titles, not a guessed singular ("nurs") or a filler word.
    assert suggestion({"q": "nurze"}) == ("?q=nurse", "nurse")
    CareerPageFactory(career_name="Doctors, All Other", occupation__title="Doctors")
    assert suggestion({"q": "docter"}) == ("?q=doctor", "doctor")
    # Words corrected alike are offered once; a long query gets no guesses.
    assert suggestion({"q": "nurze nurce"}) == ("?q=nurse", "nurse")
    career("Registered Nurse Practitioners")
    assert suggestion({"q": "registerd nurce practitioner"}) is None
    # Filler words of titles are words still, only never offered for others.
    career("Engineers, All Other")
    assert suggestion({"q": "other engeneer"}) == (
        "?q=other+engineer",
        "other engineer",
    )
    career("Sorters")
    assert suggestion({"q": "sortar"}) == ("?q=sorter", "sorter")
    assert suggestion({"q": "dactar"}) is None  # not near enough "sorter" or "doctor"
    # Two letters swapped is one slip, nearer than a letter left out.
    career("Lawyers")
    career("Floor Layers")
    assert suggestion({"q": "laywer"}) == ("?q=lawyer", "lawyer")
    assert suggestion({"q": "lyaer"}) == ("?q=layer", "layer")


def test_search_reads_full_width_letters_and_ligatures(client, db):
    CareerPageFactory(career_name="Financial Analysts", slug="financial-analysts")
    assert result_links(client, {"q": "\ufb01nancial"}) == ["financial-analysts"]
    assert result_links(client, {"q": "\uff26\uff49nancial"}) == ["financial-analysts"]


def test_search_a_single_letter_is_a_whole_word(client, db):
    for name in ("Computer Programmers", "Chefs", "X-Ray Technicians", "RN Coaches"):
        CareerPageFactory(
            career_name=name,
            slug=name.lower().replace(" ", "-"),
            occupation__title=name,
        )
    assert result_links(client, {"q": "C++"}) == []
    assert result_links(client, {"q": "x ray"}) == ["x-ray-technicians"]
    # Beside words, a lone letter is left out, as the stop word it mostly is.
    assert result_links(client, {"q": "a chef"}) == ["chefs"]
    assert result_links(client, {"q": "A+ programmers"}) == ["computer-programmers"]
    # Letters in a row are one word.
    assert result_links(client, {"q": "R.N."}) == ["rn-coaches"]


def test_search_for_a_language_named_with_symbols_finds_its_titles(client, db):
    """ "C++" was the lone letter "c": the physician assistants ("PA-C") and
    social workers came before the C++ developers."""
    career("Software Developers", "C++ Developer", "C# Developer", slug="developers")
    career("Physician Assistants", "Physician Assistant-Certified (PA-C)", slug="pa")
    career("Social Workers", "C-CYFSW", slug="social-workers")
    assert result_links(client, {"q": "C++"}) == ["developers"]
    assert result_links(client, {"q": "c# developer"}) == ["developers"]
    assert result_links(client, {"q": "PA-C"}) == ["pa"]


def test_search_finds_a_title_written_with_letters_apart(client, db):
    """Letters in a row were one word in a query only: "A/C Mechanic" (the query
    "ac mechanic") did not find the HVAC mechanics, whose alternate title it is."""
    career("HVAC Mechanics", "A/C Mechanic", slug="hvac")
    career("R&D Engineers", slug="rd")
    career("Industrial-Organizational Psychologists", "I-O Psychologist", slug="io")
    career("Air Conditioning Sales", slug="ac-sales")
    assert result_links(client, {"q": "A/C Mechanic"}) == ["hvac"]
    assert result_links(client, {"q": "a c mechanic"}) == ["hvac"]
    assert result_links(client, {"q": "R&D engineer"}) == ["rd"]
    assert result_links(client, {"q": "I-O Psychologist"}) == ["io"]


@pytest.mark.parametrize("control", ["\x00", "\x01", "\t", "\x7f", "\x85"])
def test_search_reads_a_control_character_as_a_space(client, db, control):
    """A NUL in the address was an error, and it and the other control
    characters were echoed into the search box, making the page invalid HTML."""
    CareerPageFactory(career_name="Chefs", slug="chefs", occupation__title="Chefs")
    response = client.get("/careers/", {"q": f"head{control}chefs"})
    html = response.content.decode()
    assert control not in html
    assert 'name="q" value="head chefs"' in html
    assert result_links(client, {"q": f"chefs{control}"}) == ["chefs"]


def test_searches_and_filters_stay_out_of_search_engines_the_list_does_not(client, db):
    """Every query was a page a search engine could index, one that found
    nothing a soft 404."""
    CareerPageFactory(career_name="Chefs", slug="chefs", occupation__title="Chefs")
    noindex = '<meta name="robots" content="noindex, follow">'
    assert noindex not in client.get("/careers/").content.decode()
    for query in ({"q": "chef"}, {"q": "zzzzqqqq"}, {"zone": "3"}, {"zone": "9"}):
        assert noindex in client.get("/careers/", query).content.decode(), query


def test_career_list_pages_are_numbered_around_the_current_one(client, db):
    """Only Previous and Next went across 42 pages."""
    CareerPageFactory.create_batch(24 * 10)
    html = client.get("/careers/", {"page": 6}).content.decode()
    pages = re.search(r'<nav class="pagination".*?</nav>', html, re.S).group(0)
    shown = re.findall(r">(\d+|…)</(?:a|span)>", pages)
    assert shown == ["1", "…", "4", "5", "6", "7", "8", "9", "10"]
    assert '<a aria-current="page" aria-label="Page 6 of 10">6</a>' in pages
    assert '<a href="?page=1" aria-label="Page 1">1</a>' in pages
    filtered = client.get("/careers/", {"q": "career", "page": 2}).content.decode()
    assert 'href="?q=career&amp;page=3"' in filtered


def test_career_list_filters_have_a_button_after_them(client, db):
    """Nothing applied a changed filter but the Search button above it."""
    html = client.get("/careers/").content.decode()
    filters = re.search(r'<div class="career-search-filters">(.*?)</div>', html, re.S)
    assert (
        filters.group(1)
        .strip()
        .endswith('<button class="button" type="submit">Apply filters</button>')
    )


def test_home_page_searches_and_browses_the_whole_list(client, db):
    """The home page showed twelve careers and a link: no search, no way in by
    field of work."""
    chefs = career("Chefs", slug="chefs")
    Occupation.objects.filter(pk=chefs.occupation_id).update(code="35-1011.00")
    group = SocMajorGroupFactory(code="35-0000", title="Food Preparation Occupations")
    html = client.get("/").content.decode()
    form = re.search(r'<form class="career-search".*?</form>', html, re.S).group(0)
    assert 'action="/careers/"' in form and 'name="q"' in form
    assert f'<a href="/careers/?group=35-0000">{group.title}</a>' in html
    # A group without a published page is no way in: its list is empty.
    SocMajorGroup.objects.get_or_create(  # its migration's, unless flushed
        code="55-0000", defaults={"title": "Military Specific Occupations"}
    )
    CareerPageFactory(occupation__code="55-1011.00", status=CareerPage.Status.DRAFT)
    assert "?group=55-0000" not in client.get("/").content.decode()
    browsed = client.get("/careers/", {"group": "35-0000"}).content.decode()
    assert (
        "<title>Careers: Food Preparation Occupations · Careerguide</title>" in browsed
    )
