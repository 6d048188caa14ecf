"""The site's admin site."""

from django.contrib import admin

from .actions import delete_selected
from .options import CareerguideAdmin


class CareerguideAdminSite(admin.AdminSite):
    """The site's admin (`adminsite.apps.CareerguideAdminConfig` makes it the
    default `admin.site`). Every model admin registered on it, the site's own and
    the libraries' (auth's users and groups, axes' sign-in records) alike, is made
    a `CareerguideAdmin` here, so no admin class has to remember to be one."""

    def __init__(self, name="admin"):
        super().__init__(name)
        self.add_action(delete_selected)  # in place of Django's, by its name

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, CareerguideAdmin):
            admin_class = type(
                admin_class.__name__,
                (CareerguideAdmin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)
