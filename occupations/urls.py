from django.urls import path

from . import views

app_name = "occupations"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("careers/", views.CareerListView.as_view(), name="list"),
    path("careers/<slug:slug>/", views.CareerDetailView.as_view(), name="detail"),
]
