//! Rust feeds a pool of Celery workers with real `shop.models.Order`
//! instances over Redis and reads their `Invoice`s back, typed.
//!
//! `cargo run --release --example celery --features celery [-- TASKS]`
//! (`redis-server`, and `celery` and `redis` for `python3`, must be
//! installed: see `docs/celery.md`). It starts a Redis server on a free
//! loopback port and two Celery workers (prefork, two pool processes each),
//! then:
//!
//! 1. sends TASKS tasks (10,000 by default) from Rust, each a Celery
//!    protocol 2 message whose pickled body holds an `Order`;
//! 2. reads every result from the Redis result backend as an `Invoice` and
//!    checks it against what Rust computes for the same order;
//! 3. sends the same orders again with Celery's own `apply_async` from
//!    Python, to compare the two producers;
//! 4. sends an order of a class the workers do not have, and shows how the
//!    failure comes back;
//!
//! and stops the workers and Redis.

mod batch;
mod cluster;
mod message;
mod models;
mod result;

use std::io;
use std::path::Path;
use std::process::ExitCode;

use batch::Timing;
use cluster::Cluster;
use message::{Producer, TaskIds, TaskMessage};
use models::{GiftCard, Invoice, Order};
use result::Outcome;

fn main() -> ExitCode {
    let tasks = match std::env::args().nth(1).map(|n| n.parse::<usize>()) {
        None => 10_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: celery [TASKS]  (a positive number of tasks; 10000 by default)");
            return ExitCode::FAILURE;
        }
    };
    let missing = cluster::missing_prerequisites();
    if !missing.is_empty() {
        eprintln!("cannot run the pipeline: missing {}", missing.join(", "));
        return ExitCode::FAILURE;
    }
    let scratch = std::env::temp_dir().join(format!("pickle-rs-celery-{}", std::process::id()));
    let outcome = std::fs::create_dir_all(&scratch).and_then(|()| run(&scratch, tasks));
    let _ = std::fs::remove_dir_all(&scratch);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(scratch: &Path, count: usize) -> io::Result<()> {
    let mut cluster = Cluster::start(scratch, 2, 2)?;
    let pools: Vec<usize> = cluster
        .worker_pids()
        .iter()
        .map(|&pid| cluster.pool_processes(pid).len())
        .collect();
    println!(
        "redis-server at {}, Celery workers with {pools:?} pool processes",
        cluster.url()
    );
    let mut conn = cluster.connect()?;
    let mut ids = TaskIds::new();
    let orders = models::sample_orders(1, count);

    let rust_tasks: Vec<(String, Order)> =
        orders.iter().map(|o| (ids.next_id(), o.clone())).collect();
    let rust = run_rust(&cluster, &mut conn, &rust_tasks)?;
    let python_tasks: Vec<(String, Order)> =
        orders.iter().map(|o| (ids.next_id(), o.clone())).collect();
    let python = run_python(&cluster, &mut conn, scratch, &python_tasks)?;
    print_table(&rust, &python);

    show_failure(&cluster, &mut conn, ids.next_id())?;
    // The failure was the task's, not the workers'.
    cluster.check_running()
}

/// Sends the tasks from Rust and checks every invoice.
fn run_rust(
    cluster: &Cluster,
    conn: &mut redis::Connection,
    tasks: &[(String, Order)],
) -> io::Result<Timing> {
    let mut producer = Producer::new(cluster.connect()?, "celery");
    let (start, enqueued) = batch::send_from_rust(&mut producer, tasks)?;
    batch::collect_invoices(conn, tasks).map_err(|e| with_logs(cluster, e))?;
    let completed = start.elapsed();
    check_ran_once(conn, tasks)?;
    println!(
        "Rust: {} invoices read back, each equal to Invoice::for_order",
        tasks.len()
    );
    Ok(Timing {
        tasks: tasks.len(),
        enqueued,
        completed,
    })
}

/// Sends the same tasks with Celery's `apply_async` and checks every invoice.
fn run_python(
    cluster: &Cluster,
    conn: &mut redis::Connection,
    scratch: &Path,
    tasks: &[(String, Order)],
) -> io::Result<Timing> {
    let (start, enqueued) = batch::send_from_python(cluster, scratch, tasks)?;
    batch::collect_invoices(conn, tasks).map_err(|e| with_logs(cluster, e))?;
    let completed = batch::since(start);
    check_ran_once(conn, tasks)?;
    println!(
        "Python: {} invoices read back, each equal to Invoice::for_order",
        tasks.len()
    );
    Ok(Timing {
        tasks: tasks.len(),
        enqueued,
        completed,
    })
}

/// Every task started exactly once: nothing lost, nothing run twice.
fn check_ran_once(conn: &mut redis::Connection, tasks: &[(String, Order)]) -> io::Result<()> {
    let ids: Vec<String> = tasks.iter().map(|(id, _)| id.clone()).collect();
    let runs = batch::runs(conn, &ids)?;
    match ids.iter().zip(&runs).find(|(_, &n)| n != 1) {
        None => Ok(()),
        Some((id, n)) => Err(io::Error::other(format!("task `{id}` started {n} times"))),
    }
}

fn with_logs(cluster: &Cluster, e: io::Error) -> io::Error {
    io::Error::other(format!("{e}\n{}", cluster.worker_logs()))
}

fn print_table(rust: &Timing, python: &Timing) {
    println!();
    println!("| producer | tasks | enqueued in | enqueued/s | completed in | completed/s |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, t) in [
        ("Rust (pickle-core, LPUSH of 500)", rust),
        ("Python (Celery apply_async)", python),
    ] {
        println!(
            "| {name} | {} | {:.3} s | {:.0} | {:.3} s | {:.0} |",
            t.tasks,
            t.enqueued.as_secs_f64(),
            t.enqueue_rate(),
            t.completed.as_secs_f64(),
            t.completion_rate()
        );
    }
    println!();
}

/// Sends a task whose argument is a `shop.models.GiftCard`, a class the
/// workers do not have, and prints how its failure reads in Rust.
fn show_failure(cluster: &Cluster, conn: &mut redis::Connection, id: String) -> io::Result<()> {
    let card = GiftCard {
        code: "XMAS-24".into(),
        amount: rust_decimal::Decimal::new(2500, 2),
    };
    let message = TaskMessage::new(
        batch::TASK,
        id.clone(),
        &(card,),
        "(<shop.models.GiftCard>,)".into(),
    )
    .map_err(io::Error::other)?;
    Producer::new(cluster.connect()?, "celery")
        .send(&[message])
        .map_err(io::Error::other)?;
    let results = result::wait_for::<Invoice>(conn, std::slice::from_ref(&id), batch::PATIENCE)
        .map_err(io::Error::other)?;
    let meta = results
        .get(&id)
        .ok_or_else(|| io::Error::other("no result for the GiftCard task"))?;
    match &meta.outcome {
        Outcome::Failure(error) => {
            println!(
                "task `{}` ({}, {}): {error}",
                meta.task_id,
                meta.status,
                meta.date_done.as_deref().unwrap_or("?")
            );
            Ok(())
        }
        other => Err(io::Error::other(format!(
            "the GiftCard task did not fail: {other:?}"
        ))),
    }
}
