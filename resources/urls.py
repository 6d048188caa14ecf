from django.urls import path

from occupations.page_cache import cache_public_page
from operations.views import read_only

from . import views

app_name = "resources"

urlpatterns = [
    path(
        "", cache_public_page(read_only(views.ResourceListView.as_view())), name="list"
    ),
]
