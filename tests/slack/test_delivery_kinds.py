"""Every outbox kind the use cases can write has a full row in the Slack adapter's table:
a sender, the pacing of its first call (when it calls Slack), and the surface it keeps or
replies under; urgency and queue order come from the kind's one declaration."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.slack import delivery, senders, surfaces
from bot.slack.delivery_kinds import DELIVERIES
from bot.usecases import outbox


def test_every_kind_the_use_cases_can_write_has_a_row():
    assert set(DELIVERIES) == set(outbox.KINDS)
    assert set(delivery.DELIVERERS) == set(outbox.KINDS)


def test_a_kind_nobody_declared_cannot_be_written():
    with pytest.raises(ValueError, match="made_up"):
        outbox.enqueue(None, "made_up", now=datetime.now(UTC))


@pytest.mark.parametrize("kind", sorted(outbox.KINDS))
def test_each_row_is_full(kind):
    d, declared = DELIVERIES[kind], outbox.KINDS[kind]
    assert callable(d.sender) and declared.what
    if d.sender.__module__ == senders.__name__:  # Slack's: paced by its first call
        row = SimpleNamespace(payload={"channel": "C1", "user": "U1"}, kind=kind)
        settings = SimpleNamespace(reviewer_channel_id="C2", account_manager_channel_id="C3")
        method, _channel = d.pacing(row, {}, settings)
        assert method.count(".") == 1, method
    else:
        assert d.pacing is None
    if kind in outbox.SYNC_KINDS:
        assert d.surface is not None and d.surface.kind == kind
    if declared.order:  # in line with a request's other messages: the same surface
        others = {DELIVERIES[k].surface for k, o in outbox.KINDS.items() if o.order == declared.order}
        assert others == {d.surface}


def test_surfaces_are_the_sync_kinds_own():
    assert set(surfaces.BY_KIND) == set(outbox.SYNC_KINDS)


def test_urgency_is_read_from_the_declaration():
    assert delivery.URGENT_KINDS == {k for k, d in outbox.KINDS.items() if d.urgent} == {outbox.EPHEMERAL, outbox.DM}
    assert all(outbox.PRIORITY.get(k, outbox.DEFAULT_PRIORITY) == outbox.URGENT for k in delivery.URGENT_KINDS)
