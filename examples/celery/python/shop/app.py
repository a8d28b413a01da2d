"""The Celery application of the shop: broker, result backend, settings.

The broker and the result backend are the Redis server named by
``SHOP_BROKER_URL``. Task arguments and results are pickled, because the
producer sends real ``shop.models`` instances and reads real ones back.
Pickle runs code chosen by whoever wrote the message: accept it only from
producers you trust, on a broker nobody else can write to.
"""
import os
import traceback

from celery import Celery
from celery.signals import worker_ready
from celery.worker.consumer import Consumer

BROKER_URL = os.environ.get("SHOP_BROKER_URL", "redis://127.0.0.1:6379/0")

#: The Redis set each worker joins once it consumes tasks.
READY_KEY = "shop:workers:ready"


class ReportingConsumer(Consumer):
    """Records a task whose message cannot be unpickled as failed.

    The worker unpickles each message before handing it to the pool; a
    message naming a class that ``shop.models`` lacks fails there, and Celery
    only logs it and drops it, leaving the producer waiting forever. This
    stores the error as the task's result first, so the producer sees it.
    """

    def on_decode_error(self, message, exc):
        task_id = (message.headers or {}).get("id")
        if task_id:
            self.app.backend.mark_as_failure(
                task_id, exc, traceback="".join(traceback.format_exception(exc))
            )
        super().on_decode_error(message, exc)


app = Celery("shop", broker=BROKER_URL, backend=BROKER_URL, include=["shop.tasks"])
app.conf.update(
    task_serializer="pickle",
    accept_content=["pickle"],
    result_serializer="pickle",
    result_accept_content=["pickle"],
    # A task is acknowledged when it has finished, and a task whose pool
    # process dies is put back on the queue to run again.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_consumer="shop.app:ReportingConsumer",
    broker_connection_retry_on_startup=True,
)


@worker_ready.connect
def announce_ready(sender, **kwargs):
    app.backend.client.sadd(READY_KEY, sender.hostname)
