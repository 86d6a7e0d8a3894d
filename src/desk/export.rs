//! `regiedesk export BOARD`: a board as CSV or JSON for scripts and
//! reports, derived by the same code through the same API client as the
//! desk.

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};

use super::columns::{self, BoardRows};
use crate::api::client::{ApiClient, SyncOutcome};
use crate::config::Language;
use crate::domain::boards::{Board, Index, Snapshot};
use crate::domain::norms::Norms;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

/// Parses a board name, or says which names there are.
pub fn board(name: &str) -> anyhow::Result<Board> {
    Board::from_name(name).with_context(|| {
        format!(
            "unknown board {name:?}; boards are {}",
            Board::ALL.map(Board::name).join(", ")
        )
    })
}

pub async fn export(
    client: &ApiClient,
    board: Board,
    format: Format,
    now: DateTime<Utc>,
    norms: &Norms,
    lang: Language,
) -> anyhow::Result<String> {
    if board == Board::Doorstroom {
        bail!("the doorstroom board is not built yet; it comes with the throughput figures");
    }
    let me = client.me().await?;
    let mut snapshot = Snapshot::default();
    if let SyncOutcome::Changed { delta, .. } = client.sync(None, None).await? {
        snapshot.apply(delta);
    }
    let mut index = Index::default();
    index.refresh(&snapshot, &[], norms, now);
    let rows = BoardRows::derive(board, &snapshot, &index, &me.person, norms, now)
        .expect("every board but doorstroom has rows");
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&rows.to_json())? + "\n"),
        Format::Csv => {
            let table = rows.table(&snapshot, norms.counting, lang, now);
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(columns::of(board).iter().map(|c| c.header(lang)))?;
            for row in &table {
                writer.write_record(row.cells.iter().map(|c| c.export_value()))?;
            }
            Ok(String::from_utf8(writer.into_inner()?)?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_board_names_the_valid_ones() {
        assert_eq!(board("mandaat").unwrap(), Board::Mandaat);
        let error = board("stagnation").unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown board \"stagnation\"; boards are caseload, stagnatie, mandaat, doorzettingsmacht, doorstroom"
        );
    }
}
