"""Subscribers' domains in ASCII (IDNA 2008), as `email_normalize` now stores them.

An address whose new form another row already holds is left as it is (one inbox,
two rows: an editor merges or erases them); so is one the new rules refuse (it can
still be erased). The rule is copied here, as a migration must not change with the
code it was written for.
"""

import idna
from django.db import migrations


def _ascii_domain(email):
    local, _, domain = email.rpartition("@")
    return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}".lower()


def email_domains_to_ascii(apps, schema_editor):
    Subscriber = apps.get_model("newsletter", "Subscriber")
    taken = set(Subscriber.objects.values_list("email", flat=True))
    for subscriber in Subscriber.objects.only("email").iterator():
        try:
            email = _ascii_domain(subscriber.email)
        except UnicodeError:
            continue
        if email not in taken:
            Subscriber.objects.filter(pk=subscriber.pk).update(email=email)
            taken.add(email)


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_initial")]

    operations = [
        migrations.RunPython(email_domains_to_ascii, migrations.RunPython.noop),
    ]
