//! The desk's one state and its `update`: The Elm Architecture. `update`
//! changes the state and returns [`Command`]s; it never does I/O, so every
//! key, sync and answer can be tested as plain data.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Matcher, Utf32Str};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::columns::{self, BoardRows, Column, RowKey, TableRow};
use super::doorstroom::{Doorstroom, Preset, REFRESH_AFTER, parse_period};
use super::keymap::{self, Action};
use super::notify::{self, News, Signals, Watch, Watched};
use crate::api::client::ApiFailure;
use crate::api::wire::{CaseDetailResponse, DecisionBody, Me};
use crate::config::Language;
use crate::domain::boards::{self, Board, Delta, Focus, Index, Snapshot};
use crate::domain::calendar::local_date;
use crate::domain::live::{Changes, Edit, Live};
use crate::domain::model::{Case, Login, Person, Request};
use crate::domain::norms::Norms;
use crate::domain::permissions::{self, CaseAction};
use crate::domain::stats::{Bucket, Period, Throughput};

mod dialog;
mod mouse;
mod palette;
mod relogin;
mod table;
mod team;

pub use crate::domain::suggest::Candidate;
pub use dialog::{Dialog, DialogKind, Flight, Gone, Picker, Seen};
pub use mouse::Tab;
pub use palette::{Palette, PaletteCommand};
pub use relogin::{Relogin, ReloginMsg};
pub use table::{Sort, TableView};
pub use team::{AbsenceField, AbsenceForm, Outcome, ProposalRow, Redistribution, RowPicker, Stage};

/// Everything that can happen to the desk.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// The clock moved (once a second).
    Tick(DateTime<Utc>),
    /// A poll brought changes.
    Synced {
        delta: Delta,
        at: DateTime<Utc>,
    },
    /// The server no longer knew the desk's cursor (a restored or
    /// reseeded database): `delta` is everything, replacing what was held.
    Resynced {
        delta: Delta,
        at: DateTime<Utc>,
    },
    /// A poll found nothing new (304).
    SyncIdle {
        at: DateTime<Utc>,
    },
    /// A poll failed; the next attempt is at `retry_at`.
    SyncFailed {
        error: String,
        /// The server refused the token or the person (401/403), as
        /// opposed to not answering.
        denied: bool,
        retry_at: DateTime<Utc>,
    },
    DetailLoaded {
        case_id: i64,
        result: Result<Box<CaseDetailResponse>, ApiFailure>,
    },
    ActionDone {
        ticket: u64,
        result: Result<Changed, ApiFailure>,
    },
    /// The throughput figures the Doorstroom board asked for.
    StatsLoaded {
        period: Period,
        by: Bucket,
        result: Result<Box<Throughput>, ApiFailure>,
    },
    /// A login while the desk runs (`L`) moved on.
    Relogin(ReloginMsg),
    /// SIGTERM or SIGHUP.
    Quit,
}

/// What an accepted change returned.
#[derive(Debug, Clone, PartialEq)]
pub enum Changed {
    Case(Box<Case>),
    Request(Box<Request>),
    Absence(Box<crate::domain::absence::Absence>),
    /// An absence withdrawn: whose, and which.
    AbsenceGone(Login, i64),
}

/// Work for the runtime: network calls and notifications.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Load a case's detail and history (an audited read).
    LoadDetail(i64),
    Act {
        ticket: u64,
        call: ActionCall,
    },
    /// Poll now instead of waiting for the interval.
    SyncNow,
    /// Ask the server for the throughput figures of a period.
    LoadStats {
        period: Period,
        by: Bucket,
    },
    Notify {
        summary: String,
        body: String,
    },
    /// Put a case or request number on the clipboard (OSC 52, which
    /// also reaches the clipboard through tmux and ssh).
    Copy(String),
    /// Start a device login at the identity provider (`L`).
    Login,
    /// Give up the login under way.
    CancelLogin,
}

/// A change sent to the API at the version the user saw.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionCall {
    Case {
        case_id: i64,
        action: &'static str,
        body: serde_json::Value,
        version: i64,
    },
    Decide {
        request_id: i64,
        body: DecisionBody,
        version: i64,
    },
    /// Something about a request's term (`suspension`, `extension`, ...).
    Request {
        request_id: i64,
        action: &'static str,
        body: serde_json::Value,
        version: i64,
    },
    /// Marks a casusregisseur absent.
    Absence {
        login: Login,
        body: crate::api::wire::NewAbsenceBody,
    },
    /// Withdraws an absence recorded by mistake.
    AbsenceWithdraw { login: Login, id: i64 },
    /// Changes an absence (a new last day, the return settled).
    AbsenceChange {
        login: Login,
        id: i64,
        body: crate::api::wire::AbsenceChangeBody,
    },
}

/// A table on screen: a board, or the drill-down into one person's cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Board(Board),
    CasesOf,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Connection {
    pub last_sync: Option<DateTime<Utc>>,
    pub offline: Option<Offline>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Offline {
    pub error: String,
    pub denied: bool,
    pub retry_at: DateTime<Utc>,
}

/// A one-line message in the footer; it gives the key hints back after a
/// few seconds (counted in ticks, so a frozen clock does not keep it).
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
    /// Ticks (seconds) it stays.
    pub ticks: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    /// Something the user did was done.
    Done,
    /// Something the user should know (read only, a case left the board).
    Notice,
    Error,
}

/// How long a confirmation or notice and an error stay in the footer.
const STATUS_TICKS: u32 = 4;
const ERROR_TICKS: u32 = 10;

#[derive(Debug)]
// One overlay at a time, in one App: the size of the largest (a dialog
// with its fields) costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
pub enum Overlay {
    /// The help, scrolled down this many lines (a short terminal).
    Help(u16),
    Filter(Input),
    Palette(Palette),
    Detail(Detail),
    Dialog(Dialog),
    /// Typing a period of one's own for the Doorstroom board; the error
    /// stays beside what was typed.
    Period(Input, Option<String>),
    /// Marking a casusregisseur absent.
    Absence(AbsenceForm),
    /// Who takes an absent casusregisseur's cases, or the way back.
    Redistribution(Redistribution),
}

