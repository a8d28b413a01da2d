//! The arrays workload (feature `ndarray`): a 100 MiB `f32` array written
//! and read, in band and out of band, against numpy's own `pickle.dumps`
//! and `pickle.loads` (`examples/python/bench_arrays.py`) and against
//! copying the same bytes into a new buffer (what any owned result costs
//! at least). A 1 MiB array shows what grows with the size: out of band,
//! nothing should. Each time is timed in turn with the copy it is compared
//! with, so that a machine whose load changes during the run weighs on
//! both alike.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use ndarray::{ArcArray2, Array2, Ix2};
use pickle_core::numpy::{view_from_slice, view_with_buffers, NumpyNames};
use pickle_core::{ser, Buffer, Protocol};

use super::repeat;

/// The best times of `repeat()` rounds of `copy` and of `f`, in turn. `f`
/// runs twice a round: a copy of 100 MiB leaves the caches cold, which the
/// calls that take microseconds would otherwise be timed with.
fn best_with_copy<T, U>(mut f: impl FnMut() -> T, mut copy: impl FnMut() -> U) -> (f64, f64) {
    let time = |g: &mut dyn FnMut()| {
        let start = Instant::now();
        g();
        start.elapsed().as_secs_f64()
    };
    (0..repeat()).fold((f64::INFINITY, f64::INFINITY), |(a, b), _| {
        let copied = time(&mut || drop(std::hint::black_box(copy())));
        let ours = (0..2)
            .map(|_| time(&mut || drop(std::hint::black_box(f()))))
            .fold(a, f64::min);
        (ours, b.min(copied))
    })
}

/// One line of the table: what was timed, and the times to compare it with.
struct Line {
    size: &'static str,
    direction: &'static str,
    ours: f64,
    numpy: Option<f64>,
    memcpy: f64,
}

/// numpy's timings of one size, read from the script's JSON.
struct Numpy {
    dumps: f64,
    loads: f64,
    dumps_oob: f64,
    loads_oob: f64,
}

