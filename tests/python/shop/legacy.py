"""Old names of classes, accepted when reading through `alias`."""
from dataclasses import dataclass
from typing import Optional


@dataclass
class Order:
    id: int
    customer: str
    price: float
    tags: list
    note: Optional[str]
    items: list
    status: object


class Customer:
    """An old customer: `email` instead of `emailAddress`, no `vip`."""

    def __init__(self, name, email):
        self.name = name
        self.email = email
