"""The wording hint as the reviewer and the contractor see it, after a real filing: the
finding names the rule and quotes the sentence that matched, and what the contractor
typed there is escaped exactly once."""

from __future__ import annotations

import json

from bot.slack.render import cards, contractor
from bot.usecases.cases import load_case
from bot.usecases.filing import Filing, file_requests

STORY = 'Number works. Also "<!here>" & <@U0ALL>: she hired another roofer.'


def _text(rendered) -> str:
    return json.dumps(rendered, ensure_ascii=False)


def test_the_details_finding_names_the_rule_and_quotes_the_sentence_escaped_once(desk, clock):
    [req] = file_requests(desk, Filing("U0ROOF1", "C0ROOF", "L-OK", "incorrect_contact", STORY)).requests
    with desk.read() as session:
        case = load_case(session, req.id, calendar=desk.calendar, at=desk.now())
    [detail] = [f["detail"] for f in case.request.findings if f["check"] == "details" and f["outcome"] == "warn"]
    assert detail == (
        "Details read like a non-creditable reason: Did not win the job (rule: hired another company): "
        "\"Also '<!here>' & <@U0ALL>: she hired another roofer.\". Such wording is never auto-approved"
    )
    quoted = "Also '&lt;!here&gt;' &amp; &lt;@U0ALL&gt;: she hired another roofer."
    for rendered in (cards.reviewer_card(case, desk.tz), contractor.check_results(case, desk.tz)):
        text = _text(rendered)
        assert "(rule: hired another company)" in text and quoted in text
        assert "<!here>" not in text and "<@U0ALL>" not in text and "&amp;amp;" not in text
