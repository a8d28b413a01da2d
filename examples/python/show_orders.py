"""Loads the pickle named on the command line and prints its orders,
checking that they are real instances of shop.models classes."""
import pickle
import sys

from shop.models import Item, Order, Status

with open(sys.argv[1], "rb") as f:
    orders = pickle.load(f)

for order in orders:
    assert type(order) is Order, type(order)
    assert all(type(item) is Item for item in order.items)
    assert isinstance(order.status, Status)
    print(order)
print(f"{len(orders)} orders loaded as shop.models.Order instances")
