"""Career search: titles, O*NET alternate and reported titles, and codes.

A page matches when each word of the query starts a word of its career name, its
occupation's title or alternate titles, or names those who work in the field the
word names ("physics" finds Physicists, "plumbing" Plumbers); on PostgreSQL,
full-text search (English stemming, prefix match on each word) finds more. Both
rank the same way first: an exact name or title, then the title of the field's
workers, then a title with the words as whole words (first those an alternate
title names exactly so), then one naming the field's workers so, then an exact
alternate title ("RN"), then a title with words starting so, then the rest.
Among equals BLS's catch-all occupations ("…, All Other") come last; other ties
are broken by full-text rank on PostgreSQL, elsewhere by how often the titles say
the words, then the shorter title.
"""

import os
import re
import unicodedata
from difflib import get_close_matches
from itertools import groupby

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Length, Replace

from .models import ALPHABETICAL, CareerPage, Occupation

CODE_QUERY = re.compile(r"^\d{2}-\d{0,4}(\.\d{0,2})?$", re.ASCII)
WORD = re.compile(r"[a-z0-9]+")


# Languages named by a letter and symbols: read as the letter alone, "C++" and "C#"
# matched every title with a lone "c" ("PA-C") before the C++ developers.
LETTER_LANGUAGES = re.compile(r"(?<![a-z0-9])([cf])(\+\+|#)")
LANGUAGE_SYMBOLS = {"++": "plusplus", "#": "sharp"}


def normalise(text):
    """Lower-case words separated by single spaces: "R.N." -> "r n". Compatibility
    characters are read as what they stand for: "ＲＮ" (full width) is "rn", the
    "ﬁ" ligature "fi". "C++" is "cplusplus", "C#" "csharp"."""
    text = LETTER_LANGUAGES.sub(
        lambda name: name[1] + LANGUAGE_SYMBOLS[name[2]],
        unicodedata.normalize("NFKC", text).lower(),
    )
    return " ".join(WORD.findall(text))


def search_document(titles):
    """The text search runs over: each title normalised, its lone letters in a row
    joined as a query's are (`letters_joined`), between bars."""
    names = {" ".join(letters_joined(normalise(title).split())) for title in titles}
    names = sorted(names - {""})
    return "|" + "|".join(names) + "|" if names else ""


def _iregex(field, pattern, phrase):
    """`field` matches the case-insensitive `pattern`, which needs `phrase` in it.

    A LIKE on `phrase` comes first, and databases stop at the first false part of
    an AND: only the few rows that contain the phrase at all are tried against the
    regular expression, which on SQLite is a call back into Python per row."""
    return Q(**{f"{field}__icontains": phrase}) & Q(**{f"{field}__iregex": pattern})


def _word_prefix(field, phrase):
    return _iregex(field, r"(^|[^a-z0-9])" + re.escape(phrase), phrase)


# A word's plurals as titles write them: "nurse", "nurses", "boxes".
PLURAL_ENDINGS = ("", "s", "es")


def _is_alternate_title(field, form):
    """`form`, or its plural in -s, is exactly one of the titles in the search
    document `field`."""
    return Q(**{f"{field}__contains": f"|{form}|"}) | Q(
        **{f"{field}__contains": f"|{form}s|"}
    )


def _whole_words(field, phrase):
    """The phrase as whole words, singular or plural ("nurse" in "Nurses", not in
    "Nursery")."""
    pattern = r"(^|[^a-z0-9])" + re.escape(phrase) + r"(s|es)?([^a-z0-9]|$)"
    return _iregex(field, pattern, phrase)


class DocumentWords(Func):
    """PostgreSQL: the words of an occupation's title and search document as a
    `tsvector`, each word a lexeme exactly as written (lower case; no stemming, no
    stop words), kept in `Occupation.search_words`.

    `'nurse':*` then matches exactly the occupations with a word starting "nurse" in
    the title or the document, what the regular expression and LIKEs test on other
    databases, and a GIN index answers it. Words are split as `normalise()` splits
    them: the document is normalised already, the title is lower-cased here."""

    template = (
        "array_to_tsvector(array_remove(regexp_split_to_array("
        "lower(%(expressions)s), '[^a-z0-9]+'), ''))"
    )
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()


