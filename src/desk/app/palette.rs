//! The command palette.

use tui_input::Input;

use super::{App, Command, View, board_title, fuzzy};
use crate::config::Language;
use crate::domain::boards::{Board, Focus};
use crate::domain::model::{Case, CaseDomain, Role};

#[derive(Debug, Default)]
pub struct Palette {
    pub input: Input,
    pub selected: usize,
    /// What matches the typed text, worked out when it changes (a case
    /// search reads every case), not on every frame.
    pub entries: Vec<(String, PaletteCommand)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PaletteCommand {
    GoBoard(Board),
    SortBy(usize),
    SortDefault,
    ToggleColumn(&'static str),
    Refresh,
    Language(Language),
    /// Show only these case domains (empty: all).
    Focus(Vec<CaseDomain>),
    /// Go to a case: its row on a board, or its history when it is on none.
    GoCase(i64),
    /// Go to a request: its row on Mandaat, else its case.
    GoRequest(i64),
    /// No case has the typed number (among those the user may see).
    NoCase(String),
    /// No request has the typed number (among those the user may see).
    NoRequest(String),
    /// Keep the board on screen as a view of this name.
    SaveView(String),
    /// Open a saved view.
    OpenView(String),
    /// Only a line in the footer (a hint; empty: nothing).
    Say(String),
    Quit,
}

/// The digits of a request number a user typed: `AV-2026-0492`, `av 492`.
fn request_query(typed: &str) -> Option<String> {
    number_query(typed, &["av"])
}

/// The digits or number a user typed to find a case: `0876`,
/// `KST-2026-0876`, `kst 876`. At least three digits, so `:` followed by
/// a board name never turns into a case search.
fn case_query(typed: &str) -> Option<String> {
    number_query(typed, &["", "kst"])
}

/// The digits typed, when there are three or more and the letters around
/// them (lowercase, without `-` and spaces) are one of `prefixes`.
fn number_query(typed: &str, prefixes: &[&str]) -> Option<String> {
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    let rest = typed
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, '-' | ' '))
        .collect::<String>()
        .to_lowercase();
    (digits.len() >= 3 && prefixes.contains(&rest.as_str())).then_some(digits)
}

/// Whether a number (`KST-2026-0412`, `AV-2026-0492`) holds the typed
/// digits: `Some(true)` when its serial or all its digits are exactly
/// them, `Some(false)` when they are somewhere in it.
fn number_match(number: &str, digits: &str) -> Option<bool> {
    let own: String = number.chars().filter(char::is_ascii_digit).collect();
    let serial = number.rsplit('-').next().unwrap_or("");
    let exact = serial.trim_start_matches('0') == digits.trim_start_matches('0') || own == digits;
    (exact || own.contains(digits)).then_some(exact)
}

