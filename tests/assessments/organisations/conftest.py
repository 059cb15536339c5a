import pytest
from django.contrib.auth.models import User


@pytest.fixture
def invitee(make_user) -> User:
    """The person the tests' invitations are sent to: new@hillside.example, with an account."""
    return make_user("new@hillside.example", full_name="Nia New")