def _word_starts(term):
    """A word of the occupation's title or search document starts with `term`."""
    if connection.vendor == "postgresql":
        # The "simple" configuration keeps the term as it is: no stemming, no stop
        # words (a normalised term is letters and digits only).
        word_start = SearchQuery(f"{term}:*", search_type="raw", config="simple")
        return Q(occupation__in=Occupation.objects.filter(search_words=word_start))
    # Titles in the document start after a bar, words after a space. One LIKE for
    # most rows: only documents that hold the term at all are searched again.
    in_document = Q(occupation__search_document__contains=term) & (
        Q(occupation__search_document__contains=f"|{term}")
        | Q(occupation__search_document__contains=f" {term}")
    )
    # The title in a subquery: in the outer query the test needs every page joined
    # to its occupation before any row can be dropped.
    in_title = Occupation.objects.filter(_word_prefix("title", term))
    return in_document | Q(occupation__in=in_title)


def is_letter(term):
    return len(term) == 1 and term.isalpha()


def is_short(term):
    """A word of one or two letters or digits ("c", "ai", "hr", "3d"): matched as a
    whole word, since as the start of a word it would match nearly every career
    ("ai" starts "aide" and "air")."""
    return len(term) <= 2


def letters_joined(words):
    """Lone letters in a row as one word: "R.N.", "R&D", "A/C" and "I-O"
    (normalised "r n", "r d"…) are "rn", "rd", "ac", "io". Queries and the titles
    they are matched against are read alike."""
    joined = []
    for letters, run in groupby(words, key=is_letter):
        run = list(run)
        joined.extend(["".join(run)] if letters and len(run) > 1 else run)
    return joined


def search_terms(phrase):
    """The words of a normalised query to match, lone letters in a row joined
    (`letters_joined`). A letter left alone beside words is left out, as the stop
    word it mostly is ("a nurse", the "a" of "A+ certification"); a query of lone
    letters keeps them ("C" is "c"), matched as whole words."""
    joined = letters_joined(phrase.split())
    words = [term for term in joined if not is_letter(term)]
    return list(dict.fromkeys(words or joined))


def singular_forms(term):
    """What a plural may be the plural of: "nurses" → nurse, nurs; "boxes" → box,
    boxe; "secretaries" → secretary. They are matched as whole words only, so a
    wrong guess ("nurs") matches nothing, and "physics" does not find physicians."""
    if len(term) < 3 or not term.endswith("s") or term.endswith(("ss", "us", "is")):
        return []
    forms = [term[:-1]]
    if term.endswith("es"):
        forms.append(term[:-2])
    if term.endswith("ies"):
        forms.append(term[:-3] + "y")
    # One letter ("yes" -> "y") is no word's singular.
    return [form for form in forms if len(form) > 1]


def plural_forms(term):
    """A plural that does not start with its singular: "secretary" → secretaries
    (a whole word, like `singular_forms`). Found, not ranked as the word itself:
    "securities" is not what "security" means."""
    if len(term) > 2 and term.endswith("y") and term[-2] not in "aeiou":
        return [term[:-1] + "ies"]
    return []


# A field of work's name ends so, and the name of those who work in it may end
# instead in one of these: "physics" → physicist, "plumbing" → plumber.
WORKER_ENDINGS = [
    (re.compile(pattern), endings)
    for pattern, endings in [
        (r"ics$", ("icist", "ician", "ist")),  # physicist, statistician, economist
        (r"istics$", ("ist",)),  # linguist
        (r"ic$", ("ician",)),  # musician, electrician
        (r"ing$", ("er", "or", "ant", "e", "")),  # plumber, actor, accountant, cook
        (r"y$", ("ist", "er", "ian")),  # biologist, photographer, historian
        (r"ery$", ("er",)),  # baker (not "nursery" -> nurse)
        (r"(?<!e)ry$", ("", "er")),  # dentist, carpenter
        (r"ism$", ("ist",)),  # journalist
        (r"ion$", ("or",)),  # translator, inspector
        (r"ation$", ("er",)),  # interpreter
        (r"ure$", ("", "or")),  # architect, sculptor
    ]
]
# Fields whose workers no ending names, or names wrongly ("physics" -> physician).
IRREGULAR_WORKERS = {
    "art": ["artist"],
    "law": ["lawyer"],
    "physics": ["physicist"],
    "surgery": ["surgeon"],
}


