//! The streaming typed reader agrees with the general reader: on CPython's
//! pickles of the derive test types at every protocol, and on thousands of
//! mutations of them, whenever the streaming reader returns a value, the
//! general reader returns the same value. It also must actually stream the
//! shapes CPython writes at protocol 2 and above.

mod common;
mod shop;

use shop::cases::Case;

fn cases() -> Vec<Case> {
    shop::cases::all()
}

/// CPython's pickles of the cases: (case name, protocol, bytes).
fn pickles() -> Vec<(String, u8, Vec<u8>)> {
    let records = common::read_records(&common::python("derive_read.py", &["good"], b""));
    records
        .chunks(3)
        .map(|r| {
            let name = String::from_utf8(r[0].clone()).expect("ascii");
            let proto: u8 = std::str::from_utf8(&r[1])
                .expect("ascii")
                .parse()
                .expect("a number");
            (name, proto, r[2].clone())
        })
        .filter(|(name, ..)| cases().iter().any(|c| c.name == name))
        .collect()
}

#[test]
fn streams_what_cpython_writes_and_agrees() {
    let cases = cases();
    let mut disagreements = Vec::new();
    let (mut modern, mut streamed) = (0, 0);
    let mut big_streamed = 0;
    for (name, proto, bytes) in pickles() {
        let case = cases.iter().find(|c| c.name == name).expect("a case");
        match (case.stream)(&bytes) {
            Ok(true) if proto >= 2 => {
                streamed += 1;
                // Hundreds of instances of a few classes, frames ending
                // inside them: what the shortcuts for known classes and
                // field names (`de/stream/known.rs`) are for.
                if name == "bulk_orders" && bytes.len() > 64 * 1024 {
                    big_streamed += 1;
                }
            }
            Ok(_) => {}
            Err(e) => disagreements.push(format!("{name} at protocol {proto}: {e}")),
        }
        if proto >= 2 {
            modern += 1;
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    assert_eq!(
        big_streamed, 4,
        "`bulk_orders` at protocols 2 to 5 (over 64 KiB) must stream"
    );
    assert!(
        streamed * 10 >= modern * 9,
        "only {streamed} of {modern} pickles of protocol 2+ were read by the streaming reader"
    );
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn never_returns_a_value_the_general_reader_would_not() {
    let cases = cases();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut disagreements = Vec::new();
    let mut tried = 0;
    for (name, proto, bytes) in pickles() {
        let case = cases.iter().find(|c| c.name == name).expect("a case");
        for _ in 0..100 {
            let mut mutated = bytes.clone();
            match rng.next() % 4 {
                0 => mutated.truncate((rng.next() as usize) % bytes.len()),
                1 => {
                    let i = (rng.next() as usize) % bytes.len();
                    mutated.remove(i);
                }
                2 => {
                    let i = (rng.next() as usize) % bytes.len();
                    mutated.insert(i, rng.next() as u8);
                }
                _ => {
                    let i = (rng.next() as usize) % bytes.len();
                    mutated[i] = rng.next() as u8;
                }
            }
            tried += 1;
            if let Err(e) = (case.stream)(&mutated) {
                disagreements.push(format!(
                    "{name} at protocol {proto}, mutated {mutated:?}: {e}"
                ));
            }
        }
    }
    assert!(tried > 10_000, "only {tried} mutations");
    assert!(
        disagreements.is_empty(),
        "{}",
        disagreements[..disagreements.len().min(5)].join("\n")
    );
}
