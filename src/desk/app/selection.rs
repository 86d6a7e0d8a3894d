//! Several rows at once. `Space` marks the row under the cursor (and
//! moves on, so a run of rows is marked key after key); `V` opens a range
//! from the cursor that follows it until `V` or `Space` closes it, as
//! lazygit's range select (`v` is verdagen here, so the range takes vim's
//! line-wise `V`). With rows marked, `t` and `e` act on all of them (see
//! [`super::bulk`]) and `x` exports them; `Esc` drops the marks.
//!
//! Marks are keys, not positions: a sort, a filter or a sync that moves
//! rows keeps them on the same cases, and a row that leaves the board
//! leaves the marks with it (see `TableView::patch`).

use std::collections::HashSet;

use super::{App, Command, StatusKind, View, board_title};
use crate::desk::columns::{RowKey, TableRow};
use crate::desk::export::table_csv;

/// The marked rows of one table.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    keys: HashSet<RowKey>,
    /// Where an open range (`V`) started; the range runs to the cursor.
    pub anchor: Option<RowKey>,
}

impl Marks {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.anchor.is_none()
    }

    /// Marked on its own, or the start of the open range.
    pub fn holds(&self, key: &RowKey) -> bool {
        self.keys.contains(key) || self.anchor.as_ref() == Some(key)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&RowKey) -> bool) {
        self.keys.retain(|k| keep(k));
        if self.anchor.as_ref().is_some_and(|a| !keep(a)) {
            self.anchor = None;
        }
    }

    fn toggle(&mut self, key: RowKey) {
        if !self.keys.remove(&key) {
            self.keys.insert(key);
        }
    }
}

impl super::TableView {
    /// The positions (in `visible`) of the open range, both ends included.
    pub fn range(&self) -> Option<(usize, usize)> {
        let anchor = self.marks.anchor.as_ref()?;
        let at = self
            .visible
            .iter()
            .position(|&slot| &self.rows[slot].key == anchor)
            // The anchor filtered out of view: the range is the cursor's row.
            .unwrap_or(self.selected);
        Some((at.min(self.selected), at.max(self.selected)))
    }

    /// Whether the row shown at `position` is marked, the open range
    /// counted in. `range` is [`Self::range`], worked out once per frame.
    pub fn is_marked(&self, position: usize, range: Option<(usize, usize)>) -> bool {
        range.is_some_and(|(from, to)| (from..=to).contains(&position))
            || self
                .visible
                .get(position)
                .is_some_and(|&slot| self.marks.keys.contains(&self.rows[slot].key))
    }

    /// The marked keys, the open range counted in, each once. Only keys of
    /// rows on the board are kept (see `TableView::patch`), so this is
    /// what a count or a check needs, without a pass over the board: the
    /// footer asks on every frame.
    pub fn marked_keys(&self) -> HashSet<&RowKey> {
        let mut keys: HashSet<&RowKey> = self.marks.keys.iter().collect();
        if let Some((from, to)) = self.range() {
            keys.extend(
                self.visible[from..=to]
                    .iter()
                    .map(|&slot| &self.rows[slot].key),
            );
        }
        keys
    }

    /// The marked rows in the board's order, the open range counted in;
    /// rows a filter hides now are still marked and counted.
    pub fn marked(&self) -> Vec<&TableRow> {
        let keys = self.marked_keys();
        if keys.is_empty() {
            return Vec::new();
        }
        self.board_rows()
            .filter(|r| keys.contains(&r.key))
            .collect()
    }

    /// Rows marked (the open range counted in).
    pub fn marked_count(&self) -> usize {
        self.marked_keys().len()
    }
}

impl App {
    /// Whether the user has rows marked on the table on screen.
    pub fn has_marks(&self) -> bool {
        self.table().is_some_and(|t| !t.marks.is_empty())
    }