def worker_forms(phrase):
    """What those who work in the field `phrase` names may be called: "physics" →
    physicist; "plumbing" → plumber, plumbor…; "medical physics" → medical
    physicist. Guesses, matched only where a title names its workers
    (`_names_workers`), so one that is no word ("plumbor") matches nothing."""
    *words, field = phrase.split()
    if field in IRREGULAR_WORKERS:
        return [" ".join([*words, worker]) for worker in IRREGULAR_WORKERS[field]]
    forms = []
    for ending, worker_endings in WORKER_ENDINGS:
        stem = ending.sub("", phrase)
        # A stem of a letter or two ("acting" -> "act", not "king" -> "k").
        if stem != phrase and len(stem) >= 3:
            forms.extend(stem + worker_ending for worker_ending in worker_endings)
    # A word of three letters names too much ("acting" -> "act").
    return [form for form in dict.fromkeys(forms) if form != phrase and len(form) > 3]


def _names_workers(field, form):
    """`form` names those the career is about: the title's last word or one
    before a comma or "and", singular or plural ("Registered Nurse", "Plumbers,
    Pipefitters…", "Police and Sheriff's Patrol Officers"); not a word describing
    others, as "light" in "Light Truck Drivers" or "accounts" in "New Accounts
    Clerks"."""
    pattern = r"(^|[^a-z0-9])" + re.escape(form) + r"(s|es)?(,| and |$)"
    return _iregex(field, pattern, form)


def _workers_named(form):
    """A page whose name or title names its workers `form`, or whose occupation
    has `form` as an alternate title exactly."""
    titles = Occupation.objects.filter(
        _names_workers("title", form) | _is_alternate_title("search_document", form)
    )
    if connection.vendor == "postgresql":
        # First the occupations with the word at all, which the index finds (see
        # `_whole_word_anywhere`): the LIKEs alone read every occupation's titles
        # for each guess (~8 ms).
        titles = titles.filter(search_words=_whole_word_query(form))
    return _names_workers("career_name", form) | Q(occupation__in=titles)


def _whole_word_query(word):
    """PostgreSQL: `word` or its plural as a word of `Occupation.search_words`."""
    plurals = " | ".join(word + ending for ending in PLURAL_ENDINGS)
    return SearchQuery(plurals, search_type="raw", config="simple")


def _whole_word_anywhere(word):
    """`word` (or its plural) as a whole word of the page name, the occupation's
    title or its search document."""
    if connection.vendor == "postgresql":
        # The title's and document's words as written, which a GIN index answers
        # (see `DocumentWords`): a regular expression would read every document.
        titles = Occupation.objects.filter(search_words=_whole_word_query(word))
    else:
        titles = Occupation.objects.filter(
            _whole_words("title", word) | _whole_words("search_document", word)
        )
    return _whole_words("career_name", word) | Q(occupation__in=titles)


# A field of work is named in a word or two; longer queries get no guesses (each
# guess is a few more conditions on every title).
MOST_WORDS_GUESSED = 2


def _matches_words(terms):
    """Every word starts a word somewhere in the page name, title or document, is
    the plural or singular of a whole word there ("nurses" finds "Nurse
    Practitioners", "secretary" Secretaries), or names a field whose workers the
    title names ("plumbing": Plumbers)."""
    condition = Q()
    for term in terms:
        if is_short(term):
            condition &= _whole_word_anywhere(term)
            continue
        matches = _word_starts(term) | _word_prefix("career_name", term)
        for form in [*singular_forms(term), *plural_forms(term)]:
            matches |= _whole_word_anywhere(form)
        if len(terms) <= MOST_WORDS_GUESSED:
            for form in worker_forms(term):
                matches |= _workers_named(form)
        condition &= matches
    return condition


