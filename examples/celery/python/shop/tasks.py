"""The shop's task: turn an Order into an Invoice.

``shop.models`` is generated from the Rust types; the producer's
``Invoice::for_order`` computes the same invoice in Rust.
"""
from datetime import timedelta
from decimal import Decimal

from shop.app import app
from shop.models import Invoice, InvoiceLine, Item, Order

TAX_RATE = Decimal("0.075")
CENT = Decimal("0.01")
PAYMENT_DAYS = 30

#: Redis hash of task id -> how many times the task started.
RUNS_KEY = "shop:runs"
#: Redis set of the ids of tasks whose message was delivered again.
REDELIVERED_KEY = "shop:redelivered"


@app.task(bind=True, name="shop.tasks.invoice")
def invoice(self, order):
    if not isinstance(order, Order):
        raise TypeError(f"expected a shop.models.Order, got {type(order).__qualname__}")
    for item in order.items:
        if not isinstance(item, Item):
            raise TypeError(f"expected a shop.models.Item, got {type(item).__qualname__}")
    record_run(self.request)
    lines = [
        InvoiceLine(sku=item.sku, qty=item.qty, amount=item.unit_price * item.qty)
        for item in order.items
    ]
    subtotal = Decimal(0)
    for line in lines:
        subtotal += line.amount
    tax = (subtotal * TAX_RATE).quantize(CENT)
    return Invoice(
        order_id=order.id,
        customer=order.customer,
        lines=lines,
        subtotal=subtotal,
        tax=tax,
        total=subtotal + tax,
        due=order.placed_at + timedelta(days=PAYMENT_DAYS),
    )


def record_run(request):
    """Counts the task's runs, so that nothing running twice goes unseen."""
    pipe = app.backend.client.pipeline(transaction=False)
    pipe.hincrby(RUNS_KEY, request.id, 1)
    if (request.delivery_info or {}).get("redelivered"):
        pipe.sadd(REDELIVERED_KEY, request.id)
    pipe.execute()
