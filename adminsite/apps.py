from django.contrib.admin.apps import AdminConfig


class CareerguideAdminConfig(AdminConfig):
    """django.contrib.admin with the site's own admin site as `admin.site`."""

    default_site = "adminsite.sites.CareerguideAdminSite"
