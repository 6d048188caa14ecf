from django.urls import path

from operations.views import read_only

from . import views
from .feeds import CareerPageFeed
from .page_cache import cache_public_page

app_name = "occupations"

home = views.HomeView.as_view()
career_list = views.CareerListView.as_view()
career_detail = views.follows_former_slugs(views.CareerDetailView.as_view())

urlpatterns = [
    path("", cache_public_page(read_only(home)), name="home"),
    path("robots.txt", read_only(views.robots_txt), name="robots"),
    path(
        "careers/",
        cache_public_page(
            read_only(career_list), query=views.CareerListView.QUERY_PARAMETERS
        ),
        name="list",
    ),
    # Before the career page: "compare" and "feed" are not career slugs.
    path(
        "careers/compare/",
        cache_public_page(read_only(views.career_compare), query=("careers", "q")),
        name="compare",
    ),
    path("careers/feed/", cache_public_page(read_only(CareerPageFeed())), name="feed"),
    path(
        "careers/<slug:slug>/",
        cache_public_page(read_only(career_detail)),
        name="detail",
    ),
    path(
        "careers/<slug:slug>/data.csv",
        read_only(views.follows_former_slugs(views.career_data_csv)),
        name="data_csv",
    ),
    path(
        "careers/<slug:slug>/data.json",
        read_only(views.follows_former_slugs(views.career_data_json)),
        name="data_json",
    ),
]
