from functools import wraps

from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, ListView

from . import presentation
from .forms import CareerSearchForm
from .models import (
    CareerPage,
    SocMajorGroup,
    prefetch_page_content,
    prefetch_page_downloads,
)
from .search import SearchPaginator, spelling_suggestion


class HomeView(ListView):
    template_name = "occupations/home.html"
    context_object_name = "career_pages"

    GUIDES_SHOWN = 12
    FASTEST_GROWING_SHOWN = 6

    def get_queryset(self):
        return (
            CareerPage.objects.published()
            .for_list()
            .written_by_editors()[: self.GUIDES_SHOWN]
        )

    def get_context_data(self, **kwargs):
        # Besides the guides editors wrote, a reason to look at a few of the
        # catalogue's pages (they had been its first ones by name: Accountants,
        # Actors, Actuaries…). Then ways into the whole list: its search box (the
        # field alone: the form would look up its filters' choices) and its
        # occupation groups.
        guides = self.object_list
        fastest_growing = (
            CareerPage.objects.published()
            .for_list()
            .fastest_growing_careers(self.FASTEST_GROWING_SHOWN, leaving_out=guides)
        )
        return super().get_context_data(
            fastest_growing=fastest_growing,
            search_field=CareerSearchForm.base_fields["q"],
            groups=SocMajorGroup.objects.with_published_pages(),
            canonical_url=presentation.canonical_url(reverse("occupations:home")),
            **kwargs,
        )


class CareerListView(ListView):
    """All careers: search (?q=), browse by SOC group and job zone, paginated."""

    template_name = "occupations/career_list.html"
    context_object_name = "career_pages"
    paginate_by = 24
    # The query parameters the page is made of (and cached by): the search form's
    # fields and the page number.
    QUERY_PARAMETERS = (*CareerSearchForm.base_fields, "page")
    paginator_class = SearchPaginator
    page_is_missing = False

    def get_queryset(self):
        self.form = CareerSearchForm(self.request.GET)
        return self.form.filter(self.listed_pages())

    def listed_pages(self):
        """Every page the list may show, with what its cards need."""
        return CareerPage.objects.published().for_list()

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(
            queryset, per_page, rows=self.listed_pages(), **kwargs
        )

    def paginate_queryset(self, queryset, page_size):
        """The page ?page= names ("last" too, as Django's list reads it); past
        either end (an old link, a search that now finds fewer careers) the
        nearest page, not a number the first, either saying so and sent as a 404
        (Django's list gave a bare "Page not found")."""
        paginator = self.get_paginator(queryset, page_size)
        asked = self.request.GET.get(self.page_kwarg) or "1"
        if asked == "last":
            number = paginator.num_pages
        else:
            try:
                number = int(asked)
            except ValueError:
                number = None
        page = paginator.page(min(max(number or 1, 1), paginator.num_pages))
        self.page_is_missing = asked != "last" and number != page.number
        return paginator, page, page.object_list, page.has_other_pages()

    def render_to_response(self, context, **response_kwargs):
        if self.page_is_missing:
            response_kwargs["status"] = 404
        response = super().render_to_response(context, **response_kwargs)
        if self.form.errors:
            # Values the form does not offer (?group= of no group, a search past
            # its length): the page says what is wrong, but is not kept in the
            # page cache (see `page_cache._may_be_stored`), where made-up values
            # would push real pages out.
            patch_cache_control(response, no_store=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, **kwargs)
        context["page_is_missing"] = self.page_is_missing  # known once paginated
        query = self.request.GET.copy()
        query["page"] = str(context["page_obj"].number)  # ?page=last: its number
        context["canonical_url"] = presentation.canonical_url(
            reverse("occupations:list"), query, self.QUERY_PARAMETERS
        )
        if context["is_paginated"]:
            # Every page a click away from its neighbours and the ends: 1 … 4 5 6 … 42.
            context["page_range"] = context["paginator"].get_elided_page_range(
                context["page_obj"].number, on_each_side=2, on_ends=1
            )
        if self.form.searched and not context["paginator"].count:
            context["suggestion"] = spelling_suggestion(
                self.form.cleaned_data["q"],
                self.form.browse(CareerPage.objects.published()),
            )
        return context


class CareerDetailView(DetailView):
    template_name = "occupations/career_detail.html"
    context_object_name = "page"

    def get_object(self, queryset=None):
        return published_career_page(self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, **presentation.career_page_context(self.object)}


def follows_former_slugs(view):
    """`view` of the career page at <slug>, where an address a page left when an
    editor changed its slug, or its address written with capitals, redirects (301,
    query string kept) to the same view of the page's address now."""

    @wraps(view)
    def view_or_redirect(request, slug, **kwargs):
        try:
            return view(request, slug=slug, **kwargs)
        except Http404:
            page = CareerPage.objects.published().redirect_target(slug)
            if page is None:
                raise
        url = reverse(
            request.resolver_match.view_name, kwargs={**kwargs, "slug": page.slug}
        )
        query = request.META.get("QUERY_STRING")
        redirect = HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        # Browsers keep a 301 without a word for good, but an address a page left
        # may be freed and given to another, or taken back by the page.
        patch_cache_control(redirect, no_cache=True)
        return redirect

    return view_or_redirect


def published_career_page(slug, prefetch=prefetch_page_content):
    """The published page `slug` with everything it shows, or 404; `prefetch`
    loads its lists (`prefetch_page_downloads`: only what its downloads hold)."""
    page = get_object_or_404(
        CareerPage.objects.published().for_detail_page(), slug=slug
    )
    prefetch([page])
    return page


def career_data_csv(request, slug):
    """The page's figures as CSV, each row naming its source and release."""
    page = published_career_page(slug, prefetch_page_downloads)
    response = HttpResponse(
        presentation.figures_csv(page), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{page.slug}.csv"'
    return response


def career_data_json(request, slug):
    page = published_career_page(slug, prefetch_page_downloads)
    return JsonResponse(
        presentation.figures_json(page), json_dumps_params={"ensure_ascii": False}
    )


def career_compare(request):
    """Two or three careers side by side: /careers/compare/?careers=a,b[,c]."""
    try:
        context = presentation.compare_context(
            request.GET.getlist("careers"), request.GET.get("q", "")
        )
    except presentation.ComparedCareersMoved as moved:
        query = request.GET.copy()
        query["careers"] = moved.careers_now(query.getlist("careers"))
        return HttpResponsePermanentRedirect(
            f"{request.path}?{query.urlencode(safe=',')}"
        )
    response = render(request, "occupations/compare.html", context)
    if context["notices"]:
        # Careers asked for that are not shown (unknown, repeated, too many): as
        # on the list, made-up addresses are not kept in the page cache.
        patch_cache_control(response, no_store=True)
    return response


def robots_txt(request):
    sitemap = presentation.absolute_url(reverse("sitemap"))
    lines = ["User-agent: *", "Allow: /", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
