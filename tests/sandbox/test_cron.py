"""CronJob schedules: the minute a CronJob is due, the forms of a schedule it accepts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kdebug_tui.sandbox.jobs import last_due, parse_schedule


def test_cron_schedules() -> None:
    base = datetime(2026, 3, 2, 10, 7, 30, tzinfo=UTC).timestamp()  # a Monday
    assert (
        last_due("*/5 * * * *", base - 600, base)
        == datetime(2026, 3, 2, 10, 5, tzinfo=UTC).timestamp()
    )
    assert last_due("*/5 * * * *", base - 60, base) is None
    assert (
        last_due("0 9 * * 1", base - 7200, base)
        == datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp()
    )
    assert last_due("0 9 * * 2", base - 7200, base) is None
    assert parse_schedule("@hourly")[0] == {0}
    with pytest.raises(ValueError):
        parse_schedule("61 * * * *")
    with pytest.raises(ValueError):
        parse_schedule("* * *")
