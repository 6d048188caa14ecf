"""The editors' admin: the site every model admin is registered on, what each
admin shares, and the sign-in lockout hooks (django-axes)."""
