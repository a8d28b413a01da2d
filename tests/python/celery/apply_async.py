"""Sends one task with Celery's own apply_async and prints the message it
put on the broker, as kombu's Redis transport stored it.

Reads a pickled (task_id, shop.models.Order) pair from stdin. Needs the
generated package `shop` and the example's shop/app.py and shop/tasks.py on
PYTHONPATH, and SHOP_BROKER_URL naming a Redis server with no worker.
"""
import pickle
import sys

import redis

from shop.app import BROKER_URL
from shop.tasks import invoice

task_id, order = pickle.load(sys.stdin.buffer)
invoice.apply_async((order,), task_id=task_id)
messages = redis.Redis.from_url(BROKER_URL).lrange("celery", 0, -1)
if len(messages) != 1:
    sys.exit(f"expected one message on the queue, found {len(messages)}")
sys.stdout.buffer.write(messages[0])
