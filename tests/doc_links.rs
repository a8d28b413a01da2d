//! Every link in the repository's Markdown resolves: a relative link names a
//! file that exists (and a heading of it, for `#anchor`), and nothing points
//! at pages of our own crates on docs.rs or crates.io, which are not
//! published, or at placeholder hosts. Rustdoc's own links are checked by
//! `cargo doc` with `-D warnings` (broken intra-doc links are warnings).

use std::path::{Path, PathBuf};

/// Directories that hold no documentation of ours.
const SKIPPED: &[&str] = &["target", ".git", "corpus", "artifacts", "node_modules"];

/// Hosts and pages that must not be linked: unpublished crates' pages and
/// placeholders.
const FORBIDDEN: &[&str] = &[
    "example.invalid",
    "docs.rs/pickle-core",
    "docs.rs/pickle-derive",
    "docs.rs/pickle-inspect",
    "crates.io/crates/pickle-core",
    "crates.io/crates/pickle-derive",
    "crates.io/crates/pickle-inspect",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy();
        if path.is_dir() {
            if !SKIPPED.contains(&name.as_ref()) {
                files(&path, ext, out);
            }
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The targets of the inline links `[text](target)` of a Markdown text,
/// outside code blocks and code spans.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut in_code = false;
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'`' => in_code = !in_code,
                b']' if !in_code && bytes.get(i + 1) == Some(&b'(') => {
                    if let Some(end) = line[i + 2..].find(')') {
                        let target = &line[i + 2..i + 2 + end];
                        out.push(target.split_whitespace().next().unwrap_or("").to_owned());
                        i += 2 + end;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// The anchors GitHub gives a Markdown file's headings.
fn anchors(text: &str) -> Vec<String> {
    let mut fenced = false;
    text.lines()
        .filter(|line| {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
            }
            !fenced && line.starts_with('#')
        })
        .map(|line| {
            line.trim_start_matches('#')
                .trim()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    '-' | '_' => Some(c),
                    c if c.is_alphanumeric() => Some(c.to_ascii_lowercase()),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

#[test]
fn markdown_links_resolve() {
    let mut docs = Vec::new();
    files(&root(), "md", &mut docs);
    assert!(
        docs.iter().any(|d| d.ends_with("README.md")),
        "README.md is found"
    );
    let mut broken = Vec::new();
    for doc in &docs {
        let text = std::fs::read_to_string(doc).unwrap();
        let shown = doc.strip_prefix(root()).unwrap().display().to_string();
        for bad in FORBIDDEN.iter().filter(|f| text.contains(*f)) {
            broken.push(format!("{shown}: mentions {bad}"));
        }
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let path = if file.is_empty() {
                doc.clone()
            } else {
                doc.parent().unwrap().join(file)
            };
            if !path.exists() {
                broken.push(format!("{shown}: {target} (no such file)"));
            } else if !anchor.is_empty() && path.extension().is_some_and(|e| e == "md") {
                let headings = anchors(&std::fs::read_to_string(&path).unwrap());
                if !headings.iter().any(|h| h == anchor) {
                    broken.push(format!("{shown}: {target} (no such heading)"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn no_placeholder_or_unpublished_links_in_sources_and_manifests() {
    let mut sources = Vec::new();
    for ext in ["rs", "toml"] {
        files(&root(), ext, &mut sources);
    }
    let this = Path::new(file!()).file_name().unwrap();
    let mut found = Vec::new();
    for path in sources.iter().filter(|p| p.file_name() != Some(this)) {
        let text = std::fs::read_to_string(path).unwrap();
        for bad in FORBIDDEN {
            if text.contains(bad) {
                found.push(format!("{}: {bad}", path.display()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_link_reader_finds_links_and_anchors() {
    let text = "# Python's standard types\n\nSee [a](b.md#c-d) and `[no](x)`.\n```\n[no](y)\n```\n";
    assert_eq!(links(text), ["b.md#c-d"]);
    assert_eq!(anchors(text), ["pythons-standard-types"]);
}
