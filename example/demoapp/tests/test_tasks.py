"""Tests of demoapp's tasks. Run them with: python manage.py test"""
from celery.contrib.testing.worker import start_worker
from django.test import SimpleTestCase, TransactionTestCase
from kombu.exceptions import EncodeError

from demoapp.models import Widget
from demoapp.tasks import add, rename_widget, xsum
from proj.celery import app


# [start-function-test]
class AddTests(SimpleTestCase):
    def test_add(self):
        # Calling a task like a function runs it here and now: no worker, no broker.
        self.assertEqual(add(2, 3), 5)
# [end-function-test]


# [start-worker-test]
class WorkerTests(TransactionTestCase):
    """Tasks sent through the broker to a real worker, as in production.

    TransactionTestCase, not TestCase: the worker has its own database
    connection, and sees only what the test has committed.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A worker in a thread of this process, consuming from the project's
        # broker and storing results in the test database; stopped after the class.
        cls.enterClassContext(start_worker(app, perform_ping_check=False))

    def test_add(self):
        self.assertEqual(add.delay(2, 3).get(timeout=10), 5)

    def test_rename_widget(self):
        widget = Widget.objects.create(name="old")
        rename_widget.delay(widget.id, "new").get(timeout=10)
        widget.refresh_from_db()
        self.assertEqual(widget.name, "new")

    def test_arguments_must_be_json(self):
        # Fine with apply(), which runs it here as it is; refused when sent:
        # a set is not JSON.
        self.assertEqual(xsum.apply(args=({1, 2, 3},)).get(), 6)
        with self.assertRaises(EncodeError):
            xsum.delay({1, 2, 3})
# [end-worker-test]
