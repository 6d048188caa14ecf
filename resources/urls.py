from django.urls import path

from occupations.page_cache import cache_public_page

from . import views

app_name = "resources"

urlpatterns = [
    path("", cache_public_page(views.ResourceListView.as_view()), name="list"),
]
