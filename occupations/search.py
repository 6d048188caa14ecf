"""Career search: titles, O*NET alternate and reported titles, and codes.

Matching is PostgreSQL full-text search (English stemming, prefix match on each
word) when the site runs on PostgreSQL, and whole-word prefix matching on other
databases. Both rank the same way first: an exact name or title, then a title with
the words as whole words, then an exact alternate title ("RN"), then a title with
words starting so, then the rest; ties are broken by full-text rank on PostgreSQL,
by the shorter title elsewhere.
"""

import re

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Length

CODE_QUERY = re.compile(r"^\d{2}-\d{0,4}(\.\d{0,2})?$")
WORD = re.compile(r"[a-z0-9]+")


def normalise(text):
    """Lower-case words separated by single spaces: "R.N." -> "r n"."""
    return " ".join(WORD.findall(text.lower()))


def search_document(titles):
    """The text search runs over: each title normalised, between bars."""
    names = sorted({normalise(title) for title in titles} - {""})
    return "|" + "|".join(names) + "|" if names else ""


def _word_prefix(field, phrase):
    return Q(**{f"{field}__iregex": r"(^|[^a-z0-9])" + re.escape(phrase)})


def _whole_words(field, phrase):
    """The phrase as whole words, singular or plural ("nurse" in "Nurses", not in
    "Nursery")."""
    pattern = r"(^|[^a-z0-9])" + re.escape(phrase) + r"(s|es)?([^a-z0-9]|$)"
    return Q(**{f"{field}__iregex": pattern})


def _matches_words(terms):
    """Every word starts a word somewhere in the page name, title or document."""
    condition = Q()
    for term in terms:
        condition &= (
            _word_prefix("career_name", term)
            | _word_prefix("occupation__title", term)
            | Q(occupation__search_document__contains=f" {term}")
            | Q(occupation__search_document__contains=f"|{term}")
        )
    return condition


def _relevance(phrase):
    exact_names = [phrase, phrase + "s", phrase + "es"]
    return Case(
        When(
            Q(career_name__iexact=phrase)
            | Q(occupation__title__iregex=r"^(" + "|".join(exact_names) + r")$"),
            then=Value(100),
        ),
        When(
            _whole_words("career_name", phrase)
            | _whole_words("occupation__title", phrase),
            then=Value(80),
        ),
        When(
            Q(occupation__search_document__contains=f"|{phrase}|")
            | Q(occupation__search_document__contains=f"|{phrase}s|"),
            then=Value(60),
        ),
        When(
            _word_prefix("career_name", phrase)
            | _word_prefix("occupation__title", phrase),
            then=Value(30),
        ),
        default=Value(10),
        output_field=IntegerField(),
    )


def _postgres_match(queryset, terms):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    # The occupation's vector is stored (title weighted A, titles document B); only
    # the short career name is turned into a vector per query.
    stored = F("occupation__search_vector")
    name = SearchVector("career_name", weight="A", config="english")
    query = SearchQuery(
        " & ".join(f"{term}:*" for term in terms), search_type="raw", config="english"
    )
    return (
        queryset.annotate(
            name_document=name,
            text_rank=SearchRank(stored, query) + SearchRank(name, query),
        )
        .filter(
            Q(occupation__search_vector=query)
            | Q(name_document=query)
            | _matches_words(terms)
        )
        .order_by("-relevance", "-text_rank", "career_name")
    )


def career_pages_search(queryset, query):
    """`queryset` narrowed to pages matching `query`, best match first."""
    query = query.strip()
    if CODE_QUERY.match(query):
        return queryset.filter(occupation__code__startswith=query).order_by(
            "occupation__code"
        )
    phrase = normalise(query)
    terms = phrase.split()
    if not terms:
        return queryset.none()
    queryset = queryset.annotate(relevance=_relevance(phrase))
    if connection.vendor == "postgresql":
        return _postgres_match(queryset, terms)
    # Among equally relevant pages the shorter title is usually the closer match.
    return queryset.filter(_matches_words(terms)).order_by(
        "-relevance", Length("occupation__title"), "career_name"
    )
