//! `pickle-inspect`: look inside pickles and ML artifacts without running
//! them. See `pickle-inspect --help`.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use pickle_core::de::{Options as DecodeOptions, PersistentIds};
use pickle_core::scan::{Policy, Profile};
use pickle_core::Value;
use pickle_inspect::{files, render, scan_all, scan_bytes, FileReport, Options, Verdict};

const USAGE: &str = "\
pickle-inspect: look inside Python pickles and ML artifacts without running them

usage:
  pickle-inspect scan [OPTIONS] PATH...  judge every pickle in each file (PyTorch zip and
                                         legacy checkpoints, .npy, .npz, joblib dumps plain or
                                         compressed, zips of pickles, streams of pickles);
                                         directories are walked
  pickle-inspect dis FILE                disassemble, as Python's pickletools.dis prints
  pickle-inspect json FILE               print the decoded value as JSON, with globals
                                         and calls as data and shared objects as $id/$ref
  pickle-inspect --help                  print this help

scan options:
  --format text|json|sarif   output format (default text)
  --allow MODULE.NAME        accept this global for any use (repeatable)
  --allow-module MODULE      accept every name in MODULE and its submodules, except
                             known gadgets (repeatable)
  --profile NAME             accept only the curated names of these profiles (repeatable;
                             data, numpy, torch, pandas, sklearn; default: all)
  --allow-unknown            names that are not on the allowlist do not fail the gate
  --jobs N                   scan N files at once (default: the number of CPUs)

PATH and FILE may be - for standard input. Nothing in the input is imported or run.

exit status:
  0  every file passes: every import and call is plain data or on the allowlist
  1  something could not be read (a file, a container member, a broken pickle, bytes
     after a pickle that are not one), and nothing dangerous was found
  2  bad usage
  3  something dangerous was found (a known gadget, or a shape no honest pickle has)
  4  something not on the allowlist was found, and nothing dangerous or unreadable
";

const OK: u8 = 0;
const UNREADABLE: u8 = 1;
const USAGE_ERROR: u8 = 2;
const DANGEROUS: u8 = 3;
const UNKNOWN: u8 = 4;

fn main() -> ExitCode {
    ExitCode::from(run(std::env::args().skip(1).collect()))
}

fn usage_error(message: &str) -> u8 {
    eprintln!("pickle-inspect: {message}");
    eprint!("{USAGE}");
    USAGE_ERROR
}

fn run(args: Vec<String>) -> u8 {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return OK;
    }
    let Some((command, rest)) = args.split_first() else {
        return usage_error("no command");
    };
    match command.as_str() {
        "scan" => scan(rest),
        "dis" | "json" => {
            let [file] = rest else {
                return usage_error(&format!("`{command}` takes one FILE"));
            };
            let data = match read_input(file) {
                Ok(data) => data,
                Err(e) => {
                    eprintln!("pickle-inspect: cannot read `{file}`: {e}");
                    return UNREADABLE;
                }
            };
            if command == "dis" {
                dis(&data)
            } else {
                json(&data)
            }
        }
        other => usage_error(&format!("unknown command `{other}`")),
    }
}

/// The options of `scan`, parsed.
struct ScanArgs {
    format: String,
    opts: Options,
    allow_unknown: bool,
    jobs: usize,
    paths: Vec<String>,
}

fn parse_scan(args: &[String]) -> Result<ScanArgs, String> {
    let mut format = "text".to_owned();
    let mut allow = Vec::new();
    let mut allow_modules = Vec::new();
    let mut profiles = Vec::new();
    let mut allow_unknown = false;
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut paths = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value"))
        };
        match arg.as_str() {
            "--format" => format = value("--format")?,
            "--allow" => allow.push(value("--allow")?),
            "--allow-module" => allow_modules.push(value("--allow-module")?),
            "--profile" => {
                let name = value("--profile")?;
                profiles.push(
                    Profile::from_name(&name).ok_or_else(|| format!("unknown profile `{name}`"))?,
                );
            }
            "--allow-unknown" => allow_unknown = true,
            "--jobs" => {
                let n = value("--jobs")?;
                jobs = n
                    .parse()
                    .map_err(|_| format!("`--jobs` needs a number, not `{n}`"))?;
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
            path => paths.push(path.to_owned()),
        }
    }
    if !matches!(format.as_str(), "text" | "json" | "sarif") {
        return Err(format!("unknown format `{format}`"));
    }
    if paths.is_empty() {
        return Err("`scan` needs a PATH".into());
    }
    let mut policy = if profiles.is_empty() {
        Policy::new()
    } else {
        Policy::with_profiles(&profiles)
    };
    for name in &allow {
        policy = policy.allow(name);
    }
    for module in &allow_modules {
        policy = policy.allow_module(module);
    }
    Ok(ScanArgs {
        format,
        opts: Options {
            policy,
            ..Options::default()
        },
        allow_unknown,
        jobs,
        paths,
    })
}

fn scan(args: &[String]) -> u8 {
    let args = match parse_scan(args) {
        Ok(a) => a,
        Err(message) => return usage_error(&message),
    };
    let mut reports: Vec<FileReport> = Vec::new();
    let mut unreadable = false;
    for path in &args.paths {
        if path == "-" {
            match read_input("-") {
                Ok(data) => reports.push(scan_bytes("-", &data, &args.opts)),
                Err(e) => {
                    eprintln!("pickle-inspect: cannot read standard input: {e}");
                    unreadable = true;
                }
            }
            continue;
        }
        let (found, errors) = files(&[PathBuf::from(path)]);
        for (at, e) in errors {
            eprintln!("pickle-inspect: cannot read `{}`: {e}", at.display());
            unreadable = true;
        }
        reports.extend(scan_all(&found, &args.opts, args.jobs));
    }
    let text = match args.format.as_str() {
        "json" => render::to_json(&reports) + "\n",
        "sarif" => render::to_sarif(&reports) + "\n",
        _ => render::to_text(&reports),
    };
    print_out(&text);
    let worst = reports
        .iter()
        .map(FileReport::verdict)
        .max()
        .unwrap_or(Verdict::Pass);
    match worst {
        Verdict::Dangerous => DANGEROUS,
        _ if unreadable => UNREADABLE,
        Verdict::Unreadable => UNREADABLE,
        Verdict::Unknown if !args.allow_unknown => UNKNOWN,
        _ => OK,
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
            UNREADABLE
        }
    }
}

fn json(data: &[u8]) -> u8 {
    let opts = DecodeOptions::new().persistent_ids(PersistentIds::Keep);
    match opts.from_slice::<Value>(data) {
        Ok(value) => match pickle_inspect::json::to_json(&value) {
            Ok(json) => {
                print_out(&json);
                print_out("\n");
                OK
            }
            Err(e) => {
                eprintln!("pickle-inspect: {e}");
                UNREADABLE
            }
        },
        Err(e) => {
            eprintln!("pickle-inspect: {e}");
            UNREADABLE
        }
    }
}
