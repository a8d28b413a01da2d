"""The classes `examples/producer.rs` writes instances of."""
import enum
from dataclasses import dataclass
from typing import Optional


class Status(enum.Enum):
    NEW = 1
    PAID = 2
    SHIPPED = 3


@dataclass
class Item:
    sku: str
    qty: int
    price: float


@dataclass
class Order:
    id: int
    customer: str
    price: float
    tags: list
    note: Optional[str]
    items: list
    status: Status
