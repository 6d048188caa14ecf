import pytest
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture
def demo(db):
    """The demo content, loaded the way `make run` loads it."""
    call_command("load_demo", verbosity=0)


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
