import pytest

from tests.factories import full_career


@pytest.fixture
def career(db):
    return full_career()
