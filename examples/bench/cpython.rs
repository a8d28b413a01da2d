//! CPython's side: `examples/python/bench_cpython.py` writes each
//! workload's protocol-5 pickle and times `pickle.dumps` and `pickle.loads`
//! on the equivalent Python objects.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::timing::{repeat, Timing};

/// CPython's pickle and timings of one workload.
pub struct Workload {
    pub pickle: Vec<u8>,
    pub dumps: Timing,
    pub loads: Timing,
}

/// Runs the script, which writes the pickles into `dir` and prints every
/// run's time as JSON.
pub fn run(dir: &Path) -> HashMap<String, Workload> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("../python");
    let out = Command::new("python3")
        .arg(here.join("bench_cpython.py"))
        .arg(dir)
        .env("PYTHONPATH", &here)
        .env("BENCH_REPEAT", repeat().to_string())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let json: pickle_core::Value = json_value(&text);
    let pickle_core::Value::Dict(workloads) = json else {
        panic!("a JSON object");
    };
    let mut out = HashMap::new();
    for (name, fields) in workloads {
        let name = name.as_str().expect("a name").to_owned();
        let field = |key: &str| match &fields {
            pickle_core::Value::Dict(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v.clone())
                .expect("a field"),
            _ => panic!("an object"),
        };
        let times = |key: &str| match field(key) {
            pickle_core::Value::List(runs) => {
                Timing::of(runs.iter().map(|v| v.as_f64().expect("a time")).collect())
            }
            _ => panic!("a list of times"),
        };
        let pickle = std::fs::read(dir.join(format!("{name}.pkl"))).expect("CPython's pickle");
        out.insert(
            name,
            Workload {
                pickle,
                dumps: times("dumps"),
                loads: times("loads"),
            },
        );
    }
    out
}

/// The script's JSON, read by Python itself into a pickle: no JSON crate
/// needed.
fn json_value(text: &str) -> pickle_core::Value {
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, pickle, sys; sys.stdout.buffer.write(pickle.dumps(json.loads(sys.stdin.read()), 5))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(text.as_bytes())?;
            child.wait_with_output()
        })
        .expect("python3 runs");
    pickle_core::from_slice(&out.stdout).expect("a pickle of the timings")
}
