//! The one table of the benchmark: rows of measurements, printed and written as Markdown, and
//! written as JSON with the raw numbers behind every cell.

use std::time::Duration;

use serde_json::{Value as Json, json};

/// What a row measured, in its unit.
#[derive(Clone, Copy, Debug)]
pub enum Value {
    Time(Duration),
    Bytes(u64),
    Lines(u64),
    /// A dimensionless ratio, as targets compare them.
    Ratio(f64),
    Count(u64),
    /// Nothing was measured; the note says why.
    None,
}

impl Value {
    fn display(self) -> String {
        match self {
            Value::Time(t) if t < Duration::from_secs(1) => {
                format!("{:.1} ms", t.as_secs_f64() * 1e3)
            }
            Value::Time(t) => format!("{:.2} s", t.as_secs_f64()),
            Value::Bytes(b) => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
            Value::Lines(n) => format!("{} lines", thousands(n)),
            Value::Ratio(r) => format!("{r:.2}×"),
            Value::Count(n) => thousands(n),
            Value::None => "—".to_owned(),
        }
    }

    fn json(self) -> (Json, Json) {
        match self {
            Value::Time(t) => (json!(t.as_secs_f64()), json!("s")),
            Value::Bytes(b) => (json!(b), json!("bytes")),
            Value::Lines(n) => (json!(n), json!("lines")),
            Value::Ratio(r) => (json!(r), json!("ratio")),
            Value::Count(n) => (json!(n), json!("count")),
            Value::None => (Json::Null, Json::Null),
        }
    }

    /// The number that ratios are taken between.
    pub fn number(self) -> Option<f64> {
        match self {
            Value::Time(t) => Some(t.as_secs_f64()),
            Value::Bytes(b) => Some(b as f64),
            Value::Lines(n) | Value::Count(n) => Some(n as f64),
            Value::Ratio(r) => Some(r),
            Value::None => None,
        }
    }
}

/// How a row came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Measured,
    /// The tool failed, or could not be installed or run; the note says how.
    Failed,
    Met,
    Missed,
    /// A target that this run could not decide; the note says why.
    Undecided,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Measured => "measured",
            Status::Failed => "failed",
            Status::Met => "met",
            Status::Missed => "missed",
            Status::Undecided => "not measured",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Row {
    pub measure: String,
    pub spec: String,
    pub tool: String,
    pub value: Value,
    /// This project's value divided by this row's, for rows of another tool or the floor.
    pub ours_over_this: Option<f64>,
    pub status: Status,
    pub note: String,
}

impl Row {
    pub fn new(measure: &str, spec: &str, tool: &str, value: Value) -> Self {
        Self {
            measure: measure.to_owned(),
            spec: spec.to_owned(),
            tool: tool.to_owned(),
            value,
            ours_over_this: None,
            status: Status::Measured,
            note: String::new(),
        }
    }

    pub fn failed(measure: &str, spec: &str, tool: &str, why: &str) -> Self {
        Self {
            status: Status::Failed,
            note: why.to_owned(),
            ..Self::new(measure, spec, tool, Value::None)
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    /// A target's verdict: `what` is the target, `value` what it compares with its limit.
    pub fn target(spec: &str, what: &str, value: Value, met: bool, note: String) -> Self {
        Self {
            status: if met { Status::Met } else { Status::Missed },
            note,
            ..Self::new("target", spec, what, value)
        }
    }

    pub fn undecided(spec: &str, what: &str, why: &str) -> Self {
        Self {
            status: Status::Undecided,
            note: why.to_owned(),
            ..Self::new("target", spec, what, Value::None)
        }
    }

    /// The note column: the verdict of a target or a failure, then the note.
    fn note_cell(&self) -> String {
        let verdict = match self.status {
            Status::Measured => None,
            Status::Met => Some("**met**"),
            Status::Missed => Some("**missed**"),
            Status::Failed => Some("failed:"),
            Status::Undecided => Some("not measured:"),
        };
        match (verdict, self.note.is_empty()) {
            (Some(v), true) => v.to_owned(),
            (Some(v), false) => format!("{v} {}", self.note),
            (None, _) => self.note.clone(),
        }
    }
}

/// The whole report: what was run, then the rows.
pub struct Report {
    pub title: String,
    /// Sentences above the table, on how its numbers were taken.
    pub preamble: Vec<String>,
    pub settings: Json,
    pub rows: Vec<Row>,
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n\n", self.title);
        for line in &self.preamble {
            out.push_str(line);
            out.push_str("\n\n");
        }
        out.push_str("| measure | spec | tool | value | ours ÷ this | note |\n");
        out.push_str("|---|---|---|---:|---:|---|\n");
        for row in &self.rows {
            let ratio = row.ours_over_this.map(significant).unwrap_or_default();
            let cells = [
                row.measure.clone(),
                row.spec.clone(),
                row.tool.clone(),
                row.value.display(),
                ratio,
                row.note_cell(),
            ];
            let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }

    pub fn json(&self) -> Json {
        let rows: Vec<Json> = self
            .rows
            .iter()
            .map(|row| {
                let (value, unit) = row.value.json();
                json!({
                    "measure": row.measure,
                    "spec": row.spec,
                    "tool": row.tool,
                    "value": value,
                    "unit": unit,
                    "display": row.value.display(),
                    "ours_over_this": row.ours_over_this,
                    "status": row.status.word(),
                    "note": row.note,
                })
            })
            .collect();
        json!({
            "title": self.title,
            "preamble": self.preamble,
            "settings": self.settings,
            "rows": rows,
        })
    }
}

/// A ratio with three significant digits, so that small ones do not all read `0.00`.
fn significant(r: f64) -> String {
    if !r.is_finite() || r <= 0.0 {
        return format!("{r}");
    }
    let decimals = (2 - r.log10().floor() as i32).clamp(0, 6) as usize;
    format!("{r:.decimals$}")
}

/// Text made safe for one Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_well() {
        assert_eq!(
            Value::Time(Duration::from_micros(12_340)).display(),
            "12.3 ms"
        );
        assert_eq!(
            Value::Time(Duration::from_millis(2_346)).display(),
            "2.35 s"
        );
        assert_eq!(Value::Lines(1_234_567).display(), "1,234,567 lines");
        assert_eq!(Value::Bytes(3 * 1024 * 1024).display(), "3.0 MiB");
    }

    #[test]
    fn ratios_keep_three_digits() {
        assert_eq!(significant(0.001_234), "0.00123");
        assert_eq!(significant(0.45), "0.450");
        assert_eq!(significant(5.512), "5.51");
        assert_eq!(significant(123.4), "123");
    }

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }
}
