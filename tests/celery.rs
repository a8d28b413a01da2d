//! Rust producers, Python workers: the `celery` example's modules against a
//! real `redis-server` and real Celery workers (prefork) on loopback.
//!
//! Needs `redis-server` and, for `python3`, the packages `celery` and
//! `redis`; `.ci/run` installs them. Where they are missing the tests say so
//! loudly and pass, except in CI (`CI` set), where they fail.

mod common;

#[path = "../examples/celery/batch.rs"]
#[allow(dead_code)]
mod batch;
#[path = "../examples/celery/cluster.rs"]
#[allow(dead_code)]
mod cluster;
#[path = "../examples/celery/message.rs"]
#[allow(dead_code)]
mod message;
#[path = "../examples/celery/models.rs"]
#[allow(dead_code)]
mod models;
#[path = "../examples/celery/result.rs"]
#[allow(dead_code)]
mod result;

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use cluster::Cluster;
use message::{Producer, TaskIds};
use models::{GiftCard, Invoice, Order};
use result::Outcome;
use serde_json::Value as Json;

/// One cluster at a time: the machine has two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A cluster for one test, stopped before the next test may start one.
struct Run {
    cluster: Cluster,
    _turn: MutexGuard<'static, ()>,
}

/// Starts Redis and `workers` workers of two pool processes each, or says
/// loudly why the test cannot run (and fails under CI).
fn start(test: &str, workers: usize) -> Option<Run> {
    let missing = cluster::missing_prerequisites();
    if !missing.is_empty() {
        let message = format!("missing {}", missing.join(", "));
        assert!(
            std::env::var_os("CI").is_none(),
            "{message}: .ci/run installs them"
        );
        eprintln!("\n!!!!! SKIPPED `{test}`: {message} !!!!!\n");
        return None;
    }
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let dir = common::scratch_dir(&format!("celery-{test}"));
    let cluster = Cluster::start(&dir, workers, 2).expect("Redis and the workers start");
    Some(Run {
        cluster,
        _turn: turn,
    })
}

fn tasks(ids: &mut TaskIds, orders: Vec<Order>) -> Vec<(String, Order)> {
    orders.into_iter().map(|o| (ids.next_id(), o)).collect()
}

/// The message Rust writes is the one Celery's `apply_async` writes for the
/// same task: the same headers and properties, and the same pickle bytes.
#[test]
fn rust_message_is_what_apply_async_sends() {
    let Some(run) = start("envelope", 0) else {
        return;
    };
    let (id, order) = tasks(&mut TaskIds::new(), models::sample_orders(41, 1)).remove(0);
    let script = common::python_dir().join("celery/apply_async.py");
    let input = pickle_core::to_vec(&(&id, &order)).unwrap();
    let python = common::output_of(run.cluster.python().arg(script), &input);
    let python: Json = serde_json::from_slice(&python).unwrap();
    let message = batch::invoice_message(id, &order).unwrap();
    let rust: Json = serde_json::from_str(&message.envelope("celery", "rust@test")).unwrap();

    let body = |m: &Json| {
        base64::engine::general_purpose::STANDARD
            .decode(m["body"].as_str().expect("a base64 body"))
            .expect("valid base64")
    };
    let (python_body, rust_body) = (body(&python), body(&rust));
    assert_eq!(
        rust_body,
        python_body,
        "Rust's body:\n{}\napply_async's:\n{}",
        pickle_core::dis(&rust_body).unwrap(),
        pickle_core::dis(&python_body).unwrap()
    );
    assert_eq!(rust_body, message.body);
    assert_same_fields(&rust, &python, &["body", "headers", "properties"]);
    // Only what names the producer may differ.
    assert_same_fields(
        &rust["headers"],
        &python["headers"],
        &["origin", "argsrepr"],
    );
    assert_same_fields(
        &rust["properties"],
        &python["properties"],
        &["reply_to", "delivery_tag"],
    );
    assert!(rust["properties"]["delivery_tag"].is_string());
}

