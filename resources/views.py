from django.urls import reverse
from django.views.generic import ListView

from occupations.presentation import canonical_url

from .models import Resource


class ResourceListView(ListView):
    template_name = "resources/resource_list.html"
    context_object_name = "resources"

    def get_queryset(self):
        return Resource.objects.in_directory()

    def get_context_data(self, **kwargs):
        url = canonical_url(reverse("resources:list"))
        return super().get_context_data(canonical_url=url, **kwargs)
