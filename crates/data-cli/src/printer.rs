//! Everything the `data` command writes to stdout: reports and descriptors,
//! for people (short, grouped, coloured on a terminal) or for scripts (JSON).
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};

use owo_colors::OwoColorize;
use validate::{Report, ReportError, Task};

/// Errors of one type shown per table before "and N more".
const SHOWN_PER_TYPE: usize = 5;
/// Longest cell shown in full.
const CELL_WIDTH: usize = 40;

/// Where and how output goes.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub color: bool,
}

impl Printer {
    /// Colours on a terminal, unless NO_COLOR is set or `--no-color` given.
    pub fn new(no_color: bool) -> Printer {
        let color = !no_color
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && io::stdout().is_terminal();
        Printer { color }
    }

    /// Writes `text` to stdout, followed by a newline.
    pub fn line(&self, text: &str) -> io::Result<()> {
        let mut out = io::stdout().lock();
        writeln!(out, "{text}")
    }

    /// A line about what is going on, on stderr, so stdout stays the result.
    #[allow(clippy::print_stderr)]
    pub fn status(&self, text: &str) {
        eprintln!("{text}");
    }

    /// `text` in the colour of success, where colours are on.
    pub fn ok_text(&self, text: &str) -> String {
        self.good(text)
    }

    /// Pretty JSON of any serializable value.
    pub fn json<T: serde::Serialize>(&self, value: &T) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(value)?;
        self.line(&text)?;
        Ok(())
    }

    /// The report for people: a line per table, then its first errors
    /// grouped by type with row, field and the offending cell.
    pub fn report(&self, report: &Report) -> io::Result<()> {
        let mut out = io::stdout().lock();
        for error in &report.errors {
            writeln!(out, "{} {}", self.bad("✗"), error.message())?;
        }
        for task in &report.tasks {
            self.task(&mut out, task)?;
        }
        let invalid = report.tasks.iter().filter(|t| !t.valid).count();
        let summary = format!(
            "{} {}, {} invalid, {} {}",
            report.tasks.len(),
            plural(report.tasks.len(), "table", "tables"),
            invalid,
            report.stats.errors,
            plural(report.stats.errors, "error", "errors"),
        );
        writeln!(out)?;
        if report.valid {
            writeln!(out, "{} {}", self.good("valid:"), summary)
        } else {
            writeln!(out, "{} {}", self.bad("invalid:"), summary)
        }
    }

    fn task(&self, out: &mut impl Write, task: &Task) -> io::Result<()> {
        let rows = task.stats.rows.unwrap_or(0);
        let fields = task.stats.fields.unwrap_or(0);
        let shape = format!(
            "{rows} {}, {fields} {}",
            plural(rows as usize, "row", "rows"),
            plural(fields, "field", "fields")
        );
        if task.valid {
            writeln!(
                out,
                "{} {}  {}  {}",
                self.good("✓"),
                self.bold(&task.name),
                self.dim(&task.place),
                self.dim(&shape)
            )?;
        } else {
            writeln!(
                out,
                "{} {}  {}  {}, {} {}",
                self.bad("✗"),
                self.bold(&task.name),
                self.dim(&task.place),
                shape,
                task.stats.errors,
                plural(task.stats.errors, "error", "errors")
            )?;
        }
        for warning in &task.warnings {
            writeln!(out, "    {} {warning}", self.warn("warning:"))?;
        }
        let mut groups: BTreeMap<&str, Vec<&ReportError>> = BTreeMap::new();
        let mut order: Vec<&str> = Vec::new();
        for error in &task.errors {
            let code = error.kind.code();
            if !groups.contains_key(code) {
                order.push(code);
            }
            groups.entry(code).or_default().push(error);
        }
        for code in order {
            let errors = &groups[code];
            writeln!(out, "    {} ({})", self.bad(code), errors.len())?;
            for error in errors.iter().take(SHOWN_PER_TYPE) {
                writeln!(out, "      {}", self.error_line(error))?;
            }
            if errors.len() > SHOWN_PER_TYPE {
                writeln!(
                    out,
                    "      {}",
                    self.dim(&format!("… and {} more", errors.len() - SHOWN_PER_TYPE))
                )?;
            }
        }
        Ok(())
    }

    fn error_line(&self, error: &ReportError) -> String {
        let mut place = Vec::new();
        if let Some(row) = error.row_number {
            place.push(format!("row {row}"));
        }
        if let Some(n) = error.field_number {
            match error.field_name.as_deref() {
                Some(name) if !name.is_empty() => place.push(format!("field {n} \"{name}\"")),
                _ => place.push(format!("field {n}")),
            }
        }
        let mut line = String::new();
        if !place.is_empty() {
            line.push_str(&self.dim(&place.join(", ")));
            line.push_str(": ");
        }
        if let Some(cell) = &error.cell {
            if error.kind.is_cell_error() && !cell.is_empty() {
                line.push_str(&format!("{} ", self.cell(&shorten(cell))));
            }
        }
        if error.note.is_empty() || error.kind.is_label_error() {
            line.push_str(&error.message());
        } else {
            line.push_str(&error.note);
        }
        line
    }

    fn paint(&self, text: &str, f: impl Fn(&str) -> String) -> String {
        if self.color {
            f(text)
        } else {
            text.to_string()
        }
    }

    fn good(&self, t: &str) -> String {
        self.paint(t, |t| t.green().bold().to_string())
    }
    fn bad(&self, t: &str) -> String {
        self.paint(t, |t| t.red().bold().to_string())
    }
    fn warn(&self, t: &str) -> String {
        self.paint(t, |t| t.yellow().bold().to_string())
    }
    fn bold(&self, t: &str) -> String {
        self.paint(t, |t| t.bold().to_string())
    }
    fn dim(&self, t: &str) -> String {
        self.paint(t, |t| t.dimmed().to_string())
    }
    fn cell(&self, t: &str) -> String {
        let quoted = format!("{t:?}");
        self.paint(&quoted, |t| t.yellow().to_string())
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

fn shorten(cell: &str) -> String {
    if cell.chars().count() <= CELL_WIDTH {
        cell.to_string()
    } else {
        let head: String = cell.chars().take(CELL_WIDTH - 1).collect();
        format!("{head}…")
    }
}
