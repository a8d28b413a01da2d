//! Scanning many paths, as a CI gate does: directories are walked (in a
//! stable order), files are scanned on several threads, and reports come
//! back in the order of the files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::{scan_file, FileReport, Options};

/// The files under `paths`: files as given, directories walked
/// recursively, each directory's entries sorted. Symbolic links are
/// followed, as a loader follows them; a directory is walked once however
/// many links lead to it. Errors are returned with the path they occurred
/// at.
pub fn files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, std::io::Error)>) {
    let mut walk = Walk::default();
    for path in paths {
        walk.visit(path);
    }
    (walk.out, walk.errors)
}

#[derive(Default)]
struct Walk {
    out: Vec<PathBuf>,
    errors: Vec<(PathBuf, std::io::Error)>,
    seen: HashSet<PathBuf>,
}

impl Walk {
    fn visit(&mut self, path: &Path) {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                self.errors.push((path.to_owned(), e));
                return;
            }
        };
        if !meta.is_dir() {
            if meta.is_file() {
                self.out.push(path.to_owned());
            }
            return;
        }
        match std::fs::canonicalize(path) {
            Ok(real) => {
                if !self.seen.insert(real) {
                    return;
                }
            }
            Err(e) => {
                self.errors.push((path.to_owned(), e));
                return;
            }
        }
        let entries = match std::fs::read_dir(path) {
            Ok(e) => e,
            Err(e) => {
                self.errors.push((path.to_owned(), e));
                return;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for child in children {
            self.visit(&child);
        }
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
