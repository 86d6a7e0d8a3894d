//! A table on screen: its rows, the filter, the sort and the selection.

use super::fuzzy;
use crate::desk::columns::TableRow;

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
    /// Sorted by this column (index into the board's columns).
    pub sort: Option<usize>,
}

impl TableView {
    pub fn selected_row(&self) -> Option<&TableRow> {
        self.visible.get(self.selected).map(|&i| &self.rows[i])
    }

    /// Replaces the rows, keeping the selection on the same item.
    pub(super) fn set_rows(&mut self, rows: Vec<TableRow>) {
        let key = self.selected_row().map(|r| r.key.clone());
        self.rows = rows;
        self.refilter();
        if let Some(key) = key
            && let Some(pos) = self.visible.iter().position(|&i| self.rows[i].key == key)
        {
            self.selected = pos;
        }
        self.clamp();
    }

    pub(super) fn refilter(&mut self) {
        self.visible = if self.filter.trim().is_empty() {
            (0..self.rows.len()).collect()
        } else {
            let mut score = fuzzy(&self.filter);
            (0..self.rows.len())
                .filter(|&i| score(&self.rows[i].haystack()).is_some())
                .collect()
        };
        if let Some(column) = self.sort {
            let rows = &self.rows;
            self.visible.sort_by(|&a, &b| {
                let (a, b) = (
                    rows[a].cells.get(column).map(|c| c.export_value()),
                    rows[b].cells.get(column).map(|c| c.export_value()),
                );
                match (
                    a.and_then(|v| v.parse::<f64>().ok()),
                    b.and_then(|v| v.parse::<f64>().ok()),
                ) {
                    // Numbers (lateness, counts) worst first.
                    (Some(x), Some(y)) => y.total_cmp(&x),
                    _ => a.cmp(&b),
                }
            });
        }
        self.clamp();
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
