"""The Slack adapter's in-process tests use the use cases' desk with a fixed clock."""

from tests.usecases.conftest import clock, desk, dual  # noqa: F401 - fixtures shared with the use-case tests
