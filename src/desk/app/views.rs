//! Saved views: `:` "bewaar weergave NAAM" keeps the board on screen with
//! its filter, sort and hidden columns in the configuration file
//! (`[desk.views.NAAM]`); `:NAAM` opens it again, on this desk or the next
//! start. The file is written by the runtime ([`Command::SaveView`]), so
//! `update` stays free of I/O.

use super::{App, Command, PaletteCommand, StatusKind, View, board_title};
use crate::config::{Language, SavedView, valid_view_name};

/// The words that save a view, per language.
const SAVE_WORDS: [&str; 2] = ["bewaar weergave", "save view"];

impl App {
    /// What the palette offers for views: saving the view on screen when
    /// the typed text starts so, else the saved views (the one whose name
    /// was typed exactly first).
    pub(super) fn view_entries(&self, typed: &str) -> Option<Vec<(String, PaletteCommand)>> {
        let lang = self.lang();
        let trimmed = typed.trim_start();
        let lower = trimmed.to_lowercase();
        let words = SAVE_WORDS.iter().find(|w| lower.starts_with(**w))?;
        let name = trimmed[words.len()..].trim();
        let entry = if !matches!(self.view(), Some(View::Board(_))) {
            (
                lang.pick(
                    "alleen een bord met een tabel kan als weergave bewaard worden",
                    "only a board with a table can be saved as a view",
                )
                .to_string(),
                PaletteCommand::Say(String::new()),
            )
        } else if name.is_empty() {
            (
                lang.pick(
                    "bewaar weergave NAAM: typ de naam erachter",
                    "save view NAME: type the name after it",
                )
                .to_string(),
                PaletteCommand::Say(String::new()),
            )
        } else if !valid_view_name(name) || name.chars().all(|c| c.is_ascii_digit()) {
            // Digits alone would be a case number after `:`.
            let why = lang.pick(
                "een naam is 1 tot 32 letters, cijfers, - of _ (niet alleen cijfers)",
                "a name is 1 to 32 letters, digits, - or _ (not digits alone)",
            );
            (why.to_string(), PaletteCommand::Say(why.to_string()))
        } else {
            let replaces = self.settings.views.contains_key(name);
            (
                format!(
                    "{} {name}{}",
                    lang.pick("bewaar weergave", "save view"),
                    if replaces {
                        lang.pick(" (vervangt de bewaarde)", " (replaces the saved one)")
                    } else {
                        ""
                    }
                ),
                PaletteCommand::SaveView(name.to_string()),
            )
        };
        Some(vec![entry])
    }

    /// Every saved view, for the palette's list.
    pub(super) fn saved_view_entries(&self) -> Vec<(String, PaletteCommand)> {
        let lang = self.lang();
        let mut entries: Vec<(String, PaletteCommand)> = self
            .settings
            .views
            .iter()
            .filter(|(_, v)| v.board().is_some_and(|b| self.settings.tabs.contains(&b)))
            .map(|(name, view)| {
                let board = view.board().map_or("", |b| board_title(lang, b));
                let filter = if view.filter.is_empty() {
                    String::new()
                } else {
                    format!(" · filter {}", view.filter)
                };
                (
                    format!("{} {name} · {board}{filter}", lang.pick("weergave", "view")),
                    PaletteCommand::OpenView(name.clone()),
                )
            })
            .collect();
        entries.push((
            lang.pick("bewaar weergave NAAM", "save view NAME")
                .to_string(),
            PaletteCommand::Say(
                lang.pick(
                    "Typ achter de dubbele punt: bewaar weergave NAAM",
                    "Type after the colon: save view NAME",
                )
                .into(),
            ),
        ));
        entries
    }

    /// The board on screen as a view to keep.
    fn current_view(&self) -> Option<SavedView> {
        let Some(View::Board(board)) = self.view() else {
            return None;
        };
        let table = self.table()?;
        let columns = self.columns();
        Some(SavedView {
            board: board.name().to_string(),
            filter: table.filter.clone(),
            sort: table
                .sort
                .and_then(|s| columns.get(s.column))
                .map(|c| c.key.to_string()),
            descending: table.sort.is_some_and(|s| s.descending),
            hidden_columns: self
                .settings
                .hidden
                .get(&board)
                .cloned()
                .unwrap_or_default(),
        })
    }

    pub(super) fn save_view(&mut self, name: String) -> Vec<Command> {
        let Some(view) = self.current_view() else {
            return Vec::new();
        };
        self.settings.views.insert(name.clone(), view.clone());
        vec![Command::SaveView { name, view }]
    }

    /// `:NAAM`: the view's board, with its filter, sort and columns.
    pub(super) fn open_view(&mut self, name: &str) -> Vec<Command> {
        let lang = self.lang();
        let Some(view) = self.settings.views.get(name).cloned() else {
            return Vec::new();
        };
        let Some(board) = view.board().filter(|b| self.settings.tabs.contains(b)) else {
            return Vec::new();
        };
        let commands = self.go(board);
        self.leave_drill();
        self.settings
            .hidden
            .insert(board, view.hidden_columns.clone());
        let column = view
            .sort
            .as_deref()
            .and_then(|key| self.columns().iter().position(|c| c.key == key));
        let page = self.page();
        if let Some(table) = self.table_mut() {
            table.filter = view.filter.clone();
            table.sort = column.map(|column| super::Sort {
                column,
                descending: view.descending,
            });
            table.refilter();
            table.top_when_it_fits(page);
            table.scroll_to_selection(page);
        }
        self.say(
            format!("{} {name}", lang.pick("Weergave", "View")),
            StatusKind::Done,
        );
        commands
    }

    /// The runtime wrote (or could not write) a saved view.
    pub(super) fn view_saved(&mut self, name: &str, result: Result<String, String>) {
        let lang = self.lang();
        match result {
            Ok(path) => self.say(
                match lang {
                    Language::Nl => format!("Weergave {name} bewaard in {path}; :{name} opent hem."),
                    Language::En => format!("View {name} saved in {path}; :{name} opens it."),
                },
                StatusKind::Done,
            ),
            Err(why) => self.say(
                match lang {
                    Language::Nl => {
                        format!("Weergave {name} niet bewaard: {why} (tot het einde van deze sessie onthouden)")
                    }
                    Language::En => {
                        format!("View {name} not saved: {why} (kept until this session ends)")
                    }
                },
                StatusKind::Error,
            ),
        }
    }
}