/// Asserts that two JSON objects have the same keys and the same values
/// except under the keys `differ`.
fn assert_same_fields(rust: &Json, python: &Json, differ: &[&str]) {
    let (rust, python) = (rust.as_object().unwrap(), python.as_object().unwrap());
    let keys = |o: &serde_json::Map<String, Json>| o.keys().cloned().collect::<HashSet<_>>();
    assert_eq!(keys(rust), keys(python), "the same fields");
    for (key, value) in python {
        if !differ.contains(&key.as_str()) {
            assert_eq!(&rust[key], value, "field `{key}`");
        }
    }
}

/// 10,000 tasks through two workers while pool processes are killed: every
/// task completes once in effect, with the invoice Rust computes.
#[test]
fn ten_thousand_tasks_survive_a_killed_pool_process() {
    const TASKS: usize = 10_000;
    let Some(mut run) = start("faults", 2) else {
        return;
    };
    let mut conn = run.cluster.connect().unwrap();
    let tasks = tasks(&mut TaskIds::new(), models::sample_orders(1, TASKS));
    let mut producer = Producer::new(run.cluster.connect().unwrap(), "celery");
    batch::send_from_rust(&mut producer, &tasks).unwrap();

    let (kills, cut_off) = kill_a_busy_pool_process(&mut run.cluster, &mut conn, TASKS);

    let results = batch::collect_invoices(&mut conn, &tasks)
        .unwrap_or_else(|e| panic!("{e}\n{}", run.cluster.worker_logs()));
    assert_eq!(results.len(), TASKS, "a result for every task");
    let ids: Vec<String> = tasks.iter().map(|(id, _)| id.clone()).collect();
    let redelivered: HashSet<String> = redis::cmd("SMEMBERS")
        .arg("shop:redelivered")
        .query(&mut conn)
        .unwrap();
    assert!(
        redelivered.contains(&cut_off),
        "task `{cut_off}`, cut off by the kill, was delivered again"
    );
    let runs = batch::runs(&mut conn, &ids).unwrap();
    let mut ran_twice = 0;
    for (id, &n) in ids.iter().zip(&runs) {
        if redelivered.contains(id) {
            // Started at most once per delivery; perhaps not at all before a kill.
            assert!(
                (1..=1 + kills as u64).contains(&n),
                "task `{id}` started {n} times"
            );
            ran_twice += usize::from(n > 1);
        } else {
            assert_eq!(n, 1, "task `{id}`, delivered once, started {n} times");
        }
    }
    assert!(redelivered.iter().all(|id| ids.contains(id)));
    run.cluster.check_running().expect("both workers still run");
    println!(
        "{TASKS} tasks, {kills} pool processes killed with SIGKILL; tasks redelivered: {} \
         (started twice: {ran_twice}); every invoice equal to Rust's",
        redelivered.len()
    );
}

