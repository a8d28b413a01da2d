"""The record type of the benchmark, as a Python dataclass."""
from __future__ import annotations

import dataclasses
from typing import List, Optional


@dataclasses.dataclass
class Order:
    id: int
    customer: str
    price: float
    tags: List[str]
    note: Optional[str]