def _names(forms, words=_whole_words):
    """Three conditions on a page for `forms` of one phrase: one of them is its
    name or title exactly (or a plural of it); one is `words` of its name or
    title; one is an alternate title exactly."""
    exact_names = [form + ending for form in forms for ending in PLURAL_ENDINGS]
    exact, whole_words, alternate_title = Q(), Q(), Q()
    for form in forms:
        exact |= Q(career_name__iexact=form)
        whole_words |= words("career_name", form) | words("occupation__title", form)
        alternate_title |= _is_alternate_title("occupation__search_document", form)
    # What every exact name starts with ("nann" of nannies, nanny): the LIKE that
    # comes before the regular expression.
    common = os.path.commonprefix(forms)
    exact |= _iregex("occupation__title", r"^(" + "|".join(exact_names) + r")$", common)
    return exact, whole_words, alternate_title


def _relevance(phrase):
    """How well a page matches: 100 its name or title exactly, 90 the title of the
    field's workers exactly ("physics": Physicists), 85 as whole words of the title
    and an exact alternate title ("physician": the physicians O*NET also calls
    "Physician", not Physician Assistants), 80 as whole words, 70 the
    field's workers as whole words ("plumbing": Plumbers, Pipefitters…), 60 an
    exact alternate title ("RN", "Geologist"), 50 whole words of one ("nurse":
    Nursing Assistants, a "Certified Nurse Aide"), 30 a word starting so
    ("Nursery"), else 10. A plural ranks as its singular would too: "buses" puts
    "Bus Drivers" among the first."""
    forms = [phrase, *singular_forms(phrase)]
    exact, whole_words, alternate_title = _names(forms)
    ranks = {100: exact, 80: whole_words}
    words = phrase.count(" ") + 1
    if words <= MOST_WORDS_GUESSED and (workers := worker_forms(phrase)):
        ranks[90], ranks[70], workers_alternate_title = _names(workers, _names_workers)
        alternate_title |= workers_alternate_title
    ranks[60] = alternate_title
    ranks[50] = Q()
    for form in forms:
        ranks[50] |= _whole_words("occupation__search_document", form)
    if not is_short(phrase):  # matched as a whole word: 80 already
        ranks[30] = _word_prefix("career_name", phrase) | _word_prefix(
            "occupation__title", phrase
        )
    # The first condition a page meets gives its rank: the highest first.
    ranked = {rank: Value(rank) for rank in ranks}
    # Whole words of the title, and what people call the job exactly: "physician"
    # puts the physicians O*NET lists as "Physician" before Physician Assistants.
    # Asked only of titles with the words (reading every page's alternate titles
    # again cost the search ~1 ms).
    ranked[80] = Case(When(alternate_title, then=Value(85)), default=Value(80))
    return Case(
        *(When(ranks[rank], then=ranked[rank]) for rank in sorted(ranks, reverse=True)),
        default=Value(10),
        output_field=IntegerField(),
    )


