//! The mouse: a click selects a row or switches a tab, the wheel scrolls.
//! The geometry is the view's layout, computed here as plain numbers so
//! `update` stays free of drawing.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::{App, Command, board_short_title, board_title};
use crate::domain::boards::Board;

/// Rows the wheel moves per notch.
const WHEEL_ROWS: isize = 3;

/// One tab in the tab strip, where it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Tab {
    pub board: Board,
    pub label: String,
    pub count: Option<usize>,
    /// First column of the tab and its width.
    pub x: u16,
    pub width: u16,
}

impl App {
    /// The tab strip as drawn: on a narrow terminal the tabs drop their
    /// spacing so all of them fit.
    pub fn tab_strip(&self, width: u16) -> Vec<Tab> {
        let tabs = self.tabs_titled(width, false);
        // Six boards do not fit 80 columns with their full names: the
        // longest ones are then shortened, the numbers and counts stay.
        if tabs.last().is_some_and(|t| t.x + t.width > width) {
            self.tabs_titled(width, true)
        } else {
            tabs
        }
    }

    fn tabs_titled(&self, width: u16, short: bool) -> Vec<Tab> {
        let lang = self.lang();
        let wide = width >= 100;
        let mut x = u16::from(wide);
        let mut tabs = Vec::new();
        for (i, &board) in self.settings.tabs.iter().enumerate() {
            let title = if short {
                board_short_title(lang, board)
            } else {
                board_title(lang, board)
            };
            let label = format!(" {} {}", i + 1, title);
            let count = self.tab_count(board).filter(|&n| n > 0);
            let tab_width =
                (label.chars().count() + count.map_or(0, |n| n.to_string().len() + 1) + 1) as u16;
            tabs.push(Tab {
                board,
                label,
                count,
                x,
                width: tab_width,
            });
            x += tab_width + u16::from(wide);
        }
        tabs
    }

    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Command> {
        if !self.settings.mouse || self.overlay.is_some() {
            return Vec::new();
        }
        match mouse.kind {
            MouseEventKind::ScrollDown => self.move_by(WHEEL_ROWS),
            MouseEventKind::ScrollUp => self.move_by(-WHEEL_ROWS),
            MouseEventKind::Down(MouseButton::Left) => return self.click(mouse.column, mouse.row),
            _ => {}
        }
        Vec::new()
    }

    fn click(&mut self, x: u16, y: u16) -> Vec<Command> {
        if y == 1 {
            let tab = self
                .tab_strip(self.size.0)
                .into_iter()
                .find(|t| (t.x..t.x + t.width).contains(&x));
            return match tab {
                Some(tab) => self.go(tab.board),
                None => Vec::new(),
            };
        }
        // Header, tabs, the banner, the table's top border, its header row.
        let banner = u16::from(self.connection.offline.is_some());
        let first_row = 4 + banner;
        let page = self.page();
        let table_width = self.table_width();
        if y < first_row || x >= table_width {
            return Vec::new();
        }
        if let Some(table) = self.table_mut() {
            let position = table.offset + usize::from(y - first_row);
            if position < table.visible.len() && position < table.offset + page {
                table.selected = position;
            }
        }
        Vec::new()
    }
}
