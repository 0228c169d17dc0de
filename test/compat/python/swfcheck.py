"""Checks for the compatibility scripts.

Every failed check raises CheckFailed; `run_main` turns it (or any other error) into a
message on stderr and a non-zero exit status, so the calling test sees the failure.

Setting COMPAT_INJECT_FAILURE=1 inverts the first check made: the suite uses it to prove
that a failed check really ends the script with a non-zero status.
"""
import os
import sys
import traceback
import uuid


class CheckFailed(Exception):
    pass


_state = {"checks": 0, "inject": os.environ.get("COMPAT_INJECT_FAILURE") == "1"}


def _verdict(ok):
    """The check's outcome, and a note when COMPAT_INJECT_FAILURE inverted it."""
    _state["checks"] += 1
    if _state["inject"] and _state["checks"] == 1:
        return not ok, " (inverted on purpose by COMPAT_INJECT_FAILURE)"
    return ok, ""


def check(condition, message):
    ok, note = _verdict(bool(condition))
    if not ok:
        raise CheckFailed(message + note)


def equal(actual, expected, what):
    ok, note = _verdict(actual == expected)
    if not ok:
        raise CheckFailed(f"{what}: expected {expected!r}, got {actual!r}{note}")


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def attributes_key(event_type):
    return event_type[0].lower() + event_type[1:] + "EventAttributes"


def event_types(events):
    return [e["eventType"] for e in events]


def expect_history(events, expected, what):
    """Checks a whole history: ids 1..n, each event's type and its exact attributes."""
    equal(event_types(events), [t for t, _ in expected], f"{what}: event types")
    for index, (event, (event_type, attrs)) in enumerate(zip(events, expected)):
        equal(event["eventId"], index + 1, f"{what}: id of event {index + 1}")
        check("eventTimestamp" in event, f"{what}: event {index + 1} has a timestamp")
        keys = [k for k in event if k.endswith("EventAttributes")]
        equal(keys, [attributes_key(event_type)], f"{what}: attribute key of event {index + 1}")
        equal(event[attributes_key(event_type)], attrs, f"{what}: attributes of event {index + 1} ({event_type})")


def run_main(main):
    try:
        main()
    except CheckFailed as failure:
        print(f"CHECK FAILED after {_state['checks']} checks: {failure}", file=sys.stderr)
        sys.exit(1)
    except Exception:  # an unexpected error fails the script too
        traceback.print_exc()
        print(f"ERROR after {_state['checks']} checks", file=sys.stderr)
        sys.exit(2)
    print(f"ALL CHECKS PASSED ({_state['checks']} checks)")
