from django.views.generic import DetailView, ListView

from .models import CareerPage


class HomeView(ListView):
    template_name = "occupations/home.html"
    context_object_name = "career_pages"

    def get_queryset(self):
        return CareerPage.objects.published().for_list()[:12]


class CareerListView(ListView):
    template_name = "occupations/career_list.html"
    context_object_name = "career_pages"
    paginate_by = 24

    def get_queryset(self):
        return CareerPage.objects.published().for_list()


class CareerDetailView(DetailView):
    template_name = "occupations/career_detail.html"
    context_object_name = "page"

    def get_queryset(self):
        return CareerPage.objects.published().for_detail_page()