/// Runs the workload with the pickles and timings numpy writes into `dir`,
/// and prints its table.
pub fn run(dir: &Path) {
    eprintln!("arrays...");
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("../python");
    let out = Command::new("python3")
        .arg(here.join("bench_arrays.py"))
        .arg(dir)
        .env("BENCH_REPEAT", repeat().to_string())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = String::from_utf8(out.stdout).expect("utf-8");
    let version = json
        .split("\"numpy\": \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("numpy's version");
    let names = if version.starts_with("1.") {
        NumpyNames::Numpy1
    } else {
        NumpyNames::Numpy2
    };
    let mut lines = Vec::new();
    for (size, rows) in [("1MiB", 256), ("100MiB", 25_600)] {
        let numpy = Numpy {
            dumps: number(&json, size, "dumps"),
            loads: number(&json, size, "loads"),
            dumps_oob: number(&json, size, "dumps_oob"),
            loads_oob: number(&json, size, "loads_oob"),
        };
        let read = |name: &str| {
            std::fs::read(dir.join(format!("arrays-{size}{name}"))).expect("numpy's file")
        };
        lines.extend(size_lines(
            size,
            rows,
            names,
            &numpy,
            &read(".pkl"),
            &read("-oob.pkl"),
            read("-oob.buf"),
        ));
    }
    print_lines(&lines, version);
}

/// The array numpy's script makes too.
fn array(rows: usize) -> Array2<f32> {
    Array2::from_shape_fn((rows, 1024), |(r, c)| ((r * 1024 + c) % 1000) as f32 * 0.5)
}

fn size_lines(
    size: &'static str,
    rows: usize,
    names: NumpyNames,
    numpy: &Numpy,
    inband: &[u8],
    oob: &[u8],
    buffer: Vec<u8>,
) -> Vec<Line> {
    let a = array(rows);
    let shared: ArcArray2<f32> = a.to_shared();
    let buffers = [Buffer::new(buffer, false)];
    let opts = ser::Options::new()
        .protocol(Protocol::V5)
        .numpy_names(names);
    let oob_opts = opts.clone().out_of_band_buffers(true);
    let elements = a.as_slice().expect("C order");

    // Checked before timing: our bytes are numpy's, and we read numpy's.
    assert!(
        opts.to_vec(&a).expect("writes") == inband,
        "in band bytes differ from numpy's"
    );
    let (ours_oob, ours_buffers) = oob_opts.to_vec_with_buffers(&shared).expect("writes");
    assert!(
        ours_oob == oob && ours_buffers == buffers,
        "out-of-band bytes differ from numpy's"
    );
    assert!(
        ours_buffers[0].data.as_ptr() == shared.as_ptr().cast(),
        "shared, not copied"
    );
    assert!(pickle_core::from_slice::<Array2<f32>>(inband).expect("reads") == a);
    let view = view_with_buffers::<f32, Ix2>(oob, &buffers).expect("reads");
    assert!(
        view.is_view() && view == a,
        "out of band, a view of the buffer"
    );
    let in_band_view = view_from_slice::<f32, Ix2>(inband)
        .expect("reads")
        .is_view();
    drop(view);

    let copy = || elements.to_vec();
    let line = |direction, (ours, memcpy), numpy| Line {
        size,
        direction,
        ours,
        numpy,
        memcpy,
    };
    let read_owned = pickle_core::de::Options::new().buffers(&buffers);
    vec![
        line(
            "encode in band",
            best_with_copy(|| opts.to_vec(&a).expect("writes"), copy),
            Some(numpy.dumps),
        ),
        line(
            "decode in band",
            best_with_copy(
                || pickle_core::from_slice::<Array2<f32>>(inband).expect("reads"),
                copy,
            ),
            Some(numpy.loads),
        ),
        line(
            if in_band_view {
                "decode in band, view (borrowed)"
            } else {
                "decode in band, view (misaligned: copied)"
            },
            best_with_copy(|| view_from_slice::<f32, Ix2>(inband).expect("reads"), copy),
            Some(numpy.loads),
        ),
        line(
            "encode out of band (ArcArray)",
            best_with_copy(
                || oob_opts.to_vec_with_buffers(&shared).expect("writes"),
                copy,
            ),
            Some(numpy.dumps_oob),
        ),
        line(
            "encode out of band (Array: copied once)",
            best_with_copy(|| oob_opts.to_vec_with_buffers(&a).expect("writes"), copy),
            Some(numpy.dumps_oob),
        ),
        line(
            "decode out of band, view",
            best_with_copy(
                || view_with_buffers::<f32, Ix2>(oob, &buffers).expect("reads"),
                copy,
            ),
            Some(numpy.loads_oob),
        ),
        line(
            "decode out of band, owned",
            best_with_copy(
                || read_owned.from_slice::<Array2<f32>>(oob).expect("reads"),
                copy,
            ),
            None,
        ),
    ]
}

/// The number `key` of the section `size` of the script's JSON.
fn number(json: &str, size: &str, key: &str) -> f64 {
    let section = json
        .split(&format!("\"{size}\": {{"))
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("a section");
    let at = section.find(&format!("\"{key}\": ")).expect("a field") + key.len() + 4;
    section[at..]
        .split(',')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .expect("a number")
}

fn print_lines(lines: &[Line], numpy: &str) {
    println!();
    println!("arrays: one `f32` array, 1024 columns, protocol 5; numpy {numpy} (`pickle.dumps`/`loads`); memcpy: copying its bytes into a new buffer");
    println!();
    println!("| size | direction | pickle-core | numpy | memcpy | vs memcpy | vs numpy |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for l in lines {
        let numpy = l.numpy.map_or("".to_owned(), |t| format!("{t:.6} s"));
        let vs_numpy = l
            .numpy
            .map_or("".to_owned(), |t| format!("{:.1}x", t / l.ours));
        println!(
            "| {} | {} | {:.6} s | {numpy} | {:.6} s | {:.2}x | {vs_numpy} |",
            l.size,
            l.direction,
            l.ours,
            l.memcpy,
            l.ours / l.memcpy,
        );
    }
}
