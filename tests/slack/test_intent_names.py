"""Stored intents are named by fixed names, not by the functions that finish them: every
listener the app registers has one, each name is used once, and migration 0010 rewrote the
names stored before to these."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import storage
from bot.entrypoints.runtime import Runtime
from bot.slack import durable_listeners
from bot.slack.ids import MODAL, STEP_OF_BUTTON
from bot.slack.intent_names import BUTTON_INTENT, FORM_INTENT, IntentName

pytestmark = pytest.mark.usefixtures("seeded")


def _migration():
    path = Path(storage.__file__).parent / "migrations" / "versions" / "0010_stable_intent_names.py"
    spec = importlib.util.spec_from_file_location("stable_intent_names", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def registered(seeded):
    runtime = Runtime(seeded)
    runtime.bolt()
    yield dict(durable_listeners.LISTENERS)
    runtime.listeners.shutdown(wait=True)
    runtime.acks.shutdown(wait=True)
    runtime.desk.db.dispose()


NAMED_SINCE = {IntentName.SHOW_TRAIL}  # listeners added after the renaming migration


def test_every_listener_the_app_registers_has_a_fixed_name(registered):
    assert set(registered) == set(IntentName)
    assert set(BUTTON_INTENT) == set(STEP_OF_BUTTON.values())
    assert set(FORM_INTENT) == set(MODAL)
    functions = {listener.fn.__name__ for listener in registered.values()}
    assert not functions & {str(n) for n in IntentName}  # names are not taken from functions


def test_the_migration_renames_to_exactly_these_names():
    renamed = _migration().RENAMED
    assert set(renamed.values()) == set(IntentName) - NAMED_SINCE
    assert len(set(renamed.values())) == len(renamed)  # one old name per new name
    assert not set(renamed) & set(renamed.values())
