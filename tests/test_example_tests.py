"""The example's own tests, the ones "Testing tasks" shows, pass as a reader runs them."""
import re

from conftest import manage


def test_example_test_suite_passes(example):
    result = manage(example, "test", "-v", "2", timeout=300)
    # Django's runner reports on stderr: "Ran 3 tests in 0.9s" and "OK".
    ran = re.search(r"^Ran (\d+) tests? in ", result.stderr, re.M)
    assert ran and int(ran.group(1)) > 0, result.stderr
    assert re.search(r"^OK\b", result.stderr, re.M), result.stderr
    # The worker tests really went through a worker: none was skipped.
    assert "skipped" not in result.stderr
    assert "test_add (demoapp.tests.WorkerTests" in result.stderr


def test_example_tests_leave_no_message_behind(example):
    manage(example, "test", timeout=300)
    left = list((example / ".broker" / "messages").glob("*.msg"))
    assert left == []
