//! A table on screen: its rows, the filter, the sort and the selection.
//!
//! A board of 100,000 cases changes one row at a time: [`TableView::patch`]
//! applies the edits the domain's [`Live`](crate::domain::live::Live)
//! reports, so a change costs the rows it touches (and a few passes over
//! plain indexes), not a rebuild of every cell. What a frame needs (the
//! widest cell per column, the count in the title) is kept up to date here,
//! never worked out per frame.

use std::cmp::Ordering;

use super::{exact_where_found, fuzzy};
use crate::desk::columns::{RowKey, TableRow};
use crate::domain::live::Edit;

/// The order a user chose for a table: a column, and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// Index into the board's columns.
    pub column: usize,
    /// Largest first (numbers) or Z to A (text).
    pub descending: bool,
}

/// Widths above this count as this (no column may claim more).
const WIDEST: usize = 255;

#[derive(Debug, Clone, Default)]
pub struct TableView {
    /// The rows by slot. A removed row's slot is emptied and used again;
    /// only the slots in the board's order hold rows.
    pub rows: Vec<TableRow>,
    free: Vec<usize>,
    /// The board's own order (worst first), as slots.
    order: Vec<usize>,
    /// Slots that pass the filter, in display order.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    /// First visible position drawn.
    pub offset: usize,
    pub filter: String,
    /// `None`: the board's own order (worst first).
    pub sort: Option<Sort>,
    /// Per column, the width its widest cell needs (kept as rows change,
    /// not measured per frame).
    pub content: Vec<u16>,
    /// Per column, how many cells need each width.
    widths: Vec<Vec<u32>>,
    /// Per slot, whether the row passes `matched` (the filter the matches
    /// were worked out for).
    matches: Vec<bool>,
    matched: String,
    /// `matched` as matched: its words exact where some row held them
    /// (see `exact_where_found`), so rows patched in later match alike.
    pattern: String,
    /// The visible rows' weights summed (the signals in the title).
    pub weight: u64,
    /// Rows marked for an action on several at once (see `selection`).
    pub marks: super::selection::Marks,
}

impl TableView {
    pub fn selected_row(&self) -> Option<&TableRow> {
        self.visible.get(self.selected).map(|&i| &self.rows[i])
    }

    /// Rows on the board, filtered or not.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The board's rows in its own order.
    pub fn board_rows(&self) -> impl Iterator<Item = &TableRow> {
        self.order.iter().map(|&slot| &self.rows[slot])
    }

    /// Replaces the rows, keeping the selection on the same item. Returns
    /// false when the selected item is no longer in the table (the
    /// selection then stays at the same height, on a neighbour).
    pub(super) fn set_rows(&mut self, rows: Vec<TableRow>) -> bool {
        let key = self.selected_row().map(|r| r.key.clone());
        self.widths.clear();
        self.order = (0..rows.len()).collect();
        self.free.clear();
        self.rows = rows;
        if !self.marks.is_empty() {
            let present: std::collections::HashSet<&RowKey> =
                self.rows.iter().map(|r| &r.key).collect();
            self.marks.retain(|key| present.contains(key));
        }
        for slot in 0..self.rows.len() {
            self.measure(slot, 1);
        }
        self.update_content();
        self.matches.clear();
        self.matched.clear();
        self.rematch();
        self.reorder(key)
    }

    /// Applies a board's edits (see [`crate::domain::live::Edit`]); the
    /// rows inserted are the only ones built. Keeps the selection as
    /// [`TableView::set_rows`] does.
    /// `moved` hears of every row that left (false) or entered the board.
    pub(super) fn patch(
        &mut self,
        edits: Vec<Edit<TableRow>>,
        moved: &mut dyn FnMut(&RowKey, bool),
    ) -> bool {
        if edits.is_empty() {
            return true;
        }
        let key = self.selected_row().map(|r| r.key.clone());
        let mut gone = Vec::new();
        let mut added = Vec::new();
        let filter = self.pattern.clone();
        let mut score = (!filter.trim().is_empty()).then(|| fuzzy(&filter));
        // Marked rows that left the board (a row that moves is removed and
        // inserted again, so only those not inserted again are unmarked).
        let mut unmark = Vec::new();
        for edit in edits {
            match edit {
                Edit::Remove(at) => {
                    let slot = self.order.remove(at);
                    moved(&self.rows[slot].key, false);
                    if self.marks.holds(&self.rows[slot].key) {
                        unmark.push(self.rows[slot].key.clone());
                    }
                    self.measure(slot, -1);
                    gone.push(slot);
                }
                Edit::Insert(at, row) => {
                    moved(&row.key, true);
                    unmark.retain(|k| *k != row.key);
                    let matches = score
                        .as_mut()
                        .is_none_or(|score| score(&row.haystack()).is_some());
                    let slot = match self.free.pop() {
                        Some(slot) => {
                            self.rows[slot] = row;
                            slot
                        }
                        None => {
                            self.rows.push(row);
                            self.rows.len() - 1
                        }
                    };
                    if self.matches.len() < self.rows.len() {
                        self.matches.resize(self.rows.len(), false);
                    }
                    self.matches[slot] = matches;
                    self.measure(slot, 1);
                    self.order.insert(at, slot);
                    added.push(slot);
                }
            }
        }
        // Freed slots are used again only from the next patch on, so a
        // slot in `gone` is not among `added`.
        self.update_content();
        match self.sort {
            None => self.visible = self.filtered_order(),
            Some(sort) => {
                // The rows that stay keep their places; the new ones go in
                // where a full sort would put them.
                let mut dead = vec![false; self.rows.len()];
                for &slot in &gone {
                    dead[slot] = true;
                }
                self.visible.retain(|&slot| !dead[slot]);
                let rank = self.ranks();
                for slot in added.into_iter().filter(|&slot| self.matches[slot]) {
                    let at = self
                        .visible
                        .partition_point(|&v| self.compare(sort, &rank, v, slot) == Ordering::Less);
                    self.visible.insert(at, slot);
                }
            }
        }
        for slot in gone {
            self.rows[slot] = TableRow {
                key: RowKey::Person(None),
                cells: Vec::new(),
                weight: 0,
            };
            self.free.push(slot);
        }
        self.marks.retain(|k| !unmark.contains(k));
        self.select(key)
    }

