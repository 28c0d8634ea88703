"""Entry points: the ``credit-bot`` command line (``cli`` and its command modules), the
HTTP server (``server``) and the ``Runtime`` that owns every thread and wires settings,
the desk, the Bolt app and its ``handlers``, the delivery worker and the scheduler.

May import anything below: ``handlers``, ``bot.slack``, ``bot.usecases``, ``storage``,
``policy``, and the sandbox for ``credit-bot sandbox``.
"""
