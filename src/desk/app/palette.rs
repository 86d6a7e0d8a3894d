//! The command palette.

use tui_input::Input;

use super::{App, Command, View, board_title, fuzzy};
use crate::config::Language;
use crate::domain::boards::Board;

#[derive(Debug, Default)]
pub struct Palette {
    pub input: Input,
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PaletteCommand {
    GoBoard(Board),
    SortBy(usize),
    SortDefault,
    ToggleColumn(&'static str),
    Refresh,
    Language(Language),
    Quit,
}

impl App {
    /// The command palette's entries matching what was typed.
    pub fn palette_entries(&self, typed: &str) -> Vec<(String, PaletteCommand)> {
        let lang = self.lang();
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
        for (i, column) in self.columns().iter().enumerate() {
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
        entries.push((
            lang.pick("nu verversen", "refresh now").into(),
            PaletteCommand::Refresh,
        ));
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
        scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        scored.into_iter().map(|(_, e)| e).collect()
    }

    pub(super) fn run_palette(&mut self, command: PaletteCommand) -> Vec<Command> {
        match command {
            PaletteCommand::GoBoard(board) => return self.go(board),
            PaletteCommand::SortBy(column) => {
                if let Some(table) = self.table_mut() {
                    table.sort = Some(column);
                    table.refilter();
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
                    if let Some(at) = hidden.iter().position(|k| k == key) {
                        hidden.remove(at);
                    } else {
                        hidden.push(key.to_string());
                    }
                }
            }
            PaletteCommand::Refresh => return vec![Command::SyncNow],
            PaletteCommand::Language(lang) => {
                self.settings.lang = lang;
                self.rebuild();
            }
            PaletteCommand::Quit => self.quit = true,
        }
        Vec::new()
    }
}
