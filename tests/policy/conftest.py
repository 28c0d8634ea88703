import pytest

from policy.engine import RequestFacts, evaluate
from policy.windows import make_calendar
from tests.policy.engine_facts import AREA, INSIDE, LEAD


@pytest.fixture(scope="session")
def cal():
    return make_calendar("America/New_York", "US")


@pytest.fixture
def ev(cal):
    """evaluate() with defaults: the fixed lead, the 25 mi area, no priors, requested inside the window."""

    def _ev(
        reason,
        details="Called twice, recording says not in service",
        *,
        lead=LEAD,
        at=INSIDE,
        area=AREA,
        priors=(),
    ):
        return evaluate(lead, RequestFacts(reason, details, at), calendar=cal, area=area, priors=priors)

    return _ev
