"""Decodes a task body as a Celery worker does (kombu's loads, pickle
accepted) and prints the error it raises: its class, then its message.

Reads the body from stdin; needs the package `shop` on PYTHONPATH.
"""
import sys

from kombu.serialization import loads

body = sys.stdin.buffer.read()
try:
    loads(body, "application/x-python-serialize", "binary", accept={"application/x-python-serialize"})
except Exception as exc:
    print(f"{type(exc).__module__}.{type(exc).__qualname__}")
    print(exc)
else:
    sys.exit("the body decoded without error")
