//! Timing and the table: every measurement is `BENCH_REPEAT` runs in this
//! process, reported as the best run with the median and worst beside it.

use std::time::Instant;

/// How many times each measurement runs (`BENCH_REPEAT`, default 5).
pub fn repeat() -> usize {
    std::env::var("BENCH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
}

/// The runs of one measurement, in seconds.
#[derive(Clone, Debug)]
pub struct Timing {
    pub best: f64,
    pub median: f64,
    pub worst: f64,
}

impl Timing {
    pub fn of(mut runs: Vec<f64>) -> Timing {
        runs.sort_by(f64::total_cmp);
        Timing {
            best: runs[0],
            median: runs[runs.len() / 2],
            worst: runs[runs.len() - 1],
        }
    }
}

/// Runs `f` [`repeat`] times; its result is dropped inside the timing, as
/// `pickle.loads`'s is in CPython's.
pub fn time<T>(mut f: impl FnMut() -> T) -> Timing {
    let runs = (0..repeat())
        .map(|_| {
            let start = Instant::now();
            drop(std::hint::black_box(f()));
            start.elapsed().as_secs_f64()
        })
        .collect();
    Timing::of(runs)
}

/// The libraries compared with pickle-core, in the table's order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    SerdePickle,
    DeserPickle,
    CPython,
}

const PEERS: [(Peer, &str); 3] = [
    (Peer::SerdePickle, "serde-pickle"),
    (Peer::DeserPickle, "deser-pickle"),
    (Peer::CPython, "CPython"),
];

/// One line of the table: one workload in one direction.
pub struct Row {
    pub workload: &'static str,
    pub direction: &'static str,
    pub ours: Timing,
    peers: Vec<(Peer, Timing)>,
}

impl Row {
    pub fn new(workload: &'static str, direction: &'static str, ours: Timing) -> Row {
        Row {
            workload,
            direction,
            ours,
            peers: Vec::new(),
        }
    }

    pub fn peer(mut self, peer: Peer, timing: Timing) -> Row {
        self.peers.push((peer, timing));
        self
    }

    pub fn of(&self, peer: Peer) -> Option<&Timing> {
        self.peers.iter().find(|(p, _)| *p == peer).map(|(_, t)| t)
    }

    /// The fastest peer's best time over ours: the row's ratio.
    pub fn lead(&self) -> f64 {
        let fastest = self
            .peers
            .iter()
            .map(|(_, t)| t.best)
            .fold(f64::INFINITY, f64::min);
        fastest / self.ours.best
    }
}

/// The goal: at least this many times as fast as the fastest peer.
pub const GOAL: f64 = 1.2;

pub fn print_table(rows: &[Row]) {
    let ms = |t: f64| {
        if t < 0.01 {
            format!("{:.2}", t * 1e3)
        } else {
            format!("{:.1}", t * 1e3)
        }
    };
    let names: Vec<&str> = PEERS.iter().map(|(_, n)| *n).collect();
    println!(
        "| workload | direction | pickle-core (median, worst) | {} | vs fastest | goal |",
        names.join(" | ")
    );
    println!("|---|---|---:|{}---:|:-:|", "---:|".repeat(PEERS.len()));
    for r in rows {
        let peers: Vec<String> = PEERS
            .iter()
            .map(|(peer, _)| match r.of(*peer) {
                Some(t) => format!("{} ({:.2}x)", ms(t.best), t.best / r.ours.best),
                None => "-".into(),
            })
            .collect();
        let lead = r.lead();
        println!(
            "| {} | {} | {} ({}, {}) | {} | {:.2}x | {} |",
            r.workload,
            r.direction,
            ms(r.ours.best),
            ms(r.ours.median),
            ms(r.ours.worst),
            peers.join(" | "),
            lead,
            if lead >= GOAL { "met" } else { "not met" },
        );
    }
    println!("\n(ms, best of {} runs; ratio = peer / ours)", repeat());
}
