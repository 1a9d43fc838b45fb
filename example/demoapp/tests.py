"""Tests of demoapp's tasks. Run them with: python manage.py test"""
# [start-function-test]
from django.test import SimpleTestCase

from demoapp.tasks import add


class AddTests(SimpleTestCase):
    def test_add(self):
        # Calling a task like a function runs it here and now: no worker, no broker.
        self.assertEqual(add(2, 3), 5)
# [end-function-test]


# [start-worker-test]
from celery.contrib.testing.worker import start_worker
from django.test import TransactionTestCase
from django_celery_results.models import TaskResult
from kombu.exceptions import EncodeError

from demoapp.tasks import xsum
from proj.celery import app


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
        result = add.delay(2, 3)
        self.assertEqual(result.get(timeout=10), 5)
        # The worker stored the result in the test database.
        self.assertEqual(TaskResult.objects.get(task_id=result.id).status, "SUCCESS")

    def test_arguments_must_be_json(self):
        # Fine with apply(), which runs it here as it is; refused when sent:
        # a set is not JSON.
        self.assertEqual(xsum.apply(args=({1, 2, 3},)).get(), 6)
        with self.assertRaises(EncodeError):
            xsum.delay({1, 2, 3})
# [end-worker-test]


# [start-view-test]
from unittest import mock

from django.test import TestCase
from django.urls import reverse


class NewWidgetViewTests(TestCase):
    """The view alone: its task is replaced by a mock, so nothing is sent."""

    def test_sends_announce_widget_on_commit(self):
        with mock.patch("demoapp.views.announce_widget.delay_on_commit") as send:
            response = self.client.post(reverse("new-widget"), {"name": "gear"})
        self.assertEqual(response.status_code, 201)
        send.assert_called_once_with(response.json()["id"])
# [end-view-test]
