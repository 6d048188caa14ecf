from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class OccupationsConfig(AppConfig):
    name = "occupations"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
        from .roles import setup_roles_after_migrate

        # The admin roles (Editors, Newsletter managers) exist on every database
        # that has been migrated, the test databases included.
        post_migrate.connect(setup_roles_after_migrate, dispatch_uid="setup_roles")

        # Any saved or deleted row of career content starts a new page-cache
        # version. Bulk writes send no signals: the importers invalidate themselves.
        from .page_cache import invalidate_after_migrate, invalidate_on_content_change

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(invalidate_on_content_change, dispatch_uid="page_cache")
        # A deploy runs `migrate`: pages (and the headers stored with them) rendered
        # by the previous release are not served by the new one.
        post_migrate.connect(
            invalidate_after_migrate, sender=self, dispatch_uid="page_cache_migrate"
        )

        # A saved or deleted task, figure… dates its occupation's pages anew.
        from .models import (
            OCCUPATION_DATA_MODELS,
            AlternateTitle,
            alternate_title_changed,
            occupation_data_changed,
        )

        for model in OCCUPATION_DATA_MODELS:
            for signal in (post_save, post_delete):
                signal.connect(
                    occupation_data_changed, sender=model, dispatch_uid="data_changed"
                )
        # A saved or deleted alternate title: search finds what its occupation's
        # titles are now.
        for signal in (post_save, post_delete):
            signal.connect(
                alternate_title_changed,
                sender=AlternateTitle,
                dispatch_uid="search_document",
            )
