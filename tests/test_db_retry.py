"""config.db.retry_on_deadlock: a deadlock victim runs again; anything else, or inside a transaction, is raised."""
import pytest
from django.db import OperationalError, transaction

from config.db import retry_on_deadlock


def flaky(failures, code=1213):
    calls = []

    def fn(value):
        calls.append(value)
        if len(calls) <= failures:
            raise OperationalError(code, "Deadlock found when trying to get lock; try restarting transaction")
        return value * 2
    return fn, calls


def test_a_deadlock_victim_runs_again():
    fn, calls = flaky(2)
    assert retry_on_deadlock(fn, 21) == 42
    assert calls == [21, 21, 21]


def test_gives_up_after_the_attempts():
    fn, calls = flaky(5)
    with pytest.raises(OperationalError):
        retry_on_deadlock(fn, 1, attempts=3)
    assert len(calls) == 3


def test_other_errors_are_not_retried():
    fn, calls = flaky(1, code=1146)  # no such table
    with pytest.raises(OperationalError):
        retry_on_deadlock(fn, 1)
    assert len(calls) == 1


@pytest.mark.django_db
def test_inside_a_transaction_the_caller_must_retry_it_whole():
    fn, calls = flaky(1)
    with pytest.raises(OperationalError), transaction.atomic():
        retry_on_deadlock(fn, 1)
    assert len(calls) == 1
