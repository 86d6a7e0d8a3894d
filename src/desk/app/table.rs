//! A table on screen: its rows, the filter, the sort and the selection.

use super::fuzzy;
use crate::desk::columns::{RowKey, TableRow};

/// The order a user chose for a table: a column, and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// Index into the board's columns.
    pub column: usize,
    /// Largest first (numbers) or Z to A (text).
    pub descending: bool,
}

#[derive(Debug, Clone, Default)]
pub struct TableView {
    pub rows: Vec<TableRow>,
    /// Indexes into `rows` that pass the filter, in display order.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    /// First visible position drawn.
    pub offset: usize,
    pub filter: String,
    /// `None`: the board's own order (worst first).
    pub sort: Option<Sort>,
    /// Per column, the width its widest cell needs (measured when the rows
    /// change, not per frame).
    pub content: Vec<u16>,
}

impl TableView {
    pub fn selected_row(&self) -> Option<&TableRow> {
        self.visible.get(self.selected).map(|&i| &self.rows[i])
    }

    /// Replaces the rows, keeping the selection on the same item. Returns
    /// false when the selected item is no longer in the table (the
    /// selection then stays at the same height, on a neighbour).
    pub(super) fn set_rows(&mut self, rows: Vec<TableRow>) -> bool {
        self.content.clear();
        for row in &rows {
            if self.content.len() < row.cells.len() {
                self.content.resize(row.cells.len(), 0);
            }
            for (width, cell) in self.content.iter_mut().zip(&row.cells) {
                *width = (*width).max(cell.width());
            }
        }
        let key = self.selected_row().map(|r| r.key.clone());
        self.rows = rows;
        self.reorder(key)
    }

    /// The natural direction of a column: numbers (lateness, counts) worst
    /// first, text from A to Z.
    pub(super) fn numeric(&self, column: usize) -> bool {
        self.rows
            .iter()
            .filter_map(|r| r.cells.get(column))
            .map(|c| c.export_value())
            .find(|v| !v.is_empty())
            .is_some_and(|v| v.parse::<f64>().is_ok())
    }

    /// Applies the filter and the sort again. The selection stays on the
    /// same row whenever that row is still shown; every re-ordering goes
    /// through here, so no key press can leave the cursor on another case.
    /// Returns false when the selected row is gone.
    pub(super) fn refilter(&mut self) -> bool {
        let key = self.selected_row().map(|r| r.key.clone());
        self.reorder(key)
    }

    /// Filters and sorts `rows`, then puts the selection on `key` if shown.
    fn reorder(&mut self, key: Option<RowKey>) -> bool {
        self.visible = if self.filter.trim().is_empty() {
            (0..self.rows.len()).collect()
        } else {
            let mut score = fuzzy(&self.filter);
            (0..self.rows.len())
                .filter(|&i| score(&self.rows[i].haystack()).is_some())
                .collect()
        };
        if let Some(Sort { column, descending }) = self.sort {
            let rows = &self.rows;
            let value = |i: usize| rows[i].cells.get(column).map(|c| c.export_value());
            self.visible.sort_by(|&a, &b| {
                let (a, b) = (value(a), value(b));
                let empty = |v: Option<&str>| v.is_none_or(str::is_empty);
                // Empty values (no deadline, nobody) go last either way.
                match (empty(a), empty(b)) {
                    (false, true) => return std::cmp::Ordering::Less,
                    (true, false) => return std::cmp::Ordering::Greater,
                    _ => {}
                }
                let order = match (
                    a.and_then(|v| v.parse::<f64>().ok()),
                    b.and_then(|v| v.parse::<f64>().ok()),
                ) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    _ => a.cmp(&b),
                };
                if descending { order.reverse() } else { order }
            });
        }
        let kept = match key {
            Some(key) => match self.visible.iter().position(|&i| self.rows[i].key == key) {
                Some(position) => {
                    self.selected = position;
                    true
                }
                None => false,
            },
            None => true,
        };
        self.clamp();
        kept
    }

    pub(super) fn clamp(&mut self) {
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    pub(super) fn move_by(&mut self, delta: isize, page: usize) {
        let last = self.visible.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
        self.scroll_to_selection(page);
    }

    pub(super) fn scroll_to_selection(&mut self, page: usize) {
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self
            .offset
            .min(self.visible.len().saturating_sub(page))
            .min(self.selected);
    }
}