impl App {
    /// The command palette's entries matching what was typed.
    pub fn palette_entries(&self, typed: &str) -> Vec<(String, PaletteCommand)> {
        let lang = self.lang();
        if let Some(entries) = self.view_entries(typed) {
            return entries;
        }
        if let Some(digits) = case_query(typed) {
            return self.case_entries(&digits);
        }
        if let Some(digits) = request_query(typed) {
            return self.request_entries(&digits, typed.trim());
        }
        // A household's pseudonym, as every board shows it: `H-G97W`.
        let trimmed = typed.trim();
        if trimmed.len() >= 4 && trimmed[..2].eq_ignore_ascii_case("h-") {
            return self.household_entries(trimmed);
        }
        let mut entries: Vec<(String, PaletteCommand)> = Vec::new();
        for &board in &self.settings.tabs {
            entries.push((
                format!(
                    "{} {}",
                    lang.pick("ga naar", "go to"),
                    board_title(lang, board)
                ),
                PaletteCommand::GoBoard(board),
            ));
        }
        // Hidden columns are not offered to sort by: the order would follow
        // something the user cannot see.
        for (i, column) in self.columns().iter().enumerate() {
            if self.hidden(column) {
                continue;
            }
            entries.push((
                format!(
                    "{} {}",
                    lang.pick("sorteer op", "sort by"),
                    column.header(lang)
                ),
                PaletteCommand::SortBy(i),
            ));
        }
        if self.table().is_some() {
            entries.push((
                lang.pick("standaardvolgorde", "default order").to_string(),
                PaletteCommand::SortDefault,
            ));
        }
        if let Some(View::Board(_)) = self.view() {
            for column in self.columns().iter().filter(|c| c.priority > 1) {
                entries.push((
                    format!(
                        "{} {}",
                        lang.pick("kolom aan/uit:", "toggle column:"),
                        column.header(lang)
                    ),
                    PaletteCommand::ToggleColumn(column.key),
                ));
            }
        }
        entries.extend(self.saved_view_entries());
        entries.push((
            lang.pick("nu verversen", "refresh now").into(),
            PaletteCommand::Refresh,
        ));
        // A casusregisseur sees only their own cases: no domains to choose.
        if self.me.person.role != Role::Casusregisseur {
            for (label, domains) in [
                (lang.pick("domein: alle zaken", "domain: all cases"), vec![]),
                (
                    lang.pick("domein: alleen jeugd", "domain: youth only"),
                    vec![CaseDomain::Jeugd],
                ),
                (
                    lang.pick("domein: alleen volwassenen", "domain: adults only"),
                    vec![CaseDomain::Volwassenen],
                ),
            ] {
                let current = self.settings.focus.domains == domains;
                entries.push((
                    format!("{label}{}", if current { " ✓" } else { "" }),
                    PaletteCommand::Focus(domains),
                ));
            }
        }
        entries.push((
            "taal: Nederlands".into(),
            PaletteCommand::Language(Language::Nl),
        ));
        entries.push((
            "language: English".into(),
            PaletteCommand::Language(Language::En),
        ));
        entries.push((lang.pick("stop", "quit").into(), PaletteCommand::Quit));
        if typed.trim().is_empty() {
            return entries;
        }
        let mut score = fuzzy(typed);
        let mut scored: Vec<(u32, (String, PaletteCommand))> = entries
            .into_iter()
            .filter_map(|e| score(&e.0).map(|s| (s, e)))
            .collect();
        // A saved view's name typed whole comes first (`:koster`).
        let exact = |c: &PaletteCommand| matches!(c, PaletteCommand::OpenView(n) if n.eq_ignore_ascii_case(typed.trim()));
        scored.sort_by_key(|(score, (_, command))| (!exact(command), std::cmp::Reverse(*score)));
        scored.into_iter().map(|(_, e)| e).collect()
    }

    pub(super) fn run_palette(&mut self, command: PaletteCommand) -> Vec<Command> {
        match command {
            PaletteCommand::GoBoard(board) => return self.go(board),
            PaletteCommand::SortBy(column) => {
                if let Some(table) = self.table_mut() {
                    table.sort = Some(super::Sort {
                        column,
                        descending: table.numeric(column),
                    });
                    table.refilter();
                }
                if let Some(header) = self.columns().get(column).map(|c| c.header(self.lang())) {
                    let text = format!(
                        "{} {header}",
                        self.lang().pick("Gesorteerd op", "Sorted by")
                    );
                    self.say(text, super::StatusKind::Done);
                }
            }
            PaletteCommand::SortDefault => {
                if let Some(table) = self.table_mut() {
                    table.sort = None;
                    table.refilter();
                }
            }
            PaletteCommand::ToggleColumn(key) => {
                if let Some(View::Board(board)) = self.view() {
                    let hidden = self.settings.hidden.entry(board).or_default();
                    let shown = if let Some(at) = hidden.iter().position(|k| k == key) {
                        hidden.remove(at);
                        true
                    } else {
                        hidden.push(key.to_string());
                        false
                    };
                    let lang = self.lang();
                    let header = self
                        .columns()
                        .iter()
                        .find(|c| c.key == key)
                        .map_or(key, |c| c.header(lang));
                    let text = match (shown, lang) {
                        (true, Language::Nl) => format!(
                            "Kolom {header} aan (past hij niet, dan valt hij weg tot het venster breder is)"
                        ),
                        (true, Language::En) => format!(
                            "Column {header} on (if it does not fit, it shows once the window is wider)"
                        ),
                        (false, Language::Nl) => format!("Kolom {header} uit"),
                        (false, Language::En) => format!("Column {header} off"),
                    };
                    self.say(text, super::StatusKind::Done);
                }
            }
            PaletteCommand::Refresh => return vec![Command::SyncNow],
            PaletteCommand::Language(lang) => {
                self.settings.lang = lang;
                self.rebuild();
            }
            PaletteCommand::Focus(domains) => {
                self.settings.focus = Focus { domains };
                self.rebuild();
            }
            PaletteCommand::GoCase(case_id) => return self.go_to_case(case_id),
            PaletteCommand::GoRequest(request_id) => return self.go_to_request(request_id),
            PaletteCommand::NoCase(digits) => {
                let text = format!(
                    "{} {digits}",
                    self.lang().pick(
                        "Geen zaak die u mag zien heeft het nummer",
                        "No case you may see has the number"
                    )
                );
                self.say(text, super::StatusKind::Notice);
            }
            PaletteCommand::NoRequest(typed) => {
                let text = format!(
                    "{} {typed}",
                    self.lang().pick(
                        "Geen aanvraag die u mag zien heeft het nummer",
                        "No request you may see has the number"
                    )
                );
                self.say(text, super::StatusKind::Notice);
            }
            PaletteCommand::SaveView(name) => return self.save_view(name),
            PaletteCommand::OpenView(name) => return self.open_view(&name),
            PaletteCommand::Say(text) => {
                if !text.is_empty() {
                    self.say(text, super::StatusKind::Notice);
                }
            }
            PaletteCommand::Quit => self.quit = true,
        }
        Vec::new()
    }

