"""When ``comity run`` restarts a crashed service or gateway, and when it gives up on one
(deploy/runner.py, :class:`RestartPolicy`): times are given, no process is started."""

from __future__ import annotations

from deploy.runner import (
    FIRST_RESTART_DELAY_SECONDS,
    MAX_RESTART_DELAY_SECONDS,
    RESTART_WINDOW_SECONDS,
    RESTARTS_PER_WINDOW,
    RestartPolicy,
)


def delays_after(policy: RestartPolicy, times: list[float]) -> list[float | None]:
    return [policy.delay_after_crash(now) for now in times]


def test_the_defaults_are_the_module_constants() -> None:
    policy = RestartPolicy()

    assert policy.restarts_per_window == RESTARTS_PER_WINDOW == 5
    assert policy.window_seconds == RESTART_WINDOW_SECONDS == 60.0
    assert policy.first_delay_seconds == FIRST_RESTART_DELAY_SECONDS == 0.5
    assert policy.max_delay_seconds == MAX_RESTART_DELAY_SECONDS == 5.0


def test_the_delay_doubles_with_each_crash_up_to_the_cap() -> None:
    delays = delays_after(RestartPolicy(), [0.0, 1.0, 3.0, 6.0, 11.0])

    assert delays == [0.5, 1.0, 2.0, 4.0, 5.0]


def test_one_crash_more_than_the_restarts_within_the_window_gives_up() -> None:
    policy = RestartPolicy()
    delays_after(policy, [0.0, 10.0, 20.0, 30.0, 40.0])

    assert policy.delay_after_crash(59.0) is None


def test_crashes_spread_wider_than_the_window_are_restarted_without_end() -> None:
    spaced = [RESTART_WINDOW_SECONDS / 3 * n for n in range(20)]

    delays = delays_after(RestartPolicy(), spaced)

    assert None not in delays
    assert max(delay for delay in delays if delay is not None) == 2.0


def test_a_part_that_stayed_up_for_the_window_starts_again_from_the_first_delay() -> None:
    policy = RestartPolicy()
    delays_after(policy, [0.0, 1.0, 3.0, 6.0])

    assert policy.delay_after_crash(6.0 + RESTART_WINDOW_SECONDS) == FIRST_RESTART_DELAY_SECONDS


def test_a_crash_exactly_one_window_ago_no_longer_counts() -> None:
    policy = RestartPolicy(restarts_per_window=1, window_seconds=10.0)

    assert delays_after(policy, [0.0, 10.0, 20.0]) == [0.5, 0.5, 0.5]
    assert policy.delay_after_crash(29.9) is None


def test_the_cap_holds_when_more_restarts_are_allowed() -> None:
    policy = RestartPolicy(restarts_per_window=10, max_delay_seconds=3.0)

    assert delays_after(policy, [float(n) for n in range(6)]) == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
