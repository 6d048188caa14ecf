from django.views.generic import ListView

from .models import Resource


class ResourceListView(ListView):
    template_name = "resources/resource_list.html"
    context_object_name = "resources"

    def get_queryset(self):
        return Resource.objects.in_directory()