    /// Cases whose number holds the typed digits, exact ends first.
    fn case_entries(&self, digits: &str) -> Vec<(String, PaletteCommand)> {
        let lang = self.lang();
        let mut found: Vec<(bool, &Case)> = self
            .snapshot
            .cases
            .values()
            .filter_map(|c| number_match(&c.number, digits).map(|exact| (exact, c)))
            .collect();
        // Exact first; then what is on a board (open, or in waakvlam)
        // before a closed case of the same number; then the newest.
        found.sort_by_cached_key(|(exact, c)| {
            (
                !exact,
                self.board_of(c.id).is_none() && !self.in_drill(c.id),
                std::cmp::Reverse(c.number.clone()),
            )
        });
        if found.is_empty() {
            return vec![(
                format!(
                    "{} {digits}",
                    lang.pick("geen zaak gevonden met", "no case found with")
                ),
                PaletteCommand::NoCase(digits.to_string()),
            )];
        }
        found
            .into_iter()
            .take(20)
            .map(|(_, c)| {
                let place = match self.board_of(c.id) {
                    Some(board) => board_title(lang, board).to_string(),
                    None => lang
                        .pick("op geen bord: geschiedenis", "on no board: history")
                        .to_string(),
                };
                (
                    format!(
                        "{} {} · {} · {place}",
                        lang.pick("zaak", "case"),
                        c.number,
                        crate::desk::columns::status(lang, c.status)
                    ),
                    PaletteCommand::GoCase(c.id),
                )
            })
            .collect()
    }

    /// Requests whose number holds the typed digits, exact ends first.
    /// The cases of the household whose pseudonym starts with `typed`.
    fn household_entries(&self, typed: &str) -> Vec<(String, PaletteCommand)> {
        let lang = self.lang();
        let wanted = typed.to_uppercase();
        let mut found: Vec<&Case> = self
            .snapshot
            .cases
            .values()
            .filter(|c| c.pseudonym.to_uppercase().starts_with(&wanted))
            .collect();
        found.sort_by_cached_key(|c| {
            (
                self.board_of(c.id).is_none(),
                std::cmp::Reverse(c.number.clone()),
            )
        });
        if found.is_empty() {
            return vec![(
                format!(
                    "{} {typed}",
                    lang.pick("geen huishouden gevonden met", "no household found with")
                ),
                PaletteCommand::NoCase(typed.to_string()),
            )];
        }
        found
            .into_iter()
            .take(20)
            .map(|c| {
                (
                    format!(
                        "{} {} · {} · {}",
                        lang.pick("zaak", "case"),
                        c.number,
                        c.pseudonym,
                        crate::desk::columns::status(lang, c.status)
                    ),
                    PaletteCommand::GoCase(c.id),
                )
            })
            .collect()
    }

