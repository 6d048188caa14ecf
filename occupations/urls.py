from django.urls import path
from django.views.decorators.http import require_safe

from . import views
from .feeds import CareerPageFeed
from .page_cache import cache_public_page

app_name = "occupations"

urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("careers/", cache_public_page(views.CareerListView.as_view()), name="list"),
    # Before the career page: "compare" and "feed" are not career slugs.
    path("careers/compare/", cache_public_page(views.career_compare), name="compare"),
    path(
        "careers/feed/", cache_public_page(require_safe(CareerPageFeed())), name="feed"
    ),
    path(
        "careers/<slug:slug>/",
        cache_public_page(views.CareerDetailView.as_view()),
        name="detail",
    ),
    path("careers/<slug:slug>/data.csv", views.career_data_csv, name="data_csv"),
    path("careers/<slug:slug>/data.json", views.career_data_json, name="data_json"),
]
