"""Benchmarks for the credit bot: ``python -m bench`` (full) or ``python -m bench --quick``.

Every figure is measured in one run next to a baseline (a bare Bolt app, Slack's own call
latency, the policy engine with its facts in memory, ...) and reported as absolute numbers
and as a ratio. Results go to ``bench/results/latest.json`` (and ``--out``)."""
