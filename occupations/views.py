from django.views.generic import DetailView, ListView

from .forms import CareerSearchForm
from .models import CareerPage


class HomeView(ListView):
    template_name = "occupations/home.html"
    context_object_name = "career_pages"

    def get_queryset(self):
        return CareerPage.objects.published().editorial_first()[:12]


class CareerListView(ListView):
    """All careers: search (?q=), browse by SOC group and job zone, paginated."""

    template_name = "occupations/career_list.html"
    context_object_name = "career_pages"
    paginate_by = 24

    def get_queryset(self):
        self.form = CareerSearchForm(self.request.GET)
        return self.form.filter(CareerPage.objects.published().for_list())

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)


class CareerDetailView(DetailView):
    template_name = "occupations/career_detail.html"
    context_object_name = "page"

    def get_queryset(self):
        return CareerPage.objects.published().for_detail_page()
