//! The classes of `shop.models` that travel through Celery, and the one
//! rule the Python task applies to them, written again in Rust so that
//! every result can be checked.
//!
//! The Python module is generated from these types (`pickle_core::stubs`):
//! the Rust side is the one source of truth for the classes.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use pickle_core::{FromPickle, ToPickle};
use rust_decimal::{Decimal, RoundingStrategy};

/// `@dataclass class Item`: one line of an order.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct Item {
    pub sku: String,
    pub qty: u32,
    pub unit_price: Decimal,
}

/// `@dataclass class Order`: what the producer hands to the task.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct Order {
    pub id: i64,
    pub customer: String,
    pub placed_at: DateTime<Utc>,
    pub items: Vec<Item>,
    pub note: Option<String>,
}

/// `@dataclass class InvoiceLine`: an item priced.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct InvoiceLine {
    pub sku: String,
    pub qty: u32,
    pub amount: Decimal,
}

/// `@dataclass class Invoice`: what the task returns.
#[derive(ToPickle, FromPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct Invoice {
    pub order_id: i64,
    pub customer: String,
    pub lines: Vec<InvoiceLine>,
    pub subtotal: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub due: DateTime<Utc>,
}

/// `shop.models.GiftCard`: left out of the generated package on purpose,
/// as a class a newer producer might send to older workers. A task sent
/// with one fails in the worker, which reports it in the result backend.
#[derive(ToPickle, Debug, Clone, PartialEq)]
#[pickle(module = "shop.models")]
pub struct GiftCard {
    pub code: String,
    pub amount: Decimal,
}

/// The sales tax rate the task applies, `Decimal("0.075")` in
/// `shop/tasks.py`. With prices in cents, one subtotal in forty makes the
/// tax end in exactly half a cent, where the rounding rule shows.
pub fn tax_rate() -> Decimal {
    Decimal::new(75, 3)
}

/// Days from an order to its invoice's due date.
pub const PAYMENT_DAYS: i64 = 30;

impl Invoice {
    /// What `shop.tasks.invoice` computes for `order`, with Python's
    /// `decimal` rules: products and sums keep their exponents, the tax is
    /// rounded to cents half to even (`quantize(Decimal("0.01"))`).
    pub fn for_order(order: &Order) -> Invoice {
        let lines: Vec<InvoiceLine> = order
            .items
            .iter()
            .map(|item| InvoiceLine {
                sku: item.sku.clone(),
                qty: item.qty,
                amount: item.unit_price * Decimal::from(item.qty),
            })
            .collect();
        let subtotal = lines
            .iter()
            .fold(Decimal::ZERO, |sum, line| sum + line.amount);
        let tax = (subtotal * tax_rate())
            .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
        Invoice {
            order_id: order.id,
            customer: order.customer.clone(),
            lines,
            subtotal,
            tax,
            total: subtotal + tax,
            due: order.placed_at + TimeDelta::days(PAYMENT_DAYS),
        }
    }
}

/// The package of these classes: `shop/__init__.py`, `shop/models.py`.
pub fn stubs() -> pickle_core::stubs::Stubs {
    let mut stubs = pickle_core::stubs::Stubs::new();
    stubs.add::<Order>();
    stubs.add::<Invoice>();
    stubs
}

const CUSTOMERS: [&str; 6] = ["Ada", "Grace", "Linus", "Margaret", "Édouard", "Ken"];
const SKUS: [&str; 5] = ["tea-01", "mug-07", "pen-42", "cup-03", "pot-11"];

/// `count` orders with ids from `first_id`, varied but the same on every
/// run: one to four items each, prices in cents, times a minute apart.
pub fn sample_orders(first_id: i64, count: usize) -> Vec<Order> {
    let start = Utc
        .with_ymd_and_hms(2024, 3, 1, 9, 30, 0)
        .single()
        .expect("a valid date");
    let mut state = 0x2545_f491_4f6c_dd1d_u64 ^ first_id as u64;
    let mut next = move || {
        // xorshift64: varied data without a random-number crate.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|i| {
            let id = first_id + i as i64;
            let items = (0..1 + next() % 4)
                .map(|_| Item {
                    sku: SKUS[(next() % SKUS.len() as u64) as usize].to_owned(),
                    qty: 1 + (next() % 5) as u32,
                    unit_price: Decimal::new(99 + (next() % 9_900) as i64, 2),
                })
                .collect();
            Order {
                id,
                customer: CUSTOMERS[(next() % CUSTOMERS.len() as u64) as usize].to_owned(),
                placed_at: start + TimeDelta::minutes(id),
                items,
                note: (next() % 3 == 0).then(|| format!("deliver order {id} to the back door")),
            }
        })
        .collect()
}
