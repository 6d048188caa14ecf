import re

from django import forms

from .models import JobZone, SocMajorGroup

# C0 and C1 control characters and DEL: no search means one, and echoed into the
# search box they made the page's HTML invalid.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class SearchTermsField(forms.CharField):
    """Search terms, a control character in them (a pasted tab, a NUL in the
    address) read and shown as a space."""

    def to_python(self, value):
        return super().to_python(self.bound_data(value, None))

    def bound_data(self, data, initial):
        return CONTROL_CHARACTERS.sub(" ", data) if isinstance(data, str) else data


class CareerSearchForm(forms.Form):
    """The careers list's search box and browse filters (all optional, GET)."""

    q = SearchTermsField(
        label="Search careers",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "e.g. nurse, RN, 15-2031"}
        ),
    )
    group = forms.ChoiceField(label="Occupation group", required=False)
    zone = forms.TypedChoiceField(
        label="Preparation needed", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "All groups")] + [
            (group.code, group.title) for group in SocMajorGroup.objects.all()
        ]
        self.fields["zone"].choices = [("", "Any preparation")] + [
            (zone.number, f"Job Zone {zone.number}: {zone.short_name}")
            for zone in JobZone.objects.all()
        ]

    @property
    def browse_fields(self):
        """The browse filters. The page writes their <select>s itself: Django's
        widget templates render each option through two more templates."""
        return [self["group"], self["zone"]]

    def filter(self, queryset):
        """`queryset` narrowed by the valid fields, searched if `q` is given: a
        field in error is left out, the others still apply."""
        queryset = self.browse(queryset)
        return queryset.search(self.cleaned_data["q"]) if self.searched else queryset

    def browse(self, queryset):
        """`queryset` narrowed by the valid browse filters (group, zone)."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("group"):
            queryset = queryset.filter(occupation__code__startswith=data["group"][:3])
        if data.get("zone"):
            queryset = queryset.filter(occupation__job_zone=data["zone"])
        return queryset

    @property
    def summary(self):
        """The valid fields in words, for the page's title: “nurse”, Healthcare
        Practitioners and Technical Occupations, Job Zone 3."""
        self.is_valid()
        data = self.cleaned_data
        words = []
        if self.searched:
            words.append(f"“{data['q'].strip()}”")
        if data.get("group"):
            words.append(dict(self.fields["group"].choices)[data["group"]])
        if data.get("zone"):
            words.append(f"Job Zone {data['zone']}")
        return ", ".join(words)

    @property
    def searched(self):
        """Whether a valid search (`q`) narrows the list."""
        self.is_valid()
        return bool(self.cleaned_data.get("q", "").strip())

    @property
    def is_filtered(self):
        """Whether a valid field narrows the list (beside a field in error too)."""
        self.is_valid()
        return any(self.cleaned_data.values())
