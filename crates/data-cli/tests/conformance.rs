//! Conformance of `data validate --json` with frictionless-py.
//!
//! Each case of the corpus (`conformance/corpus.rs` and
//! `conformance/reading.rs`) writes a few messy files into its own temporary
//! directory; then both `frictionless validate --json` and `data validate
//! --json` run there on the same paths, and their reports must agree: the
//! same `valid`, and for every task (matched by order) the same `valid` and
//! the same multiset of `(type, rowNumber, fieldNumber)`; then the same
//! `fieldName`, `label`, `cell`, `note` and `cells`, except for the
//! documented, deliberate differences (`conformance/compare.rs`).
//!
//! frictionless-py is the reference, so it must be installed (`pip install
//! "frictionless[excel,json,ods]"`); without it the tests say so on stderr
//! and pass. The cases are grouped by theme, one `#[test]` per theme; a
//! failure lists every failing case of the theme with its files, both
//! commands and both error lists.
//!
//! `CONFORMANCE_CASE=name[,name...]` runs only the cases whose name contains
//! one of the given strings; `CONFORMANCE_KEEP=1` keeps the case directories
//! (their path is printed) to rerun the commands by hand.

// A test that compares two programs reports its findings on the console.
#![allow(clippy::print_stderr)]

#[path = "conformance/case.rs"]
mod case;
#[path = "conformance/compare.rs"]
mod compare;
#[path = "conformance/corpus.rs"]
mod corpus;
#[path = "conformance/reading.rs"]
mod reading;

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use case::{Case, Theme};

const SKIP: &str =
    "skipping: frictionless-py not installed (pip install \"frictionless[excel,json,ods]\")";

/// Whether `frictionless` runs here; checked once per test binary.
fn frictionless_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let ok = Command::new("frictionless")
            .arg("--version")
            .output()
            .map(|out| out.status.success())
            .unwrap_or(false);
        if !ok {
            // Straight to the process's stderr, past libtest's capture: a
            // suite that passes by skipping must say so in every run.
            let _ = writeln!(std::io::stderr(), "{SKIP}");
        }
        ok
    })
}

fn wanted(case: &Case) -> bool {
    match std::env::var("CONFORMANCE_CASE") {
        Ok(filter) if !filter.trim().is_empty() => filter
            .split(',')
            .map(str::trim)
            .any(|f| !f.is_empty() && case.name.contains(f)),
        _ => true,
    }
}

/// Runs one tool in `dir` and parses its JSON report.
fn run(program: &str, args: &[String], dir: &Path) -> Result<(Value, Option<i32>), String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("could not start {program}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match serde_json::from_str(&stdout) {
        Ok(report) => Ok((report, out.status.code())),
        Err(e) => Err(format!(
            "{program} exited with {:?} and printed no JSON report ({e})\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
            out.status.code()
        )),
    }
}

fn quote(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            {
                a.clone()
            } else {
                format!("'{a}'")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs one case; `Err` holds the whole failure report of the case.
fn check(case: &Case, root: &Path) -> Result<(), String> {
    let dir = root.join(case.name);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    case.write(&dir)
        .map_err(|e| format!("could not write the corpus: {e}"))?;
    let fr_args = case.frictionless_args();
    let our_args = case.data_args();
    let context = || {
        format!(
            "files (in {}):\n{}commands (in that directory):\n  frictionless {}\n  data {}\n",
            dir.display(),
            case.describe_files(),
            quote(&fr_args),
            quote(&our_args)
        )
    };
    let fail = |what: String| format!("=== case `{}`: {what}\n{}", case.name, context());

    let (fr, _) = run("frictionless", &fr_args, &dir).map_err(fail)?;
    let (ours, code) = run(env!("CARGO_BIN_EXE_data"), &our_args, &dir).map_err(fail)?;
    let mut problems = compare::differences(&fr, &ours);
    let expected_code = if ours["valid"] == Value::Bool(true) {
        0
    } else {
        1
    };
    if code != Some(expected_code) {
        problems.push(format!(
            "data exited with {code:?}, but its report says valid {} (expected exit {expected_code})",
            ours["valid"]
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "=== case `{}`: {} difference(s)\n{}differences:\n  {}\n{}",
        case.name,
        problems.len(),
        context(),
        problems.join("\n  "),
        compare::listing(&fr, &ours)
    ))
}

/// Runs every wanted case of `theme`, prints one line per case, and fails
/// with the reports of all failing cases at once.
fn run_theme(theme: Theme) {
    if !frictionless_available() {
        return;
    }
    let cases: Vec<Case> = corpus::all()
        .into_iter()
        .filter(|c| c.theme == theme && wanted(c))
        .collect();
    if cases.is_empty() {
        return;
    }
    let root = tempfile::Builder::new()
        .prefix("conformance-")
        .tempdir()
        .unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        match check(case, root.path()) {
            Ok(()) => eprintln!("conformance {theme:?}: PASS {}", case.name),
            Err(report) => {
                eprintln!("conformance {theme:?}: FAIL {}", case.name);
                failures.push(report);
            }
        }
    }
    if std::env::var_os("CONFORMANCE_KEEP").is_some() {
        let kept = root.keep();
        eprintln!(
            "conformance {theme:?}: case directories kept in {}",
            kept.display()
        );
    }
    if !failures.is_empty() {
        panic!(
            "{} of {} {theme:?} case(s) differ from frictionless-py:\n\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}

#[test]
fn header_matches_frictionless() {
    run_theme(Theme::Header);
}

#[test]
fn rows_match_frictionless() {
    run_theme(Theme::Rows);
}

#[test]
fn constraints_match_frictionless() {
    run_theme(Theme::Constraints);
}

#[test]
fn keys_match_frictionless() {
    run_theme(Theme::Keys);
}

#[test]
fn integrity_matches_frictionless() {
    run_theme(Theme::Integrity);
}

#[test]
fn encodings_match_frictionless() {
    run_theme(Theme::Encodings);
}

#[test]
fn dialects_match_frictionless() {
    run_theme(Theme::Dialects);
}

#[test]
fn shapes_match_frictionless() {
    run_theme(Theme::Shapes);
}
