"""Every lifecycle action has its words on every surface it can appear on: the lifecycle
decides where an action shows, the one table (``bot.slack.render.action_words``) says what
it is called there. A new action without its words fails here, never shows a raw code."""

from __future__ import annotations

import pytest

from bot.slack.ids import BUTTON, MODAL
from bot.slack.render.action_words import WORDS, Words, words
from bot.slack.render.words import done_by
from policy.lifecycle import BUTTON_ORDER, RULES, TOLD_TO_CONTRACTOR, Action, Party, Status

_PERSON_ACTIONS = {Action.FILE} | {a for a, r in RULES.items() if r.who is not Party.POLICY}
_OUT_OF_REVIEW = {a for a, r in RULES.items() if r.target is not Status.PENDING}

SURFACES = {
    "done_by": set(Action),  # the trail: timelines, status lines, summaries, history
    "button": set(BUTTON_ORDER) | set(BUTTON),
    "modal": set(MODAL),
    "verb": _PERSON_ACTIONS,  # "you cannot <verb> it"
    "stands": _OUT_OF_REVIEW,  # where a request stands when this was its last action
    "told": set(TOLD_TO_CONTRACTOR),  # the contractor's thread reply
}


def test_the_table_has_one_entry_per_action():
    assert set(WORDS) == set(Action)
    assert all(isinstance(w, Words) for w in WORDS.values())


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_every_action_has_its_words_on_every_surface(surface):
    missing = sorted(a.value for a in SURFACES[surface] if not getattr(WORDS[a], surface))
    assert not missing, f"no {surface!r} words for: {', '.join(missing)}"


def test_templates_fill_with_what_the_render_gives_them():
    for action, said in WORDS.items():
        if said.stands:
            text = said.stands.format(ref="CR-1", by="<@U1>", at="Tue")
            assert "CR-1" in text and "{" not in text, action
        if said.told:
            said.told.headline.format(ref="CR-1", lead="L-1", reason="Bad number", manager="<@U2>")
            said.told.detail.format(by="by <@U1>", at="Tue", rule="Within 7 days")
        if said.button:
            label, style = said.button
            assert label and style in (None, "primary", "danger"), action
        if said.modal:
            title, submit = said.modal
            assert len(title) <= 24 and len(submit) <= 24, action  # Slack's limits on a modal


def test_no_trail_line_shows_a_code():
    for action in Action:
        line = done_by(action.value, "U1")
        assert action.value not in line and "_" not in line, line


def test_a_name_that_is_no_action_has_no_words():
    assert words("made_up") is None
    assert done_by("made_up", "U1").startswith("made_up")  # shown as stored, escaped, for staff