    fn request_entries(&self, digits: &str, typed: &str) -> Vec<(String, PaletteCommand)> {
        let lang = self.lang();
        let mut found: Vec<(bool, &crate::domain::model::Request)> = self
            .snapshot
            .requests
            .values()
            .filter_map(|r| number_match(&r.number, digits).map(|exact| (exact, r)))
            .collect();
        found.sort_by_cached_key(|(exact, r)| (!exact, std::cmp::Reverse(r.number.clone())));
        if found.is_empty() {
            return vec![(
                format!(
                    "{} {typed}",
                    lang.pick("geen aanvraag gevonden met", "no request found with")
                ),
                PaletteCommand::NoRequest(typed.to_string()),
            )];
        }
        found
            .into_iter()
            .take(20)
            .map(|(_, r)| {
                let case = self
                    .snapshot
                    .cases
                    .get(&r.case_id)
                    .map(|c| c.number.as_str())
                    .unwrap_or("");
                (
                    format!(
                        "{} {} · {case} · {}",
                        lang.pick("aanvraag", "request"),
                        r.number,
                        crate::desk::labels::request_status(lang, r.status)
                    ),
                    PaletteCommand::GoRequest(r.id),
                )
            })
            .collect()
    }

    /// Whether the drill-down on screen lists the case.
    fn in_drill(&self, case_id: i64) -> bool {
        self.view() == Some(View::CasesOf)
            && self
                .tables
                .get(&View::CasesOf)
                .is_some_and(|t| t.board_rows().any(|r| r.key.case_id() == Some(case_id)))
    }

    /// Selects the request on Mandaat, or goes to its case.
    fn go_to_request(&mut self, request_id: i64) -> Vec<Command> {
        let on_mandate = self
            .tables
            .get(&View::Board(Board::Mandaat))
            .is_some_and(|t| {
                t.board_rows()
                    .any(|r| r.key.request_id() == Some(request_id))
            });
        if !on_mandate {
            let Some(case_id) = self.snapshot.requests.get(&request_id).map(|r| r.case_id) else {
                return Vec::new();
            };
            return self.go_to_case(case_id);
        }
        let commands = self.go(Board::Mandaat);
        self.select_where(|key| key.request_id() == Some(request_id));
        commands
    }

    /// The board a case is on: the current one if it is there, else the
    /// first in tab order.
    fn board_of(&self, case_id: i64) -> Option<Board> {
        let on = |board: Board| {
            self.tables
                .get(&View::Board(board))
                .is_some_and(|t| t.board_rows().any(|r| r.key.case_id() == Some(case_id)))
        };
        if on(self.board) {
            return Some(self.board);
        }
        self.settings.tabs.iter().copied().find(|&b| on(b))
    }

    /// Selects the case on its board (clearing a filter that hides it), or
    /// opens its history when it is on no board.
    fn go_to_case(&mut self, case_id: i64) -> Vec<Command> {
        // In a drill-down that lists it: the row on screen.
        let commands = if self.in_drill(case_id) {
            Vec::new()
        } else {
            let Some(board) = self.board_of(case_id) else {
                return self.open_detail(case_id);
            };
            self.go(board)
        };
        self.select_where(|key| key.case_id() == Some(case_id));
        commands
    }

    /// Selects the first row of the table on screen whose key `wanted`,
    /// clearing a filter that hides it.
    fn select_where(&mut self, wanted: impl Fn(&super::RowKey) -> bool) {
        let page = self.page();
        let Some(table) = self.table_mut() else {
            return;
        };
        let shown = |t: &super::TableView| t.visible.iter().position(|&i| wanted(&t.rows[i].key));
        if shown(table).is_none() {
            table.filter.clear();
            table.refilter();
        }
        if let Some(position) = shown(table) {
            table.selected = position;
            table.scroll_to_selection(page);
        }
    }
}
