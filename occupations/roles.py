"""The admin's roles as groups: who may change what.

`setup_roles` (run after every `migrate`, and as `manage.py setup_roles`) makes each
group hold exactly the permissions listed here; permissions given to a group by hand
in the admin are reset to this list. Give a person a role by adding them to the group
(and ticking "Staff status").
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

ALL_ACTIONS = ("add", "change", "delete", "view")

# Career content, the data it shows and the curated resources; never users, groups,
# subscribers or settings.
EDITORS = "Editors"
EDITOR_APPS = ("occupations", "resources")

NEWSLETTER_MANAGERS = "Newsletter managers"
NEWSLETTER_PERMISSIONS = (
    "view_subscriber",
    # Adding an address sends its owner the confirmation email (double opt-in):
    # for signups taken elsewhere, at an event or by phone.
    "add_subscriber",
    "change_subscriber",
    "delete_subscriber",
    "export_subscriber",
    "view_subscriberexport",
)


def role_permissions():
    """{group name: Q selecting its permissions}."""
    editor_models = [
        model._meta.model_name
        for app in EDITOR_APPS
        for model in apps.get_app_config(app).get_models()
        # The revision records are written by the history, not edited.
        if not model._meta.model_name.startswith("historical")
    ]
    editor_codenames = [
        f"{action}_{name}" for name in editor_models for action in ALL_ACTIONS
    ]
    return {
        EDITORS: Q(
            content_type__app_label__in=EDITOR_APPS, codename__in=editor_codenames
        ),
        NEWSLETTER_MANAGERS: Q(
            content_type__app_label="newsletter", codename__in=NEWSLETTER_PERMISSIONS
        ),
    }


def setup_roles():
    """Create or update the groups; returns {name: number of permissions}."""
    counts = {}
    for name, condition in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = list(Permission.objects.filter(condition))
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts


def setup_roles_after_migrate(sender, app_config=None, **kwargs):
    """post_migrate receiver: once every app's permissions exist (the signal is sent
    per app, after Django has created that app's permissions), set up the roles."""
    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if app_config is with_models[-1]:
        setup_roles()