/// Kills pool processes with `SIGKILL`, one at a time in the middle of the
/// run, until one dies in the middle of a task; returns how many were
/// killed and the id of that task.
///
/// All tasks are on the queue before the first kill, so a message pushed
/// back onto the queue's head afterwards is a task the worker requeued
/// because its pool process died running it. A task takes a millisecond or
/// so, and a kill often finds its process between tasks: kills come every
/// half second while tasks are left, and the worker's notice of a death
/// that did cut a task off (a second or so) is awaited after each.
fn kill_a_busy_pool_process(
    cluster: &mut Cluster,
    conn: &mut redis::Connection,
    tasks: usize,
) -> (usize, String) {
    wait_until_started(conn, 1_000);
    let mut kills = 0;
    while started(conn) < tasks {
        let worker = cluster.worker_pids()[kills % 2];
        let pool = wait_for_pool(cluster, worker);
        cluster::signal("KILL", &pool.to_string());
        kills += 1;
        let deadline = Instant::now() + Duration::from_millis(500);
        while Instant::now() < deadline {
            if let Some(task) = requeued_task(conn) {
                return (kills, task);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    // The last kills' notices may come after every task has started.
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Some(task) = requeued_task(conn) {
            return (kills, task);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{kills} pool processes killed, none in the middle of a task");
}

/// A pool process of the worker `pid`, once the pool has one.
fn wait_for_pool(cluster: &Cluster, worker: u32) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(&pid) = cluster.pool_processes(worker).first() {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "worker {worker} has no pool process"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The id of a task requeued after its delivery, from the head of the
/// queue (where kombu pushes it back) or from the tasks' own ledger of
/// redeliveries (if it has run again already).
fn requeued_task(conn: &mut redis::Connection) -> Option<String> {
    let head: Vec<String> = redis::cmd("LRANGE")
        .arg("celery")
        .arg(0)
        .arg(9)
        .query(conn)
        .unwrap();
    let from_queue = head.iter().find_map(|raw| {
        let message: Json = serde_json::from_str(raw).unwrap();
        let again = message["properties"]["delivery_info"]["redelivered"] == Json::Bool(true);
        again.then(|| message["headers"]["id"].as_str().unwrap().to_owned())
    });
    from_queue.or_else(|| {
        redis::cmd("SRANDMEMBER")
            .arg("shop:redelivered")
            .query(conn)
            .unwrap()
    })
}

/// How many tasks have started, each counted once.
fn started(conn: &mut redis::Connection) -> usize {
    redis::cmd("HLEN").arg("shop:runs").query(conn).unwrap()
}

fn wait_until_started(conn: &mut redis::Connection, count: usize) {
    let deadline = Instant::now() + batch::PATIENCE;
    loop {
        let started = started(conn);
        if started >= count {
            return;
        }
        assert!(Instant::now() < deadline, "only {started} tasks started");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A task whose pickle names a class the workers lack fails with the error
/// Python's unpickler gives, stored in the result backend; the workers go on.
#[test]
fn unknown_class_fails_its_task_and_the_workers_go_on() {
    let Some(mut run) = start("unknown-class", 2) else {
        return;
    };
    let mut conn = run.cluster.connect().unwrap();
    let mut ids = TaskIds::new();
    let card = GiftCard {
        code: "XMAS-24".into(),
        amount: rust_decimal::Decimal::new(2500, 2),
    };
    let bad_id = ids.next_id();
    let bad =
        message::TaskMessage::new(batch::TASK, bad_id.clone(), &(card,), "()".into()).unwrap();
    let workers = run.cluster.worker_pids();
    let mut producer = Producer::new(run.cluster.connect().unwrap(), "celery");
    producer.send(std::slice::from_ref(&bad)).unwrap();
    let good = tasks(&mut ids, models::sample_orders(500, 50));
    batch::send_from_rust(&mut producer, &good).unwrap();

    let failed = result::wait_for::<Invoice>(
        &mut conn,
        std::slice::from_ref(&bad_id),
        Duration::from_secs(60),
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", run.cluster.worker_logs()));
    let meta = &failed[&bad_id];
    assert_eq!(meta.status, "FAILURE");
    let Outcome::Failure(error) = &meta.outcome else {
        panic!("the task did not fail: {:?}", meta.outcome);
    };
    // What kombu's loads raises for this body in Python, as the worker ran it.
    let script = common::python_dir().join("celery/decode_error.py");
    let expected = String::from_utf8(common::output_of(
        run.cluster.python().arg(script),
        &bad.body,
    ))
    .unwrap();
    assert_eq!(format!("{}\n{}\n", error.class, error.message), expected);
    assert!(error.message.contains("GiftCard"), "{error}");
    let traceback = meta.traceback.as_deref().unwrap_or_default();
    assert!(
        traceback.contains(&error.class[error.class.rfind('.').unwrap() + 1..]),
        "{traceback}"
    );

    // The workers go on: the orders sent after it are all invoiced.
    batch::collect_invoices(&mut conn, &good)
        .unwrap_or_else(|e| panic!("{e}\n{}", run.cluster.worker_logs()));
    run.cluster.check_running().expect("both workers still run");
    assert_eq!(run.cluster.worker_pids(), workers);
    println!("the Rust side reports: {error}");
}