    /// Puts `row` in place of the row with the same key, where it stands
    /// in the board's order; false when there is no such row.
    pub(super) fn replace(&mut self, row: TableRow) -> bool {
        let Some(slot) = self
            .order
            .iter()
            .copied()
            .find(|&slot| self.rows[slot].key == row.key)
        else {
            return false;
        };
        let key = self.selected_row().map(|r| r.key.clone());
        self.measure(slot, -1);
        if !self.matched.trim().is_empty() {
            self.matches[slot] = fuzzy(&self.pattern)(&row.haystack()).is_some();
        }
        self.rows[slot] = row;
        self.measure(slot, 1);
        self.update_content();
        if self.sort.is_some() || !self.matched.trim().is_empty() {
            self.reorder(key);
        } else {
            self.select(key);
        }
        true
    }

    /// Counts (`sign` 1) or uncounts (-1) a row's cell widths.
    fn measure(&mut self, slot: usize, sign: i32) {
        let row = &self.rows[slot];
        if self.widths.len() < row.cells.len() {
            self.widths.resize(row.cells.len(), vec![0; WIDEST + 1]);
        }
        for (counts, cell) in self.widths.iter_mut().zip(&row.cells) {
            let width = usize::from(cell.width()).min(WIDEST);
            counts[width] = counts[width].saturating_add_signed(sign);
        }
    }

    fn update_content(&mut self) {
        self.content = self
            .widths
            .iter()
            .map(|counts| counts.iter().rposition(|&n| n > 0).unwrap_or(0) as u16)
            .collect();
    }

    /// The natural direction of a column: numbers (lateness, counts) worst
    /// first, text from A to Z.
    pub(super) fn numeric(&self, column: usize) -> bool {
        self.board_rows()
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
        self.rematch();
        self.reorder(key)
    }

    /// Works out which rows match the filter, when it changed.
    fn rematch(&mut self) {
        if self.matched == self.filter && self.matches.len() == self.rows.len() {
            return;
        }
        self.matched = self.filter.clone();
        self.matches = if self.filter.trim().is_empty() {
            self.pattern.clear();
            vec![true; self.rows.len()]
        } else {
            let haystacks: Vec<String> = self.rows.iter().map(|row| row.haystack()).collect();
            self.pattern = exact_where_found(&self.filter, haystacks.iter().map(String::as_str));
            let mut score = fuzzy(&self.pattern);
            haystacks.iter().map(|h| score(h).is_some()).collect()
        };
    }

    fn filtered_order(&self) -> Vec<usize> {
        if self.matched.trim().is_empty() {
            self.order.clone()
        } else {
            self.order
                .iter()
                .copied()
                .filter(|&slot| self.matches[slot])
                .collect()
        }
    }

    /// Each slot's place in the board's order.
    fn ranks(&self) -> Vec<usize> {
        let mut rank = vec![usize::MAX; self.rows.len()];
        for (at, &slot) in self.order.iter().enumerate() {
            rank[slot] = at;
        }
        rank
    }

    /// The user's order: by the column's value, empty ones last, then in
    /// the board's order.
    fn compare(&self, sort: Sort, rank: &[usize], a: usize, b: usize) -> Ordering {
        let value = |slot: usize| {
            self.rows[slot]
                .cells
                .get(sort.column)
                .map(|c| c.export_value())
        };
        compare_values(value(a), value(b), sort.descending).then(rank[a].cmp(&rank[b]))
    }

    /// Filters and sorts the rows, then puts the selection on `key` if shown.
    fn reorder(&mut self, key: Option<RowKey>) -> bool {
        self.visible = self.filtered_order();
        if let Some(sort) = self.sort {
            let rank = self.ranks();
            let mut visible = std::mem::take(&mut self.visible);
            visible.sort_by(|&a, &b| self.compare(sort, &rank, a, b));
            self.visible = visible;
        }
        self.select(key)
    }

    /// Puts the selection on `key` if shown; counts the visible weight.
    fn select(&mut self, key: Option<RowKey>) -> bool {
        self.weight = self
            .visible
            .iter()
            .map(|&slot| u64::from(self.rows[slot].weight))
            .sum();
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

    /// After the order changed: when the selection is on the first page,
    /// the first page is shown, not an offset left from the old order.
    pub(super) fn top_when_it_fits(&mut self, page: usize) {
        if self.selected < page.max(1) {
            self.offset = 0;
        }
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

/// Two cells' values in a user's sort: empty values (no deadline, nobody)
/// last either way, numbers as numbers, else as text.
fn compare_values(a: Option<&str>, b: Option<&str>, descending: bool) -> Ordering {
    let empty = |v: Option<&str>| v.is_none_or(str::is_empty);
    match (empty(a), empty(b)) {
        (false, true) => return Ordering::Less,
        (true, false) => return Ordering::Greater,
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
}