#[derive(Debug)]
pub struct Detail {
    pub case_id: i64,
    pub state: DetailState,
    pub scroll: u16,
}

#[derive(Debug)]
pub enum DetailState {
    Loading,
    Loaded(Box<CaseDetailResponse>),
    Failed(String),
}

/// What the desk is started with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub lang: Language,
    pub mono: bool,
    pub norms: Norms,
    pub tabs: Vec<Board>,
    pub hidden: BTreeMap<Board, Vec<String>>,
    pub notifications: bool,
    /// Click and wheel; off leaves the terminal's own text selection.
    pub mouse: bool,
    /// The case domains on the boards (palette: "domein …").
    pub focus: Focus,
    /// Shown in the header: the municipality or server.
    pub place: String,
}

/// From this width the selected case's facts stand beside the table.
pub const DETAIL_PANE_FROM: u16 = 140;
/// Width of that pane.
pub const DETAIL_PANE_WIDTH: u16 = 46;

/// Cases a sync may change for the boards to be patched row by row; more,
/// and they are derived whole (each row put in place costs a move of the
/// board's order, a derivation costs a sort).
const PATCH_AT_MOST: usize = 64;

/// Seconds between two notifications: a burst becomes one.
const NOTIFY_COOLDOWN_TICKS: u32 = 20;

pub struct App {
    pub me: Me,
    pub settings: Settings,
    pub now: DateTime<Utc>,
    pub board: Board,
    /// Drilled into one casusregisseur's cases (`Some(None)`: unassigned).
    pub drill: Option<Option<Login>>,
    pub doorstroom: Doorstroom,
    pub snapshot: Snapshot,
    index: Index,
    /// The boards, kept up to date one case at a time.
    live: Live,
    pub tables: HashMap<View, TableView>,
    pub overlay: Option<Overlay>,
    pub connection: Connection,
    pub status: Option<Status>,
    pub size: (u16, u16),
    /// What is on the boards that notify, for telling what is new.
    watch: Watch,
    pending: News,
    cooldown: u32,
    next_ticket: u64,
    in_flight: HashMap<u64, String>,
    /// Logged in through the identity provider: `L` logs in again.
    pub sso: bool,
    /// A login under way over the screen (see [`relogin`]).
    pub relogin: Option<Relogin>,
    /// A follow-up's concern opened a case the desk has not synced yet:
    /// what the footer said, and the new case's id, named when it arrives.
    opened_by_concern: Option<(String, i64)>,
    pub quit: bool,
}

impl App {
    pub fn new(me: Me, settings: Settings, now: DateTime<Utc>, size: (u16, u16)) -> Self {
        let landing = boards::landing_board(me.person.role);
        let board = if settings.tabs.contains(&landing) {
            landing
        } else {
            settings.tabs[0]
        };
        let live = Live::new(
            &Snapshot::default(),
            &Index::default(),
            &me.person,
            &settings.focus,
            &settings.norms,
            now,
        );
        let mut app = App {
            live,
            me,
            settings,
            now,
            board,
            drill: None,
            doorstroom: Doorstroom::default(),
            snapshot: Snapshot::default(),
            index: Index::default(),
            tables: HashMap::new(),
            overlay: None,
            connection: Connection::default(),
            status: None,
            size,
            watch: Watch::default(),
            pending: News::default(),
            cooldown: 0,
            next_ticket: 1,
            in_flight: HashMap::new(),
            sso: false,
            relogin: None,
            opened_by_concern: None,
            quit: false,
        };
        app.rebuild();
        app
    }

    /// What the desk asks for as it opens (the landing board's figures).
    pub fn start(&mut self) -> Vec<Command> {
        if self.board == Board::Doorstroom {
            self.load_stats()
        } else {
            Vec::new()
        }
    }

    /// Whether the user may see the throughput figures at all.
    pub fn sees_stats(&self) -> bool {
        permissions::may_read_stats(&self.me.person).is_ok()
    }

    fn load_stats(&mut self) -> Vec<Command> {
        if !self.sees_stats() {
            return Vec::new();
        }
        let doorstroom = &mut self.doorstroom;
        doorstroom.loading = true;
        doorstroom.age = 0;
        vec![Command::LoadStats {
            period: doorstroom.preset.period(local_date(self.now)),
            by: doorstroom.bucket(),
        }]
    }

    pub fn lang(&self) -> Language {
        self.settings.lang
    }

    pub fn person(&self) -> &Person {
        &self.me.person
    }

    /// The table on screen, if the board has one.
    pub fn view(&self) -> Option<View> {
        match (self.board, &self.drill) {
            (Board::Doorstroom, _) => None,
            (Board::Caseload, Some(_)) => Some(View::CasesOf),
            (board, _) => Some(View::Board(board)),
        }
    }

    pub fn table(&self) -> Option<&TableView> {
        self.view().and_then(|v| self.tables.get(&v))
    }

    fn table_mut(&mut self) -> Option<&mut TableView> {
        let view = self.view()?;
        self.tables.get_mut(&view)
    }

