"""The site's admin site."""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, JsonResponse

from .actions import delete_selected
from .options import CareerguideAdmin, savepoint


class CheckedAutocompleteJsonView(AutocompleteJsonView):
    """A search the database cannot run finds nothing, as the changelist's does
    (?e=1), not a 500: on SQLite 50,000 letters are "LIKE pattern too complex",
    1,000 words an expression tree too large."""

    def get(self, request, *args, **kwargs):
        try:
            with savepoint():
                return super().get(request, *args, **kwargs)
        except DatabaseError:
            return JsonResponse({"results": [], "pagination": {"more": False}})


def _view_on_site_checked(site, view):
    """The admin's "View on site" address (/admin/r/<type>/<id>/), for those who may
    view the model in the admin: Django's view asks only for staff status, and so
    told any staff account a draft page's address. A type with no admin, or an id
    the model's key cannot hold, is a 404: Django's view answers a ValueError so,
    but a number past the column's range (an OverflowError on SQLite, a DataError
    on PostgreSQL) was a 500."""

    @wraps(view)
    def checked(request, content_type_id, object_id):
        try:
            with savepoint():
                content_type = ContentType.objects.get_for_id(content_type_id)
                model_admin = site.get_model_admin(content_type.model_class())
                if not model_admin.has_view_permission(request):
                    raise PermissionDenied
                return view(request, content_type_id, object_id)
        except (ContentType.DoesNotExist, NotRegistered, OverflowError, DatabaseError):
            raise Http404("No such object.") from None

    return checked


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

    def get_urls(self):
        urls = super().get_urls()
        for url in urls:
            if getattr(url, "name", None) == "view_on_site":
                # Checked inside admin_view: a visitor signed out is sent to
                # sign in, not refused.
                url.callback = self.admin_view(_view_on_site_checked(self, shortcut))
        return urls

    def autocomplete_view(self, request):
        return CheckedAutocompleteJsonView.as_view(admin_site=self)(request)
