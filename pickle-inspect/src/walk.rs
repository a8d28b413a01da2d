//! Scanning many paths, as a CI gate does: directories are walked (in a
//! stable order), files are scanned on several threads, and reports come
//! back in the order of the files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::{scan_file, FileReport, Options};

/// The files under `paths`: files as given, directories walked
/// recursively (symbolic links are not followed), each directory's entries
/// sorted. Errors are returned with the path they occurred at.
pub fn files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, std::io::Error)>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        walk(path, &mut out, &mut errors);
    }
    (out, errors)
}

fn walk(path: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<(PathBuf, std::io::Error)>) {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => {
            errors.push((path.to_owned(), e));
            return;
        }
    };
    if !meta.is_dir() {
        if meta.is_file() {
            out.push(path.to_owned());
        }
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(e) => e,
        Err(e) => {
            errors.push((path.to_owned(), e));
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        walk(&child, out, errors);
    }
}

/// Scans `files` on `jobs` threads; the reports in the order of `files`.
pub fn scan_all(files: &[PathBuf], opts: &Options, jobs: usize) -> Vec<FileReport> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<FileReport>>> =
        Mutex::new((0..files.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, files.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                let report = scan_file(path, opts);
                results.lock().expect("no scan panics")[i] = Some(report);
            });
        }
    });
    results
        .into_inner()
        .expect("no scan panics")
        .into_iter()
        .map(|r| r.expect("every file scanned"))
        .collect()
}
