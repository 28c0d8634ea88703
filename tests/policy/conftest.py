import pytest

from policy.windows import make_calendar


@pytest.fixture(scope="session")
def cal():
    return make_calendar("America/New_York", "US")
