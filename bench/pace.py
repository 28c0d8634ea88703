"""The reviewer channel's pace: Slack takes about one ``chat.postMessage`` a second per channel
after a short burst, and the bot keeps a little under that (``bot.slack.pacing``). Given the
posts a channel actually got, :func:`earliest` says when each could have gone at the soonest
under that pace, so a figure can tell the wait the pace imposes from the delay the bot adds."""

from __future__ import annotations


def channel_rate() -> tuple[float, float]:
    """(posts per second, burst) the bot paces one channel's ``chat.postMessage`` at."""
    from bot.slack.pacing import LIMITS, MARGIN

    rate = LIMITS["chat.postMessage"]
    return rate.per_second * MARGIN, rate.burst


def earliest(posts: list[float], rate: float, burst: float) -> list[float]:
    """For each post time (sorted, one channel, from a full bucket): the first moment the
    token bucket had a whole token for it, given the posts before it."""
    out = []
    tokens, updated = burst, None
    for t in posts:
        if updated is None:
            out.append(t)
            tokens, updated = burst - 1, t
            continue
        out.append(updated + max(0.0, (1.0 - tokens) / rate))
        tokens = min(burst, tokens + (t - updated) * rate) - 1
        updated = t
    return out