    /// The cases of the marked rows, each once, in no particular order
    /// (see [`super::TableView::marked_keys`]).
    pub(super) fn marked_case_ids(&self) -> HashSet<i64> {
        self.table()
            .map(|t| {
                t.marked_keys()
                    .into_iter()
                    .filter_map(RowKey::case_id)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The cases of the marked rows, each once, in the board's order.
    pub(super) fn marked_cases(&self) -> Vec<i64> {
        let mut seen = HashSet::new();
        self.table()
            .map(|t| t.marked())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| r.key.case_id())
            .filter(|id| seen.insert(*id))
            .collect()
    }

    /// `Space`: marks or unmarks the row and moves to the next.
    pub(super) fn toggle_mark(&mut self) {
        // An old footer line ("Markering opgeheven") would contradict the
        // count the footer shows next.
        self.status = None;
        let page = self.page();
        let Some(table) = self.table_mut() else {
            return;
        };
        if let Some((from, to)) = table.range() {
            // Space closes an open range, as `V` does.
            close_range(table, from, to);
            return;
        }
        if let Some(key) = table.selected_row().map(|r| r.key.clone()) {
            table.marks.toggle(key);
            table.move_by(1, page);
        }
    }

    /// `V`: opens a range at the cursor, or closes the open one (its rows
    /// stay marked).
    pub(super) fn toggle_range(&mut self) {
        self.status = None;
        let Some(table) = self.table_mut() else {
            return;
        };
        match table.range() {
            Some((from, to)) => close_range(table, from, to),
            None => table.marks.anchor = table.selected_row().map(|r| r.key.clone()),
        }
    }

    /// `Esc` with rows marked: the marks go, nothing else.
    pub(super) fn clear_marks(&mut self) -> bool {
        let Some(table) = self.table_mut() else {
            return false;
        };
        if table.marks.is_empty() {
            return false;
        }
        table.marks = Marks::default();
        true
    }

    /// After a bulk action: only the rows it could not change stay marked,
    /// so the user can look at them and try again.
    pub(super) fn keep_marked(&mut self, cases: &HashSet<i64>) {
        if let Some(table) = self.table_mut() {
            if let Some((from, to)) = table.range() {
                close_range(table, from, to);
            }
            table
                .marks
                .retain(|k| k.case_id().is_some_and(|id| cases.contains(&id)));
        }
    }

    /// `x`: the marked rows, or else the rows shown, as CSV: the cells as
    /// the desk shows them (case number and pseudonym, never a name or a
    /// note), every column, safe to open in a spreadsheet.
    pub(super) fn export(&mut self) -> Vec<Command> {
        let lang = self.lang();
        let Some(table) = self.table() else {
            return Vec::new();
        };
        let marked = table.marked();
        let rows: Vec<&TableRow> = if marked.is_empty() {
            table
                .visible
                .iter()
                .map(|&slot| &table.rows[slot])
                .collect()
        } else {
            marked
        };
        if rows.is_empty() {
            self.say(
                lang.pick(
                    "Er is niets om te exporteren.",
                    "There is nothing to export.",
                )
                .into(),
                StatusKind::Notice,
            );
            return Vec::new();
        }
        let contents = match table_csv(self.columns(), rows.iter().copied(), lang) {
            Ok(contents) => contents,
            Err(error) => {
                self.say(error.to_string(), StatusKind::Error);
                return Vec::new();
            }
        };
        let what = match self.view() {
            Some(View::CasesOf) => "caseload-selectie".to_string(),
            Some(View::Results) => "resultaat".to_string(),
            _ => board_title(crate::config::Language::Nl, self.board).to_lowercase(),
        };
        let file_name = format!(
            "regiedesk-{what}-{}.csv",
            self.now
                .with_timezone(&chrono_tz::Europe::Amsterdam)
                .format("%Y-%m-%d-%H%M%S")
        );
        vec![Command::Export {
            file_name,
            contents,
            rows: rows.len(),
        }]
    }
}

fn close_range(table: &mut super::TableView, from: usize, to: usize) {
    let keys: Vec<RowKey> = table.visible[from..=to]
        .iter()
        .map(|&slot| table.rows[slot].key.clone())
        .collect();
    table.marks.anchor = None;
    table.marks.keys.extend(keys);
}
