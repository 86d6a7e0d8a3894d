//! Deriving the boards: all of them anew when the day, the people, the
//! focus or the language changed, else only the rows a sync moved.

use super::*;

impl App {
    /// Derives every board anew and rebuilds every table from it: when the
    /// day, the people, the focus or the language changed, or the
    /// drill-down opened. A change to cases goes through [`App::patch`].
    pub(super) fn rebuild(&mut self) {
        self.live = Live::new(
            &self.snapshot,
            &self.index,
            &self.me.person,
            &self.settings.focus,
            &self.settings.norms,
            self.now,
        );
        if let Some(login) = &self.drill {
            self.live
                .drill(&self.snapshot, &self.index, Some(login.as_deref()));
        }
        let lang = self.lang();
        let counting = self.settings.norms.counting;
        let mut tables: Vec<(View, Vec<TableRow>)> = Vec::new();
        for &board in &self.settings.tabs {
            let rows = match board {
                Board::Caseload => BoardRows::Caseload(self.live.caseload(&self.snapshot)),
                Board::Stagnatie => {
                    BoardRows::Stagnatie(self.live.stagnation(&self.snapshot, &self.index))
                }
                Board::Mandaat => BoardRows::Mandaat(self.live.mandate(
                    &self.snapshot,
                    &self.settings.norms,
                    self.now,
                )),
                Board::Doorzettingsmacht => BoardRows::Doorzettingsmacht(
                    self.live.doorzettingsmacht(&self.snapshot, &self.index),
                ),
                Board::Waakvlam => BoardRows::Waakvlam(self.live.waakvlam(
                    &self.snapshot,
                    &self.settings.norms,
                    self.now,
                )),
                Board::Doorstroom => continue,
            };
            tables.push((
                View::Board(board),
                rows.table(&self.snapshot, counting, lang, self.now),
            ));
        }
        // The Resultaat view only while it is shown: nobody pays for it
        // on every sync who never presses R.
        if self.results {
            tables.push((View::Results, self.results_rows()));
        }
        if self.drill.is_some() {
            let cases = self.live.cases_of(&self.snapshot);
            tables.push((
                View::CasesOf,
                columns::cases_of(&cases, &self.index, counting, lang),
            ));
        }
        let page = self.page();
        for (view, rows) in tables {
            let table = self.tables.entry(view).or_default();
            table.set_rows(rows);
            table.scroll_to_selection(page);
        }
        let rows = |board| {
            self.tables
                .get(&View::Board(board))
                .into_iter()
                .flat_map(|t| t.board_rows())
        };
        self.watch.reset(Signals::of(
            rows(Board::Stagnatie),
            rows(Board::Mandaat),
            rows(Board::Doorzettingsmacht),
        ));
    }

    /// The Resultaat view's rows: Stagnatie's, with the result signals
    /// only, in their own order.
    fn results_rows(&self) -> Vec<TableRow> {
        let rows = self.live.stagnation(&self.snapshot, &self.index);
        columns::stagnation(
            &boards::results(&rows),
            &self.snapshot,
            self.settings.norms.counting,
            self.lang(),
        )
    }

