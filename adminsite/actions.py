"""The site-wide admin actions: Django's, within limits."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected

# A delete reads, and writes a revision of, every row it reaches. Selecting all
# 1,016 occupations took 35 s to confirm (the 168,000 rows that go with them,
# then each named on the page), past the app server's timeout.
DELETED_AT_ONCE = 100


@admin.action(
    permissions=["delete"], description=django_delete_selected.short_description
)
def delete_selected(modeladmin, request, queryset):
    """Django's delete action, for at most `DELETED_AT_ONCE` rows at a time."""
    selected = queryset.count()
    if selected <= DELETED_AT_ONCE:
        return django_delete_selected(modeladmin, request, queryset)
    modeladmin.message_user(
        request,
        f"{selected:,} {modeladmin.opts.verbose_name_plural} are selected: delete "
        f"at most {DELETED_AT_ONCE} at a time. Nothing was deleted. Narrow the "
        "list with a filter or a search, then select again.",
        messages.WARNING,
    )
    return None
