from django.apps import AppConfig
from django.db.models.signals import pre_delete


class ResourcesConfig(AppConfig):
    name = "resources"

    def ready(self):
        from .models import CareerPageResource
        from .services import mark_deleted_with_page

        # Before the revision history records the link's deletion.
        pre_delete.connect(
            mark_deleted_with_page,
            sender=CareerPageResource,
            dispatch_uid="mark_deleted_with_page",
        )
