//! One batch of orders through the pool: sent by Rust or by Celery's own
//! `apply_async`, waited for, and every invoice checked against Rust's.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::cluster::Cluster;
use crate::message::{Producer, TaskMessage};
use crate::models::{Invoice, Order};
use crate::result::{self, Outcome, TaskMeta};

/// The task's name, as `shop/tasks.py` registers it.
pub const TASK: &str = "shop.tasks.invoice";

/// How many messages go into one `LPUSH`.
const SEND_BATCH: usize = 500;

/// How long to wait for the next task to finish before giving up.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// The message that asks the pool to invoice `order`.
pub fn invoice_message(id: String, order: &Order) -> pickle_core::Result<TaskMessage> {
    let args_repr = format!("(<shop.models.Order id={}>,)", order.id);
    TaskMessage::new(TASK, id, &(order,), args_repr)
}

/// How long a batch took, from its first task sent.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub tasks: usize,
    /// Until the last task was on the queue.
    pub enqueued: Duration,
    /// Until the last result was in the backend.
    pub completed: Duration,
}

impl Timing {
    /// Tasks per second put on the queue.
    pub fn enqueue_rate(&self) -> f64 {
        self.tasks as f64 / self.enqueued.as_secs_f64()
    }

    /// Tasks per second through the whole pipeline.
    pub fn completion_rate(&self) -> f64 {
        self.tasks as f64 / self.completed.as_secs_f64()
    }
}

/// Sends one task per order from Rust, in `LPUSH`es of [`SEND_BATCH`],
/// timing the encoding and the sending.
pub fn send_from_rust(
    producer: &mut Producer,
    tasks: &[(String, Order)],
) -> io::Result<(Instant, Duration)> {
    let start = Instant::now();
    for chunk in tasks.chunks(SEND_BATCH) {
        let messages = chunk
            .iter()
            .map(|(id, order)| invoice_message(id.clone(), order))
            .collect::<pickle_core::Result<Vec<_>>>()
            .map_err(io::Error::other)?;
        producer.send(&messages).map_err(io::Error::other)?;
    }
    Ok((start, start.elapsed()))
}

/// Runs the Python producer (`produce.py`, Celery's `apply_async`) on the
/// same tasks and returns how long it took to send them and when it began.
pub fn send_from_python(
    cluster: &Cluster,
    scratch: &Path,
    tasks: &[(String, Order)],
) -> io::Result<(SystemTime, Duration)> {
    let input = scratch.join("tasks.pickle");
    std::fs::write(
        &input,
        pickle_core::to_vec(&tasks).map_err(io::Error::other)?,
    )?;
    let script = crate::cluster::python_sources().join("produce.py");
    let out = cluster.python().arg(script).arg(&input).output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "produce.py failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(io::Error::other)?;
    let seconds = |key: &str| {
        report[key]
            .as_f64()
            .ok_or_else(|| io::Error::other(format!("produce.py printed no `{key}`")))
    };
    let (start, end) = (seconds("start")?, seconds("end")?);
    Ok((
        UNIX_EPOCH + Duration::from_secs_f64(start),
        Duration::from_secs_f64(end - start),
    ))
}

/// Waits for the invoices of `tasks` and checks each against
/// [`Invoice::for_order`]: the same values and the same decimal exponents.
pub fn collect_invoices(
    conn: &mut redis::Connection,
    tasks: &[(String, Order)],
) -> io::Result<HashMap<String, TaskMeta<Invoice>>> {
    let ids: Vec<String> = tasks.iter().map(|(id, _)| id.clone()).collect();
    let results = result::wait_for::<Invoice>(conn, &ids, PATIENCE).map_err(io::Error::other)?;
    for (id, order) in tasks {
        let meta = results
            .get(id)
            .ok_or_else(|| io::Error::other(format!("no result for task `{id}`")))?;
        match &meta.outcome {
            Outcome::Success(invoice) => {
                let expected = Invoice::for_order(order);
                // Debug shows each Decimal with its exponent ("9.90", not "9.9").
                if format!("{invoice:?}") != format!("{expected:?}") {
                    return Err(io::Error::other(format!(
                        "task `{id}`: Python computed {invoice:?}, Rust {expected:?}"
                    )));
                }
            }
            Outcome::Failure(error) => {
                return Err(io::Error::other(format!(
                    "task `{id}` failed in Python: {error}\n{}",
                    meta.traceback.as_deref().unwrap_or("")
                )))
            }
            Outcome::Unfinished => {
                return Err(io::Error::other(format!("task `{id}` has not finished")))
            }
        }
    }
    Ok(results)
}

/// How many times each task of `ids` started, from the ledger the task
/// keeps (`shop:runs`); 0 for a task that never started.
pub fn runs(conn: &mut redis::Connection, ids: &[String]) -> io::Result<Vec<u64>> {
    let mut counts = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let got: Vec<Option<u64>> = redis::cmd("HMGET")
            .arg("shop:runs")
            .arg(chunk)
            .query(conn)
            .map_err(io::Error::other)?;
        counts.extend(got.into_iter().map(|n| n.unwrap_or(0)));
    }
    Ok(counts)
}

/// The time from `start` (such as Python's clock reading) until now.
pub fn since(start: SystemTime) -> Duration {
    SystemTime::now().duration_since(start).unwrap_or_default()
}
