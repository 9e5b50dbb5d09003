"""Whether anything would hear a ``history_changed`` event, asked per execution."""

from __future__ import annotations

import logging

from jupyter_events import EventLogger

from jupyterlab_nbguard.server.events import (
    HISTORY_CHANGED_SCHEMA,
    event_logger_listening,
)


def logger() -> EventLogger:
    events = EventLogger()
    events.register_event_schema(HISTORY_CHANGED_SCHEMA)
    return events


async def heard(logger, schema_id, data):  # a listener, as a JupyterLab page adds
    return None


def test_a_listener_for_every_schema_is_heard_and_its_removal_too():
    events = logger()
    listening = event_logger_listening(events)
    assert not listening()
    events.add_listener(listener=heard)
    assert listening()
    events.remove_listener(listener=heard)
    assert not listening()


def test_logging_handlers_are_seen_added_in_place_and_replaced():
    events = logger()
    listening = event_logger_listening(events)
    handler = logging.NullHandler()
    events.register_handler(handler)
    assert listening()
    events.remove_handler(handler)
    assert not listening()
    events.handlers = [logging.NullHandler()]  # the trait replaced, not changed
    assert listening()
    events.handlers = []
    assert not listening()


def test_no_logger_means_nobody_and_an_unknown_one_is_assumed_to_listen():
    assert event_logger_listening(None)() is False
    assert event_logger_listening(object())() is True
