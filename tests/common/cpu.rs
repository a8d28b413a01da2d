//! CPU time of the current thread, for the tests that check an input is
//! handled quickly (no hang, no quadratic blow-up).
//!
//! Wall-clock time depends on what else the machine runs: a decode that
//! takes 0.4 s of CPU took 1.4 s of wall time on a loaded two-core machine.
//! The thread's own CPU time does not, so a bound on it fails only on the
//! code under test. Read from Linux's `/proc/thread-self/schedstat`; where
//! that is missing, wall-clock time stands in.

use std::time::{Duration, Instant};

/// Measures the CPU time the current thread spends from [`Stopwatch::start`].
pub struct Stopwatch {
    cpu: Option<Duration>,
    wall: Instant,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch {
            cpu: thread_cpu_time(),
            wall: Instant::now(),
        }
    }

    /// The current thread's CPU time since the start (wall time where the
    /// CPU time cannot be read).
    pub fn elapsed(&self) -> Duration {
        match (self.cpu, thread_cpu_time()) {
            (Some(start), Some(now)) => now.saturating_sub(start),
            _ => self.wall.elapsed(),
        }
    }
}

/// The first field of `schedstat`: nanoseconds the thread has run on a CPU.
pub fn thread_cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}
