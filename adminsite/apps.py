from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import pre_save


class CareerguideAdminConfig(AdminConfig):
    """django.contrib.admin with the site's own admin site as `admin.site`."""

    default_site = "adminsite.sites.CareerguideAdminSite"

    def ready(self):
        super().ready()
        from simple_history.models import registered_models

        from .history import baseline_revision_record

        for model in registered_models.values():
            pre_save.connect(
                baseline_revision_record, sender=model, dispatch_uid="baseline"
            )
