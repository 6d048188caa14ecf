from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from .forms import SubscriberEmailField
from .models import (
    Subscriber,
    SubscriberExport,
    email_as_written,
    email_stored_form,
)
from .services import subscriber_subscribe, subscribers_erase, subscribers_export


class SubscriberAddForm(forms.ModelForm):
    """Adding an address in the admin sends it the double opt-in email, as the
    signup form does: again to a pending or unsubscribed address (whose row is
    there already), never to a subscribed one. Also to one whose owner declined an
    opt-in lately, which the signup form sends nothing: a manager adding it is a
    deliberate act, the way back for an owner who changed their mind."""

    email = SubscriberEmailField(
        help_text="It is sent the confirmation email, even if its owner said no to "
        "one lately (the signup form then sends none): add such an address only "
        "at its owner's request."
    )

    class Meta:
        model = Subscriber
        fields = ("email",)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if Subscriber.objects.confirmed().filter(email=email).exists():
            raise ValidationError("This address is subscribed already.")
        return email

    def _get_validation_exclusions(self):
        # Its row's unique address is no error: the opt-in starts again.
        return super()._get_validation_exclusions() | {"email"}


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = (
        "address",
        "status",
        "source_path",
        "signed_up_at",
        "confirmed_at",
        "unsubscribed_at",
    )
    list_filter = (
        "status",
        ("source_page", admin.RelatedOnlyFieldListFilter),
        "signed_up_at",
        "confirmed_at",
    )
    list_select_related = ("source_page",)
    search_fields = ("email",)
    date_hierarchy = "signed_up_at"
    actions = ("export_confirmed_csv", "erase_selected")
    # The consent record is evidence: shown, never edited by hand.
    readonly_fields = (
        "email",
        "status",
        "source_page",
        "source_path",
        "consent_version",
        "signed_up_at",
        "confirmed_at",
        "unsubscribed_at",
        "previously_confirmed_at",
        "created_at",
    )

    @admin.display(description="email", ordering="email")
    def address(self, subscriber):
        return subscriber.email_as_written

    def get_search_results(self, request, queryset, search_term):
        # Addresses are stored normalised (the domain in ASCII): a search for
        # "ann@bücher.example" looks for what is stored.
        try:
            stored = email_stored_form(search_term)
        except ValueError:
            stored = search_term  # not a whole address: searched as typed
        found, duplicates = super().get_search_results(request, queryset, stored)
        if search_term.isascii():
            return found, duplicates
        # A domain in other letters is stored in ASCII ("bücher" as
        # "xn--bcher-kva"), where no part of "bücher" is found: the few such
        # addresses are read as people write them, each word looked for there.
        words = search_term.lower().split()
        written = [
            pk
            for pk, email in queryset.filter(email__contains="xn--").values_list(
                "pk", "email"
            )
            if all(word in email_as_written(email).lower() for word in words)
        ]
        return found | queryset.filter(pk__in=written), duplicates

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = SubscriberAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ("email",)

    def save_model(self, request, obj, form, change):
        if change:
            return
        # Through the service, so the person still confirms by email. The consent
        # record says who typed the address: not the person, on the signup form.
        obj.pk = subscriber_subscribe(
            email=obj.email,
            source_path=f"admin: added by {request.user.get_username()}",
            despite_decline=True,
        ).pk
        obj.refresh_from_db()

    def response_add(self, request, obj, post_url_continue=None):
        # Django's "was added successfully" read as if the address were on the
        # list; it is pending until its owner confirms.
        self.message_user(
            request,
            f"A confirmation email was sent to {obj.email}. The address is pending "
            "until its owner confirms it; then it is subscribed.",
            messages.SUCCESS,
        )
        if "_addanother" in request.POST:
            return HttpResponseRedirect(request.path)
        return self.response_post_save_add(request, obj)

    def delete_model(self, request, obj):
        # The subscriber's own delete page erases too: no address left in the log.
        subscribers_erase(Subscriber.objects.filter(pk=obj.pk))

    def has_change_permission(self, request, obj=None):
        return False if obj else super().has_change_permission(request, obj)

    def has_export_permission(self, request):
        return request.user.has_perm("newsletter.export_subscriber")

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Erasure is the delete that leaves a log line; one way to delete is enough.
        actions.pop("delete_selected", None)
        return actions

    @admin.action(
        permissions=("export",), description="Export confirmed subscribers as CSV"
    )
    def export_confirmed_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        if not subscribers_export(subscribers=queryset, by=request.user, out=response):
            self.message_user(
                request,
                "None of the selected subscribers has confirmed: nothing was exported.",
                messages.WARNING,
            )
            return None
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="subscribers-{stamp}.csv"'
        )
        return response

    @admin.action(
        permissions=("delete",),
        description="Erase selected subscribers and their consent record (privacy "
        "request)",
    )
    def erase_selected(self, request, queryset):
        # Asks first, as Django's own delete action does: "select all" and one
        # wrong pick in the menu would erase the whole list at once.
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/newsletter/subscriber/erase_selected_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Erase these subscribers?",
                    "opts": self.model._meta,
                    "subscribers": queryset.order_by("email"),
                    "selected": queryset.values_list("pk", flat=True),
                },
            )
        erased = subscribers_erase(queryset, by=request.user)
        self.message_user(
            request, f"Erased {erased} subscriber(s).", level=messages.SUCCESS
        )


@admin.register(SubscriberExport)
class SubscriberExportAdmin(admin.ModelAdmin):
    """The record of exports, read-only: written by the export action alone."""

    list_display = ("exported_at", "exported_by_username", "subscriber_count")
    list_filter = ("exported_at",)
    search_fields = ("exported_by_username",)
    date_hierarchy = "exported_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