# Among equally relevant pages, BLS's catch-all occupations ("Physicians, All
# Other", "Managers, All Other") after the named ones: their many alternate titles
# mention every word of their field.
CATCH_ALL_LAST = Case(
    When(occupation__title__endswith="All Other", then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
).asc()


def _postgres_match(queryset, terms):
    query = SearchQuery(
        " & ".join(term if is_short(term) else f"{term}:*" for term in terms),
        search_type="raw",
        config="english",
    )
    # Each full-text test is a subquery that a GIN index answers: the occupation's
    # stored vector (title weighted A, titles document B) and the career name's
    # vector (indexed by migration 0008). ORed into the outer query's conditions
    # they would be computed for every page.
    by_title = Occupation.objects.filter(search_vector=query)
    by_name = CareerPage.objects.alias(
        name_document=SearchVector("career_name", config="english")
    ).filter(name_document=query)
    name = SearchVector("career_name", weight="A", config="english")
    return (
        queryset.annotate(
            text_rank=SearchRank(F("occupation__search_vector"), query)
            + SearchRank(name, query)
        )
        .filter(Q(occupation__in=by_title) | Q(pk__in=by_name) | _matches_words(terms))
        .order_by("-relevance", CATCH_ALL_LAST, "-text_rank", *ALPHABETICAL)
    )


def career_pages_search(queryset, query):
    """`queryset` narrowed to pages matching `query`, best match first."""
    # Read as `normalise` reads words: "１５－２０３１" (full width) is 15-2031.
    query = unicodedata.normalize("NFKC", query).strip()
    if CODE_QUERY.match(query):
        return queryset.filter(occupation__code__startswith=query).order_by(
            "occupation__code"
        )
    terms = search_terms(normalise(query))
    if not terms:
        return queryset.none()
    phrase = " ".join(terms)
    queryset = queryset.annotate(relevance=_relevance(phrase))
    if connection.vendor == "postgresql":
        return _postgres_match(queryset, terms)
    # Among equally relevant pages: the one whose titles say the words most often
    # ("hvac": ten alternate titles of HVAC mechanics, one of sales engineers),
    # then the shorter title, usually the closer match. Counted where a word
    # starts, after a bar or a space ("it" is not in "security"); a word of one
    # or two letters, matched as a whole word, counted so ("ai" is not in "aide").
    document = "occupation__search_document"
    ends = ("|", " ") if is_short(phrase) else ("",)
    mentions = sum(
        Length(document) - Length(Replace(document, Value(before + phrase + after)))
        for before in ("|", " ")
        for after in ends
    )
    return queryset.filter(_matches_words(terms)).order_by(
        "-relevance",
        CATCH_ALL_LAST,
        mentions.desc(),
        Length("occupation__title"),
        *ALPHABETICAL,
    )


# Words of titles no one misspells a career as: "docter" is not "other".
NOT_SUGGESTED = {"all", "and", "except", "other", "others"}


def spelling_suggestion(query, queryset):
    """`query` with each word that starts no word of a career's name or title
    replaced by the closest one ("engeneer" -> "engineer"), if that finds pages of
    `queryset`; else "". Asked only when a search of a few words found nothing."""
    terms = search_terms(normalise(query))
    if len(terms) > MOST_WORDS_GUESSED:
        return ""
    vocabulary = set()
    for names in queryset.values_list("career_name", "occupation__title"):
        vocabulary.update(normalise(" ".join(names)).split())
    # Titles are mostly plural: "secretery" is closest to "secretary", "nurze" to
    # "nurse" (not `singular_forms`' guesses, such as "nurs").
    for word in list(vocabulary):
        if word.endswith("ies"):
            vocabulary.add(word[:-3] + "y")
        elif word.endswith("s") and not word.endswith("ss"):
            vocabulary.add(word[:-1])
    candidates = vocabulary - NOT_SUGGESTED
    suggestion = []
    for term in terms:
        known = is_short(term) or any(word.startswith(term) for word in vocabulary)
        # Closer than difflib's default (0.6): "docter" is not "sorter".
        closest = [term] if known else get_close_matches(term, candidates, 5, 0.7)
        if not closest:
            return ""
        # Two neighbouring letters swapped is the commonest slip of the fingers, but
        # difflib counts it as two changes: "laywer" was nearer "layer" than
        # "lawyer", "cheif" nearer "chef" than "chief".
        swapped = [word for word in closest if _is_swap(term, word)]
        suggestion.append((swapped or closest)[0])
    suggestion = list(dict.fromkeys(suggestion))
    if suggestion == terms:
        return ""
    suggestion = " ".join(suggestion)
    return suggestion if career_pages_search(queryset, suggestion).exists() else ""


def _is_swap(term, word):
    """Whether `word` is `term` with two neighbouring letters swapped."""
    differ = [i for i, (a, b) in enumerate(zip(term, word, strict=False)) if a != b]
    return (
        len(term) == len(word)
        and len(differ) == 2
        and differ[1] == differ[0] + 1
        and term[differ[0]] == word[differ[1]]
        and term[differ[1]] == word[differ[0]]
    )


class SearchPaginator(Paginator):
    """Pages a career search with one scan of the catalogue instead of two.

    Django's paginator counts the matches with one query and fetches the page with
    another, and each reads every career's titles (and ranks the matches). This
    one fetches the matching pages' ids, in order, once; counts them; then loads
    only the rows of the page shown, by id, from `rows` (the list's queryset before
    the search), without searching again."""

    def __init__(self, queryset, *args, rows, **kwargs):
        super().__init__(list(queryset.values_list("pk", flat=True)), *args, **kwargs)
        self.rows = rows

    def page(self, number):
        page = super().page(number)
        rows = self.rows.in_bulk(page.object_list)
        # A page unpublished between the two queries is simply left out.
        page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
        return page