    pub fn columns(&self) -> &'static [Column] {
        match self.view() {
            Some(View::CasesOf) => columns::CASES_OF,
            Some(View::Board(board)) => columns::of(board),
            None => &[],
        }
    }

    /// Whether a column is hidden by configuration or the palette.
    pub fn hidden(&self, column: &Column) -> bool {
        // Nobody away, now or planned: the column would be empty.
        if column.key == "afwezig" && self.snapshot.absences.is_empty() {
            return true;
        }
        self.view()
            .and_then(|v| match v {
                View::Board(b) => self.settings.hidden.get(&b),
                View::CasesOf => None,
            })
            .is_some_and(|h| h.iter().any(|k| k == column.key))
    }

    /// Columns the table takes: all, unless the detail pane stands beside it.
    pub fn table_width(&self) -> u16 {
        let (width, _) = self.size;
        if width >= DETAIL_PANE_FROM && self.view() != Some(View::Board(Board::Caseload)) {
            width.saturating_sub(DETAIL_PANE_WIDTH)
        } else {
            width
        }
    }

    /// Rows of the table that fit on screen: the frame takes a header,
    /// tabs, footer, table borders and column headers.
    pub fn page(&self) -> usize {
        let banner = u16::from(self.connection.offline.is_some());
        usize::from(self.size.1.saturating_sub(6 + banner)).max(1)
    }

    pub fn selected_key(&self) -> Option<&RowKey> {
        self.table()
            .and_then(TableView::selected_row)
            .map(|r| &r.key)
    }

    pub fn selected_case(&self) -> Option<&Case> {
        self.selected_key()
            .and_then(RowKey::case_id)
            .and_then(|id| self.snapshot.cases.get(&id))
    }

    /// The ways an open case stagnates, as the boards last derived them.
    pub fn stagnation_of(&self, case_id: i64) -> &[crate::domain::norms::Stagnation] {
        self.index.stagnation_of(case_id)
    }

    /// Working days from today to a legal deadline (negative: past).
    pub fn working_days_until(&self, deadline: DateTime<Utc>) -> i64 {
        self.settings.norms.working_days_left(deadline, self.now)
    }

    /// The open cases `login` holds, as the caseload counts them.
    pub fn open_of(&self, login: &str) -> u32 {
        self.live
            .caseload_row(&self.snapshot, &Some(login.to_string()))
            .map_or(0, |row| row.open)
    }

    /// Open referrals nobody holds yet (the Doorstroom load counts only
    /// what casusregisseurs hold).
    pub fn unassigned_open(&self) -> usize {
        self.live.unassigned_open()
    }

    /// The count on a tab: the items on that board that need the user.
    pub fn tab_count(&self, board: Board) -> Option<usize> {
        let table = self.tables.get(&View::Board(board))?;
        // Stagnatie has one row per case, so every count is the rows'.
        match board {
            Board::Caseload | Board::Doorstroom => None,
            // Overdue and due soon: the rest waits for its date.
            Board::Waakvlam => Some(self.live.waakvlam_urgent()),
            _ => Some(table.len()),
        }
    }

    // ---- derivation --------------------------------------------------

    /// Derives every board anew and rebuilds every table from it: when the
    /// day, the people, the focus or the language changed, or the
    /// drill-down opened. A change to cases goes through [`App::patch`].
    fn rebuild(&mut self) {
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

    /// Applies what [`Live::update`] says changed: only the rows that moved
    /// are built; the caseload (a row per person) is built whole.
    fn patch(&mut self, changes: Changes) {
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
    }

    fn apply(&mut self, mut delta: Delta) {
        crate::desk::shown_text::tidy_delta(&mut delta);
        let people = !delta.people.is_empty();
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

    // ---- update ------------------------------------------------------

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Resize(width, height) => {
                self.size = (width, height);
                let page = self.page();
                if let Some(t) = self.table_mut() {
                    t.scroll_to_selection(page);
                }
                Vec::new()
            }
            Msg::Tick(now) => self.on_tick(now),
            Msg::Synced { delta, at } => self.on_synced(delta, at),
            Msg::Resynced { delta, at } => {
                // Everything the desk held may be gone from the server (a
                // restore or reseed): start from the full sync alone, and
                // notify nothing, as at start.
                self.snapshot = Snapshot::default();
                self.index = Index::default();
                self.watch = Watch::default();
                let commands = self.on_synced(delta, at);
                self.say(
                    self.lang()
                        .pick(
                            "De server kende de stand van de desk niet meer: alles is opnieuw geladen.",
                            "The server no longer knew the desk's position: everything was reloaded.",
                        )
                        .to_string(),
                    StatusKind::Notice,
                );
                commands
            }
            Msg::SyncIdle { at } => {
                self.connection.last_sync = Some(at);
                self.connection.offline = None;
                Vec::new()
            }
            Msg::SyncFailed {
                error,
                denied,
                retry_at,
            } => {
                self.connection.offline = Some(Offline {
                    error,
                    denied,
                    retry_at,
                });
                Vec::new()
            }
            Msg::DetailLoaded { case_id, result } => {
                if let Some(Overlay::Detail(detail)) = &mut self.overlay
                    && detail.case_id == case_id
                {
                    detail.state = match result {
                        Ok(mut loaded) => {
                            crate::desk::shown_text::tidy_detail(&mut loaded);
                            DetailState::Loaded(loaded)
                        }
                        Err(failure) => DetailState::Failed(failure.to_string()),
                    };
                }
                Vec::new()
            }
            Msg::ActionDone { ticket, result } => self.on_action_done(ticket, result),
            Msg::Relogin(msg) => self.on_relogin(msg),
            Msg::StatsLoaded { period, by, result } => {
                let doorstroom = &mut self.doorstroom;
                // An answer for a period the user has since left is dropped.
                if period == doorstroom.preset.period(local_date(self.now))
                    && by == doorstroom.bucket()
                {
                    doorstroom.loading = false;
                    match result {
                        Ok(figures) => {
                            doorstroom.figures = Some(figures);
                            doorstroom.error = None;
                        }
                        Err(failure) => doorstroom.error = Some(failure.to_string()),
                    }
                }
                Vec::new()
            }
            Msg::Quit => {
                self.quit = true;
                Vec::new()
            }
        }
    }

    fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<Command> {
        let new_day = local_date(now) != local_date(self.now);
        self.now = now;
        if let Some(status) = self.status.as_mut() {
            status.ticks = status.ticks.saturating_sub(1);
            if status.ticks == 0 {
                self.status = None;
            }
        }
        if new_day {
            // Lateness changes only when the day does.
            self.index
                .refresh(&self.snapshot, &[], &self.settings.norms, now);
            self.rebuild();
        }
        self.cooldown = self.cooldown.saturating_sub(1);
        self.doorstroom.age = self.doorstroom.age.saturating_add(1);
        self.flush_notifications()
    }

    fn on_synced(&mut self, delta: Delta, at: DateTime<Utc>) -> Vec<Command> {
        self.connection.last_sync = Some(at);
        self.connection.offline = None;
        let selected = self.selected_key().cloned();
        self.apply(delta);
        if let Some((done, new)) = self.opened_by_concern.take() {
            match self.snapshot.cases.get(&new) {
                Some(case) => {
                    let text = format!("{done}: {}", case.number);
                    self.say(text, StatusKind::Done);
                }
                None => self.opened_by_concern = Some((done, new)),
            }
        }
        if let Some(key) = selected
            && self.selected_key() != Some(&key)
            && let Some(number) = self.number_of(&key)
        {
            // The row under the cursor left the board: say so, so nobody
            // acts on the neighbour that is now selected without noticing.
            self.say(
                format!(
                    "{number} {}",
                    self.lang().pick(
                        "staat niet meer op dit bord; de selectie is verschoven.",
                        "has left this board; the selection moved."
                    )
                ),
                StatusKind::Notice,
            );
        }
        let news = self.watch.settle(&self.snapshot);
        if self.settings.notifications {
            self.pending.merge(news);
        }
        let mut commands = Vec::new();
        if self.board == Board::Doorstroom
            && !self.doorstroom.loading
            && self.doorstroom.age >= REFRESH_AFTER
        {
            commands = self.load_stats();
        }
        self.recheck_dialog();
        commands.extend(self.flush_notifications());
        commands
    }

    fn flush_notifications(&mut self) -> Vec<Command> {
        if self.cooldown > 0 || self.pending.is_empty() {
            return Vec::new();
        }
        let news = std::mem::take(&mut self.pending);
        self.cooldown = NOTIFY_COOLDOWN_TICKS;
        match notify::message(self.lang(), &news) {
            Some((summary, body)) => vec![Command::Notify { summary, body }],
            None => Vec::new(),
        }
    }

    fn on_action_done(&mut self, ticket: u64, result: Result<Changed, ApiFailure>) -> Vec<Command> {
        if let Some(commands) = self.on_team_done(ticket, &result) {
            return commands;
        }
        let done = self.in_flight.remove(&ticket).unwrap_or_default();
        let dialog_open = matches!(&self.overlay, Some(Overlay::Dialog(d)) if d.ticket == ticket);
        match result {
            Ok(changed) => {
                let mut done = done;
                match changed {
                    Changed::Case(case) => {
                        // A follow-up's concern opened a case: the footer
                        // names it when the desk holds it, else the next
                        // sync that brings it does.
                        let opened = case.follow_up_case_id.filter(|_| {
                            case.follow_up_result
                                == Some(crate::domain::model::FollowUpResult::Concern)
                        });
                        self.apply(Delta {
                            cases: vec![*case],
                            ..Delta::default()
                        });
                        if let Some(new) = opened {
                            match self.snapshot.cases.get(&new) {
                                Some(c) => {
                                    // "…: zorg, nieuwe zaak aangemeld: KST-…"
                                    done = format!("{done}: {}", c.number);
                                }
                                None => self.opened_by_concern = Some((done.clone(), new)),
                            }
                        }
                    }
                    Changed::Request(request) => self.apply(Delta {
                        requests: vec![*request],
                        ..Delta::default()
                    }),
                    Changed::Absence(absence) => self.absence_changed(&absence),
                    Changed::AbsenceGone(login, id) => self.absence_gone(&login, id),
                }
                let hand_back = match &self.overlay {
                    Some(Overlay::Dialog(d)) if dialog_open && d.hand_back => {
                        d.kind.case_id(&self.snapshot)
                    }
                    _ => None,
                };
                if dialog_open {
                    self.overlay = None;
                }
                self.say(done, StatusKind::Done);
                // De-escalated and to be handed back: whom to, next.
                if let Some(case_id) = hand_back {
                    self.open_picker(case_id);
                }
                vec![Command::SyncNow]
            }
            Err(failure) => {
                let lang = self.lang();
                let conflict = failure.is_conflict();
                let text = if conflict {
                    format!(
                        "{} {}",
                        failure,
                        lang.pick(
                            "De gegevens zijn ververst; kijk wat er veranderde en druk nogmaals op Enter, of Esc.",
                            "The data has been refreshed; see what changed and press Enter again, or Esc."
                        )
                    )
                } else if failure.wants_login() && self.sso {
                    format!(
                        "{failure} {}",
                        lang.pick(
                            "Ctrl-L: opnieuw inloggen; wat u typte blijft staan.",
                            "Ctrl-L: log in again; what you typed stays."
                        )
                    )
                } else {
                    failure.to_string()
                };
                if dialog_open && let Some(Overlay::Dialog(dialog)) = &mut self.overlay {
                    dialog.flight = if conflict {
                        Flight::Conflict(text)
                    } else {
                        Flight::Refused(text)
                    };
                } else {
                    self.say(text, StatusKind::Error);
                }
                if conflict {
                    vec![Command::SyncNow]
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return Vec::new();
        }
        if let KeyCode::Char(c) = key.code
            && key.modifiers == KeyModifiers::ALT
        {
            // A terminal sends Esc quickly followed by a key as Alt+key;
            // the user meant Esc, then the key. No binding uses Alt.
            let mut commands = self.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
            commands.extend(self.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
            return commands;
        }
        if self.relogin.is_some() {
            return self.on_relogin_key(key);
        }
        if self.asks_relogin(&key) {
            return self.start_relogin();
        }
        if let Some(overlay) = self.overlay.take() {
            return self.on_overlay_key(overlay, key);
        }
        match keymap::action_for(&key) {
            Some(action) if self.offers(action) => self.perform(action, key),
            Some(action) if action.changes_a_case() && self.read_only() => {
                self.say(
                    self.lang()
                        .pick(
                            "Alleen lezen: de procesmanager volgt de cijfers en handelt niet op zaken.",
                            "Read only: the procesmanager follows the figures and does not act on cases.",
                        )
                        .to_string(),
                    StatusKind::Notice,
                );
                Vec::new()
            }
            Some(action) => {
                // A key that does nothing here says why, never nothing.
                if let Some(why) = self.why_not(action) {
                    self.say(why, StatusKind::Notice);
                }
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// Why a key that means something does nothing on this row, when the
    /// reason is not obvious from the screen.
    fn why_not(&self, action: Action) -> Option<String> {
        let lang = self.lang();
        match action {
            // A case action this role may not take here: the domain's own
            // words for why (as the server would refuse it).
            Action::Reassign
            | Action::Escalate
            | Action::TakeOver
            | Action::Deescalate
            | Action::FollowUp
            | Action::Postpone => {
                let case = self.selected_case()?;
                if action == Action::Escalate && case.escalated {
                    return Some(match lang {
                        Language::Nl => format!("{} is al opgeschaald.", case.number),
                        Language::En => format!("{} is already escalated.", case.number),
                    });
                }
                let what = match action {
                    Action::Reassign
                        if case.status == crate::domain::model::CaseStatus::Waakvlam =>
                    {
                        CaseAction::AssignFollowUp
                    }
                    Action::Reassign => CaseAction::Assign,
                    Action::Escalate => CaseAction::Escalate,
                    Action::TakeOver => CaseAction::TakeOver,
                    Action::Deescalate => CaseAction::Deescalate,
                    Action::FollowUp => CaseAction::RecordFollowUp,
                    _ => CaseAction::PostponeFollowUp,
                };
                permissions::may_act_on_case(&self.me.person, what, case)
                    .err()
                    .map(|denied| format!("{}: {}", case.number, denied.0))
            }
            Action::Absence if self.board == Board::Caseload => Some(
                lang.pick(
                    "A geldt voor een casusregisseur: kies zijn of haar rij (procesregisseurs).",
                    "A is for a casusregisseur: choose their row (procesregisseurs).",
                )
                .to_string(),
            ),
            Action::SortReverse if self.table().is_some() => Some(
                lang.pick(
                    "De volgorde van het bord draait niet om; kies eerst een kolom met s.",
                    "The board's own order does not reverse; choose a column with s first.",
                )
                .to_string(),
            ),
            _ => None,
        }
    }

    /// Shows a line in the footer for a few seconds.
    fn say(&mut self, text: String, kind: StatusKind) {
        let ticks = if kind == StatusKind::Error {
            ERROR_TICKS
        } else {
            STATUS_TICKS
        };
        self.status = Some(Status { text, kind, ticks });
    }

    /// Whether the user may look but never change anything.
    pub fn read_only(&self) -> bool {
        self.me.person.role == crate::domain::model::Role::Procesmanager
    }

    /// Whether an action is offered here and now: the footer, the help and
    /// the keys all ask this, so a user is never offered what they may not do.
    pub fn offers(&self, action: Action) -> bool {
        let case = self.selected_case();
        let may = |what: CaseAction| {
            case.is_some_and(|c| {
                c.is_open() && permissions::may_act_on_case(&self.me.person, what, c).is_ok()
            })
        };
        match action {
            Action::Open => self.selected_key().is_some(),
            Action::Back => {
                self.drill.is_some() || self.table().is_some_and(|t| !t.filter.is_empty())
            }
            Action::Filter | Action::Sort => self.table().is_some(),
            Action::SortReverse => self.table().is_some_and(|t| t.sort.is_some()),
            Action::NextMatch | Action::PrevMatch => {
                self.table().is_some_and(|t| !t.filter.is_empty())
            }
            Action::Copy => self.selected_key().is_some_and(|k| k.case_id().is_some()),
            Action::Period | Action::CustomPeriod => {
                self.board == Board::Doorstroom && self.sees_stats()
            }
            // A week or a month is shown per day; weeks or months are a
            // choice for longer periods.
            Action::Bucket => {
                self.board == Board::Doorstroom
                    && self.sees_stats()
                    && self.doorstroom.bucket() != Bucket::Day
            }
            Action::Approve | Action::Reject => {
                self.board == Board::Mandaat
                    && matches!(self.selected_key(), Some(RowKey::Request { .. }))
            }
            Action::Suspend | Action::Resume | Action::Extend | Action::DefaultNotice => {
                self.offers_term_action(action)
            }
            Action::Reassign if self.board == Board::Waakvlam => {
                self.may_on_waakvlam(CaseAction::AssignFollowUp)
            }
            Action::Reassign => {
                (self.board == Board::Stagnatie || self.view() == Some(View::CasesOf))
                    && may(CaseAction::Assign)
            }
            Action::FollowUp => {
                self.board == Board::Waakvlam && self.may_on_waakvlam(CaseAction::RecordFollowUp)
            }
            Action::Postpone => {
                self.board == Board::Waakvlam && self.may_on_waakvlam(CaseAction::PostponeFollowUp)
            }
            Action::Escalate => may(CaseAction::Escalate) && case.is_some_and(|c| !c.escalated),
            Action::TakeOver => {
                self.board == Board::Doorzettingsmacht
                    && may(CaseAction::TakeOver)
                    && case
                        .is_some_and(|c| c.casusregisseur.as_deref() != Some(&self.me.person.login))
            }
            Action::Deescalate => {
                self.board == Board::Doorzettingsmacht
                    && may(CaseAction::Deescalate)
                    && case.is_some_and(|c| c.escalated)
            }
            Action::Login => self.sso,
            Action::Absence => self.absence_target().is_some(),
            _ => true,
        }
    }

    /// Whether the selected case is in waakvlam and the user may do `what`.
    fn may_on_waakvlam(&self, what: CaseAction) -> bool {
        self.selected_case().is_some_and(|c| {
            c.status == crate::domain::model::CaseStatus::Waakvlam
                && permissions::may_act_on_case(&self.me.person, what, c).is_ok()
        })
    }

    fn perform(&mut self, action: Action, key: KeyEvent) -> Vec<Command> {
        let page = self.page();
        match action {
            Action::Quit => self.quit = true,
            Action::Absence => return self.open_absence(),
            Action::GoBoard => {
                if let KeyCode::Char(c) = key.code
                    && let Some(digit) = c.to_digit(10)
                    && let Some(&board) = self.settings.tabs.get(digit as usize - 1)
                {
                    return self.go(board);
                }
            }
            Action::NextBoard | Action::PrevBoard => {
                let tabs = &self.settings.tabs;
                let at = tabs.iter().position(|&b| b == self.board).unwrap_or(0);
                let next = if action == Action::NextBoard {
                    (at + 1) % tabs.len()
                } else {
                    (at + tabs.len() - 1) % tabs.len()
                };
                return self.go(tabs[next]);
            }
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-(page as isize)),
            Action::PageDown => self.move_by(page as isize),
            Action::HalfPageUp => self.move_by(-((page / 2).max(1) as isize)),
            Action::HalfPageDown => self.move_by((page / 2).max(1) as isize),
            Action::NextMatch | Action::PrevMatch => {
                // Every row shown matches the filter: step through them,
                // round the end.
                if let Some(table) = self.table_mut() {
                    let count = table.visible.len();
                    if count > 0 {
                        table.selected = if action == Action::NextMatch {
                            (table.selected + 1) % count
                        } else {
                            (table.selected + count - 1) % count
                        };
                        table.scroll_to_selection(page);
                    }
                }
            }
            Action::Copy => return self.copy_number(),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::Open => return self.open(),
            Action::Back => {
                if let Some(table) = self.table_mut()
                    && !table.filter.is_empty()
                {
                    table.filter.clear();
                    table.refilter();
                } else if self.drill.is_some() {
                    self.drill = None;
                    self.live.drill(&self.snapshot, &self.index, None);
                    self.tables.remove(&View::CasesOf);
                }
            }
            Action::Filter => {
                let current = self.table().map(|t| t.filter.clone()).unwrap_or_default();
                self.overlay = Some(Overlay::Filter(Input::new(current)));
            }
            Action::Sort => {
                let columns = self.columns();
                let shown: Vec<usize> = (0..columns.len())
                    .filter(|&i| !self.hidden(&columns[i]))
                    .collect();
                if let Some(table) = self.table_mut() {
                    let next = match table.sort {
                        None => shown.first(),
                        Some(sort) => shown.iter().find(|&&i| i > sort.column),
                    };
                    table.sort = next.map(|&column| Sort {
                        column,
                        descending: table.numeric(column),
                    });
                    table.refilter();
                    table.top_when_it_fits(page);
                    table.scroll_to_selection(page);
                }
            }
            Action::SortReverse => {
                if let Some(table) = self.table_mut()
                    && let Some(sort) = table.sort.as_mut()
                {
                    sort.descending = !sort.descending;
                    table.refilter();
                    table.top_when_it_fits(page);
                    table.scroll_to_selection(page);
                }
            }
            Action::Palette => {
                self.overlay = Some(Overlay::Palette(Palette {
                    entries: self.palette_entries(""),
                    ..Palette::default()
                }));
            }
            Action::Help => self.overlay = Some(Overlay::Help(0)),
            // `asks_relogin` takes these keys before the key map.
            Action::Login => return self.start_relogin(),
            Action::Refresh => {
                let mut commands = vec![Command::SyncNow];
                if self.board == Board::Doorstroom {
                    commands.extend(self.load_stats());
                }
                return commands;
            }
            Action::Period => {
                self.doorstroom.preset = self.doorstroom.preset.next();
                return self.load_stats();
            }
            Action::Bucket => {
                self.doorstroom.by = match self.doorstroom.by {
                    Bucket::Week => Bucket::Month,
                    Bucket::Month | Bucket::Day => Bucket::Week,
                };
                return self.load_stats();
            }
            Action::CustomPeriod => {
                let current = self.doorstroom.preset.period(local_date(self.now));
                self.overlay = Some(Overlay::Period(
                    Input::new(format!("{} {}", current.from, current.to)),
                    None,
                ));
            }
            Action::Suspend | Action::Resume | Action::Extend | Action::DefaultNotice => {
                if let Some(RowKey::Request { request_id, .. }) = self.selected_key().cloned() {
                    let kind = match action {
                        Action::Suspend => DialogKind::Suspend { request_id },
                        Action::Resume => DialogKind::Resume { request_id },
                        Action::Extend => DialogKind::Extend { request_id },
                        _ => DialogKind::DefaultNotice { request_id },
                    };
                    self.open_dialog(kind, None);
                }
            }
            Action::Approve | Action::Reject => {
                if let Some(RowKey::Request { request_id, .. }) = self.selected_key().cloned() {
                    let kind = if action == Action::Approve {
                        DialogKind::Approve { request_id }
                    } else {
                        DialogKind::Reject { request_id }
                    };
                    self.open_dialog(kind, None);
                }
            }
            Action::FollowUp | Action::Postpone => {
                if let Some(case) = self.selected_case() {
                    let case_id = case.id;
                    // The postponement starts from four weeks after the
                    // date it has: the user edits what needs changing.
                    let suggestion = case.waakvlam_until.map(|until| {
                        (until + chrono::Days::new(28))
                            .format("%d-%m-%Y")
                            .to_string()
                    });
                    if action == Action::FollowUp {
                        self.open_dialog(
                            DialogKind::FollowUp {
                                case_id,
                                concern: false,
                            },
                            None,
                        );
                    } else {
                        self.open_dialog(DialogKind::Postpone { case_id }, None);
                        if let (Some(Overlay::Dialog(dialog)), Some(text)) =
                            (&mut self.overlay, suggestion)
                        {
                            // The date is suggested in its field (Tab to
                            // change it); typing starts with the reason.
                            dialog.amount = Input::new(text);
                            dialog.on_amount = false;
                        }
                    }
                }
            }
            Action::Reassign | Action::Escalate | Action::TakeOver | Action::Deescalate => {
                if let Some(case) = self.selected_case() {
                    let case_id = case.id;
                    let (kind, picker) = match action {
                        Action::Reassign => {
                            let kind = if self.board == Board::Waakvlam {
                                DialogKind::FollowUpHolder { case_id }
                            } else {
                                DialogKind::Reassign { case_id }
                            };
                            let listed = self.listing(&kind, &[]);
                            let order = listed.iter().map(|c| c.login.clone()).collect();
                            (
                                kind,
                                Some(Picker {
                                    order,
                                    listed,
                                    ..Picker::default()
                                }),
                            )
                        }
                        Action::Escalate => (DialogKind::Escalate { case_id }, None),
                        Action::TakeOver => (DialogKind::TakeOver { case_id }, None),
                        _ => (DialogKind::Deescalate { case_id }, None),
                    };
                    self.open_dialog(kind, picker);
                }
            }
        }
        Vec::new()
    }

    /// The number of the request or case a row points at.
    fn number_of(&self, key: &RowKey) -> Option<String> {
        match key {
            RowKey::Request { request_id, .. } => self
                .snapshot
                .requests
                .get(request_id)
                .map(|r| r.number.clone()),
            key => key
                .case_id()
                .and_then(|id| self.snapshot.cases.get(&id))
                .map(|c| c.number.clone()),
        }
    }

    /// Copies the selected request's or case's number to the clipboard.
    fn copy_number(&mut self) -> Vec<Command> {
        let Some(number) = self.selected_key().and_then(|k| self.number_of(k)) else {
            return Vec::new();
        };
        self.say(
            format!("{number} {}", self.lang().pick("gekopieerd", "copied")),
            StatusKind::Done,
        );
        vec![Command::Copy(number)]
    }

    /// The reassign picker for `case_id`, as `t` opens it.
    fn open_picker(&mut self, case_id: i64) {
        let kind = DialogKind::Reassign { case_id };
        let listed = self.listing(&kind, &[]);
        let order = listed.iter().map(|c| c.login.clone()).collect();
        self.open_dialog(
            kind,
            Some(Picker {
                order,
                listed,
                ..Picker::default()
            }),
        );
    }

    fn open_dialog(&mut self, kind: DialogKind, picker: Option<Picker>) {
        let Ok(seen) = kind.target(&self.snapshot) else {
            return;
        };
        self.status = None;
        let today = crate::domain::calendar::local_date(self.now);
        self.overlay = Some(Overlay::Dialog(Dialog {
            kind,
            amount: Input::new(kind.amount_default(today)),
            on_amount: kind.starts_on_amount(),
            hand_back: false,
            reason: Input::default(),
            flight: Flight::Editing,
            ticket: 0,
            picker,
            seen,
        }));
    }

    fn go(&mut self, board: Board) -> Vec<Command> {
        if self.board != board {
            self.board = board;
            self.drill = None;
            self.live.drill(&self.snapshot, &self.index, None);
            self.tables.remove(&View::CasesOf);
        }
        let stale = self.doorstroom.figures.is_none() || self.doorstroom.age >= REFRESH_AFTER;
        if board == Board::Doorstroom && stale && !self.doorstroom.loading {
            return self.load_stats();
        }
        Vec::new()
    }

    fn move_by(&mut self, delta: isize) {
        let page = self.page();
        if let Some(table) = self.table_mut() {
            table.move_by(delta, page);
        }
    }

    fn open(&mut self) -> Vec<Command> {
        match self.selected_key().cloned() {
            Some(RowKey::Person(login)) => {
                self.live
                    .drill(&self.snapshot, &self.index, Some(login.as_deref()));
                self.drill = Some(login);
                let rows = columns::cases_of(
                    &self.live.cases_of(&self.snapshot),
                    &self.index,
                    self.settings.norms.counting,
                    self.lang(),
                );
                let mut table = TableView::default();
                table.set_rows(rows);
                table.scroll_to_selection(self.page());
                self.tables.insert(View::CasesOf, table);
                Vec::new()
            }
            Some(key) => match key.case_id() {
                Some(case_id) => self.open_detail(case_id),
                None => Vec::new(),
            },
            None => Vec::new(),
        }
    }

    /// Opens a case's detail and history: an audited read on the server.
    fn open_detail(&mut self, case_id: i64) -> Vec<Command> {
        self.overlay = Some(Overlay::Detail(Detail {
            case_id,
            state: DetailState::Loading,
            scroll: 0,
        }));
        vec![Command::LoadDetail(case_id)]
    }

    fn on_overlay_key(&mut self, overlay: Overlay, key: KeyEvent) -> Vec<Command> {
        match overlay {
            Overlay::Absence(form) => self.on_absence_key(form, key),
            Overlay::Redistribution(plan) => self.on_redistribution_key(plan, key),
            Overlay::Help(scroll) => {
                // j/k, the arrows and the page keys scroll a help taller
                // than the terminal; Esc, ? or q close it.
                let scroll = match key.code {
                    KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') => return Vec::new(),
                    KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
                    KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
                    KeyCode::PageDown => scroll.saturating_add(10),
                    KeyCode::PageUp => scroll.saturating_sub(10),
                    KeyCode::Char('g') | KeyCode::Home => 0,
                    _ => scroll,
                };
                self.overlay = Some(Overlay::Help(scroll.min(200)));
                Vec::new()
            }
            Overlay::Filter(mut input) => {
                match key.code {
                    KeyCode::Esc => {
                        if let Some(table) = self.table_mut() {
                            table.filter.clear();
                            table.refilter();
                        }
                        return Vec::new();
                    }
                    KeyCode::Enter => return Vec::new(),
                    KeyCode::Up | KeyCode::Down => {
                        self.move_by(if key.code == KeyCode::Up { -1 } else { 1 });
                    }
                    _ => {
                        input.handle_event(&Event::Key(key));
                        let page = self.page();
                        if let Some(table) = self.table_mut() {
                            table.filter = input.value().to_string();
                            // The selected row stays selected while it
                            // matches; otherwise the first match is.
                            if !table.refilter() {
                                table.selected = 0;
                            }
                            table.scroll_to_selection(page);
                        }
                    }
                }
                self.overlay = Some(Overlay::Filter(input));
                Vec::new()
            }
            Overlay::Palette(mut palette) => {
                match key.code {
                    KeyCode::Esc => return Vec::new(),
                    KeyCode::Enter => {
                        return match palette.entries.into_iter().nth(palette.selected) {
                            Some((_, command)) => self.run_palette(command),
                            None => Vec::new(),
                        };
                    }
                    KeyCode::Up => palette.selected = palette.selected.saturating_sub(1),
                    KeyCode::Down => {
                        palette.selected =
                            (palette.selected + 1).min(palette.entries.len().saturating_sub(1));
                    }
                    _ => {
                        palette.input.handle_event(&Event::Key(key));
                        palette.selected = 0;
                        palette.entries = self.palette_entries(palette.input.value());
                    }
                }
                self.overlay = Some(Overlay::Palette(palette));
                Vec::new()
            }
            Overlay::Detail(mut detail) => {
                match key.code {
                    KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => return Vec::new(),
                    KeyCode::Down | KeyCode::Char('j') => {
                        detail.scroll = detail.scroll.saturating_add(1)
                    }
                    KeyCode::Up | KeyCode::Char('k') => {
                        detail.scroll = detail.scroll.saturating_sub(1)
                    }
                    KeyCode::PageDown => detail.scroll = detail.scroll.saturating_add(10),
                    KeyCode::PageUp => detail.scroll = detail.scroll.saturating_sub(10),
                    _ => {}
                }
                self.overlay = Some(Overlay::Detail(detail));
                Vec::new()
            }
            Overlay::Dialog(dialog) => self.on_dialog_key(dialog, key),
            Overlay::Period(mut input, _) => match key.code {
                KeyCode::Esc => Vec::new(),
                KeyCode::Enter => match parse_period(input.value(), self.lang()) {
                    Ok(period) => {
                        self.doorstroom.preset = Preset::Custom(period);
                        self.load_stats()
                    }
                    Err(error) => {
                        self.overlay = Some(Overlay::Period(input, Some(error)));
                        Vec::new()
                    }
                },
                _ => {
                    input.handle_event(&Event::Key(key));
                    self.overlay = Some(Overlay::Period(input, None));
                    Vec::new()
                }
            },
        }
    }
}

/// A board's edits with each inserted row made into a table row.
fn convert<R>(edits: Vec<Edit<R>>, mut make: impl FnMut(R) -> TableRow) -> Vec<Edit<TableRow>> {
    edits
        .into_iter()
        .map(|edit| match edit {
            Edit::Remove(at) => Edit::Remove(at),
            Edit::Insert(at, row) => Edit::Insert(at, make(row)),
        })
        .collect()
}

/// A fuzzy matcher for what the user typed: letters in order, case and
/// accents ignored; `Some(score)` for a match. A word with a digit in it
/// (a case or request number, a date) is matched as written, not letter
/// by letter: typing `KST-2026-0023` must not also find `KST-2026-0025`
/// on a row that says `+13 wd`, and act on the wrong case. fzf's own
/// syntax (`'`, `^`, `!`, `$`) still works.
/// What the user typed, each plain word made an exact match (`'word`)
/// where some haystack holds it as it was typed: a name (`koster`) then
/// finds that name, not its letters scattered over other rows; a word
/// found nowhere stays fuzzy, for typing errors.
fn exact_where_found<'a>(typed: &str, haystacks: impl Iterator<Item = &'a str> + Clone) -> String {
    typed
        .split_whitespace()
        .map(|word| {
            let marked = word.starts_with(['\'', '^', '!', '\\']) || word.ends_with('$');
            let lower = word.to_lowercase();
            if !marked && haystacks.clone().any(|h| h.to_lowercase().contains(&lower)) {
                format!("'{word}")
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn fuzzy(typed: &str) -> impl FnMut(&str) -> Option<u32> {
    let words: Vec<String> = typed
        .split_whitespace()
        .map(|word| {
            let marked = word.starts_with(['\'', '^', '!', '\\']) || word.ends_with('$');
            if !marked && word.contains(|c: char| c.is_ascii_digit()) {
                format!("'{word}")
            } else {
                word.to_string()
            }
        })
        .collect();
    let pattern = Pattern::parse(&words.join(" "), CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(nucleo_matcher::Config::DEFAULT);
    let mut buffer = Vec::new();
    move |haystack| pattern.score(Utf32Str::new(haystack, &mut buffer), &mut matcher)
}

/// A board's name where six tabs must fit 80 columns.
pub fn board_short_title(lang: Language, board: Board) -> &'static str {
    match board {
        Board::Stagnatie => lang.pick("Stagn.", "Stagn."),
        Board::Doorzettingsmacht => lang.pick("Doorzet.", "Doorzet."),
        Board::Doorstroom => lang.pick("Doorstr.", "Thrput"),
        board => board_title(lang, board),
    }
}

pub fn board_title(lang: Language, board: Board) -> &'static str {
    match board {
        Board::Caseload => "Caseload",
        Board::Stagnatie => lang.pick("Stagnatie", "Stagnation"),
        Board::Mandaat => lang.pick("Mandaat", "Mandate"),
        Board::Doorzettingsmacht => "Doorzettingsmacht",
        Board::Doorstroom => lang.pick("Doorstroom", "Throughput"),
        Board::Waakvlam => lang.pick("Waakvlam", "Waakvlam"),
    }
}

#[cfg(test)]
mod tests {
    use super::fuzzy;

    #[test]
    fn a_word_with_a_digit_is_matched_as_typed_and_fzf_marks_still_work() {
        let row = "KST-2026-0025 H-DDUPP4 niet toegewezen +13 wd Kwadraad";
        assert!(
            fuzzy("KST-2026-0023")(row).is_none(),
            "not letter by letter"
        );
        assert!(fuzzy("KST-2026-0025")(row).is_some());
        assert!(
            fuzzy("kwdrd")(row).is_some(),
            "words without digits stay fuzzy"
        );
        // A `$` at the end: the row ends so (fzf's postfix), not the whole row.
        assert!(fuzzy("0025$")(row).is_none());
        assert!(fuzzy("wd Kwadraad$")(row).is_some());
        assert!(fuzzy("KST-2026-0025 13$")(row).is_none());
        assert!(fuzzy("KST-2026-0025 13$")("KST-2026-0025 +13").is_some());
        assert!(fuzzy("'0025")(row).is_some());
        assert!(fuzzy("!0025")(row).is_none());
    }
}
