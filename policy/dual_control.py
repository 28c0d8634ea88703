"""Dual control (``SECOND_APPROVAL_OVER``): on a lead priced above the threshold an
approval and a reversal each take two different people.

The first person's ``approve`` (or the policy's own ``approve`` verdict) is taken as
``first_approval``, and the first ``reverse`` as ``first_reversal``: recorded and shown,
nothing booked, the status kept (a policy denial being overridden goes back to pending for
the second reviewer). The same action by another reviewer then completes it. Whoever took
the first step cannot take the second (``Why.SAME_REVIEWER``, checked by
``policy.lifecycle.refusal``); a deny by anyone ends a waiting approval; granted exceptions
are not covered. Pure: the caller says whether the lead is above the threshold."""

from __future__ import annotations

from .lifecycle import Action, RequestState

# The first step each two-person action starts with.
FIRST_STEPS = {Action.APPROVE: Action.FIRST_APPROVE, Action.AUTO_APPROVE: Action.FIRST_APPROVE,
               Action.REVERSE: Action.FIRST_REVERSE}


def step_for(action: Action, state: RequestState) -> Action:
    """The step ``action`` is on this request: under dual control an approval or a reversal
    with no first step yet is that first step; anything else is itself."""
    first = FIRST_STEPS.get(action)
    if first is None or not state.dual_control:
        return action
    done = state.first_reversal_by if first is Action.FIRST_REVERSE else state.first_approval_by
    return first if done is None else action
