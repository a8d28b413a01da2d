"""Sends the same tasks as the Rust producer, with Celery's own apply_async.

Usage: produce.py TASKS_PICKLE

TASKS_PICKLE holds a list of (task_id, shop.models.Order) pairs, written by
the Rust side. Prints, as JSON, when the first task was sent and when the
last one was, in seconds since the epoch.
"""
import json
import pickle
import sys
import time

from shop.tasks import invoice

with open(sys.argv[1], "rb") as f:
    tasks = pickle.load(f)

start = time.time()
for task_id, order in tasks:
    invoice.apply_async((order,), task_id=task_id)
end = time.time()
print(json.dumps({"start": start, "end": end, "count": len(tasks)}))
