//! `pickle-inspect`: look inside a pickle without running it.
//!
//! ```text
//! pickle-inspect [--strict] scan FILE   what the pickle would import and call in Python
//! pickle-inspect dis FILE               pickletools.dis' listing
//! pickle-inspect json FILE              the decoded value as JSON, calls shown as data
//! ```
//!
//! `FILE` may be `-` for standard input. Exit status: 0 nothing dangerous
//! (for `scan`), or success; 1 the file could not be read or the pickle is
//! malformed; 2 bad usage; 3 `scan` found something dangerous; 4 `scan
//! --strict` found something unknown (and nothing dangerous).

mod json;
mod scan_text;

use std::io::{Read, Write};
use std::process::ExitCode;

use pickle_core::de::{Options, PersistentIds};
use pickle_core::scan::Safety;
use pickle_core::Value;

const USAGE: &str = "\
pickle-inspect: look inside a Python pickle without running it

usage:
  pickle-inspect [--strict] scan FILE   list every global the pickle imports and every
                                        call it would make in Python, classified as
                                        data, safe, unknown or dangerous
  pickle-inspect dis FILE               disassemble, as Python's pickletools.dis prints
  pickle-inspect json FILE              print the decoded value as JSON, with globals
                                        and calls as data and shared objects as $id/$ref
  pickle-inspect --help                 print this help

FILE may be - for standard input. Nothing in the pickle is imported or run.

exit status:
  0  success; for scan: read to the end, nothing dangerous
  1  the file could not be read, or the pickle is malformed (scan: and nothing
     dangerous was seen before the error)
  2  bad usage
  3  scan found something dangerous (also when the pickle is malformed after it)
  4  scan --strict found something unknown, and nothing dangerous
";

const OK: u8 = 0;
const FAILED: u8 = 1;
const USAGE_ERROR: u8 = 2;
const DANGEROUS: u8 = 3;
const UNKNOWN: u8 = 4;

fn main() -> ExitCode {
    ExitCode::from(run(std::env::args().skip(1).collect()))
}

fn run(args: Vec<String>) -> u8 {
    let mut strict = false;
    let mut rest = Vec::new();
    for arg in args {
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return OK;
            }
            "--strict" => strict = true,
            _ => rest.push(arg),
        }
    }
    let [command, file] = &rest[..] else {
        eprint!("{USAGE}");
        return USAGE_ERROR;
    };
    if strict && command != "scan" {
        eprintln!("pickle-inspect: `--strict` applies to `scan` only");
        return USAGE_ERROR;
    }
    let data = match read_input(file) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("pickle-inspect: cannot read `{file}`: {e}");
            return FAILED;
        }
    };
    match command.as_str() {
        "scan" => scan(&data, strict),
        "dis" => dis(&data),
        "json" => json(&data),
        other => {
            eprintln!("pickle-inspect: unknown command `{other}`");
            eprint!("{USAGE}");
            USAGE_ERROR
        }
    }
}

fn read_input(file: &str) -> std::io::Result<Vec<u8>> {
    if file == "-" {
        let mut data = Vec::new();
        std::io::stdin().lock().read_to_end(&mut data)?;
        Ok(data)
    } else {
        std::fs::read(file)
    }
}

/// Prints `text` to standard output; a closed pipe (`| head`) is no error.
fn print_out(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn scan(data: &[u8], strict: bool) -> u8 {
    let report = pickle_core::scan(data);
    print_out(&scan_text::render(&report));
    let worst = report
        .findings
        .iter()
        .map(|f| f.safety)
        .max()
        .unwrap_or(Safety::Data);
    if worst == Safety::Dangerous {
        DANGEROUS
    } else if report.error.is_some() {
        FAILED
    } else if strict && worst == Safety::Unknown {
        UNKNOWN
    } else {
        OK
    }
}

fn dis(data: &[u8]) -> u8 {
    match pickle_core::dis::Options::new().dis(data) {
        Ok(text) => {
            print_out(&text);
            OK
        }
        Err(e) => {
            print_out(&e.partial_text);
            if !e.partial_text.is_empty() && !e.partial_text.ends_with('\n') {
                print_out("\n");
            }
            eprintln!("pickle-inspect: {}", e.error);
            FAILED
        }
    }
}

fn json(data: &[u8]) -> u8 {
    let opts = Options::new().persistent_ids(PersistentIds::Keep);
    match opts.from_slice::<Value>(data) {
        Ok(value) => {
            print_out(&json::to_json(&value));
            print_out("\n");
            OK
        }
        Err(e) => {
            eprintln!("pickle-inspect: {e}");
            FAILED
        }
    }
}