    /// Applies what [`Live::update`] says changed: only the rows that moved
    /// are built; the caseload (a row per person) and the Resultaat view
    /// (a handful of Stagnatie's rows, in an order of its own) are built
    /// whole.
    pub(super) fn patch(&mut self, changes: Changes) {
        let lang = self.lang();
        let counting = self.settings.norms.counting;
        let working = |rows: Vec<TableRow>| rows.into_iter().next().expect("one row");
        let Changes {
            stagnation,
            mandate,
            doorzettingsmacht,
            cases_of,
            holders,
            waakvlam,
        } = changes;
        let stagnation_moved = !stagnation.is_empty();
        let mut edits: Vec<(View, Vec<Edit<TableRow>>)> = Vec::new();
        let snapshot = &self.snapshot;
        let index = &self.index;
        edits.push((
            View::Board(Board::Stagnatie),
            convert(stagnation, |row| {
                working(columns::stagnation(&[row], snapshot, counting, lang))
            }),
        ));
        edits.push((
            View::Board(Board::Mandaat),
            convert(mandate, |row| {
                working(columns::mandate(&[row], snapshot, lang))
            }),
        ));
        let now = self.now;
        edits.push((
            View::Board(Board::Doorzettingsmacht),
            convert(doorzettingsmacht, |row| {
                working(columns::doorzettingsmacht(&[row], snapshot, lang, now))
            }),
        ));
        edits.push((
            View::Board(Board::Waakvlam),
            convert(waakvlam, |row| {
                working(columns::waakvlam(&[row], snapshot, lang))
            }),
        ));
        edits.push((
            View::CasesOf,
            convert(cases_of, |id: i64| {
                let case = &snapshot.cases[&id];
                working(columns::cases_of(&[case], index, counting, lang))
            }),
        ));
        let page = self.page();
        for (view, edits) in edits {
            let Some(table) = self.tables.get_mut(&view) else {
                continue;
            };
            let watched = match view {
                View::Board(Board::Stagnatie) => Some(Watched::Stagnation),
                View::Board(Board::Mandaat) => Some(Watched::Mandate),
                View::Board(Board::Doorzettingsmacht) => Some(Watched::Urgent),
                _ => None,
            };
            let watch = &mut self.watch;
            table.patch(edits, &mut |key, present| {
                if let Some(watched) = watched {
                    watch.moved(watched, key, present);
                }
            });
            table.scroll_to_selection(page);
        }
        // The caseload: the rows of the holders concerned, in place (their
        // order does not depend on their counts); the whole board only
        // when someone enters or leaves it.
        if let Some(table) = self.tables.get_mut(&View::Board(Board::Caseload)) {
            let replaced =
                holders.iter().all(
                    |holder| match self.live.caseload_row(&self.snapshot, holder) {
                        Some(row) => table.replace(
                            columns::caseload(&[row], &self.snapshot, local_date(self.now), lang)
                                .remove(0),
                        ),
                        None => !table
                            .board_rows()
                            .any(|r| r.key == RowKey::Person(holder.clone())),
                    },
                );
            if !replaced {
                table.set_rows(columns::caseload(
                    &self.live.caseload(&self.snapshot),
                    &self.snapshot,
                    local_date(self.now),
                    lang,
                ));
            }
            table.scroll_to_selection(page);
        }
        // The Resultaat view, whole, when Stagnatie's rows moved.
        if stagnation_moved && self.results {
            self.refresh_results();
        }
    }

    /// Builds the Resultaat view anew (shown, or just asked for with `R`).
    pub(super) fn refresh_results(&mut self) {
        let rows = self.results_rows();
        let page = self.page();
        let table = self.tables.entry(View::Results).or_default();
        table.set_rows(rows);
        table.scroll_to_selection(page);
    }

    pub(super) fn apply(&mut self, mut delta: Delta) {
        crate::desk::shown_text::tidy_delta(&mut delta);
        // People or their absences: shown on many rows (Caseload's
        // Afwezig column, a holder away), so every board is rebuilt.
        let people = !delta.people.is_empty() || !delta.absences.is_empty();
        let touched = self.snapshot.apply(delta);
        let all = self
            .index
            .refresh(&self.snapshot, &touched, &self.settings.norms, self.now);
        if all || people || touched.len() > PATCH_AT_MOST {
            // A new day moves every norm; a name or a capacity shows on
            // many rows; a page of the first sync is cheaper to derive
            // whole than to move into place row by row.
            self.rebuild();
        } else {
            let changes = self.live.update(
                &self.snapshot,
                &self.index,
                &touched,
                &self.settings.norms,
                self.now,
            );
            self.patch(changes);
        }
    }
}

/// A board's edits with each inserted row made into a table row.
pub(super) fn convert<R>(
    edits: Vec<Edit<R>>,
    mut make: impl FnMut(R) -> TableRow,
) -> Vec<Edit<TableRow>> {
    edits
        .into_iter()
        .map(|edit| match edit {
            Edit::Remove(at) => Edit::Remove(at),
            Edit::Insert(at, row) => Edit::Insert(at, make(row)),
        })
        .collect()
}
