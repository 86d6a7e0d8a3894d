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

mod bulk;
mod derive;
mod dialog;
mod evaluation;
mod keys;
mod mouse;
mod notes;
mod palette;
mod plan;
mod relogin;
mod selection;
mod table;
mod team;
mod views;

pub use crate::domain::suggest::Candidate;
pub use bulk::{Bulk, BulkAction, BulkOutcome, BulkRow, BulkStage};
pub use dialog::{Dialog, DialogKind, Flight, Gone, Picker, Seen};
pub use evaluation::{EvaluationForm, ScoreRow, suggested_state};
pub use mouse::Tab;
pub use notes::{NoteField, NoteForm};
pub use palette::{Palette, PaletteCommand};
pub use plan::{GoalDraft, PlanField, PlanForm};
pub use relogin::{Relogin, ReloginMsg};
pub use selection::Marks;
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
    /// A saved view was written to the configuration (where) or not (why).
    ViewSaved {
        name: String,
        result: Result<String, String>,
    },
    /// An export was written (where) or not (why).
    Exported {
        rows: usize,
        result: Result<String, String>,
    },
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
    /// A note kept, or its reminder dealt with.
    Note(Box<crate::domain::note::CaseNote>),
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
    /// Write rows the user exported (`x`) to a file of this name in the
    /// export directory.
    Export {
        file_name: String,
        contents: String,
        rows: usize,
    },
    /// Keep a view in the configuration file.
    SaveView {
        name: String,
        view: crate::config::SavedView,
    },
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
    /// Keeps the user's own note on a case.
    NoteAdd {
        case_id: i64,
        body: crate::api::wire::NewNoteBody,
    },
    /// Deals with the reminder of the user's note.
    NoteDone { case_id: i64, note_id: i64 },
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
    /// Stagnatie's Resultaat mode (`R`): late evaluations and goals off
    /// track only.
    Results,
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

/// How far the help is scrolled: from its top, or (after `G`) from its
/// end, which only the view can measure; so `k` after `G` moves at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpScroll {
    Top(u16),
    End(u16),
}

impl HelpScroll {
    /// The first line shown, when `hidden` lines do not fit.
    pub fn offset(self, hidden: u16) -> u16 {
        match self {
            HelpScroll::Top(n) => n.min(hidden),
            HelpScroll::End(n) => hidden.saturating_sub(n),
        }
    }

    /// `by` lines further down (negative: up).
    fn step(self, by: i32) -> HelpScroll {
        let shift = |n: u16, by: i32| (i32::from(n) + by).clamp(0, 200) as u16;
        match self {
            HelpScroll::Top(n) => HelpScroll::Top(shift(n, by)),
            HelpScroll::End(n) => HelpScroll::End(shift(n, -by)),
        }
    }
}

#[derive(Debug)]
// One overlay at a time, in one App: the size of the largest (a dialog
// with its fields) costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
pub enum Overlay {
    /// The help, scrolled (a short terminal).
    Help(HelpScroll),
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
    /// One action on the marked cases.
    Bulk(Bulk),
    /// The user's own note on a case.
    Note(NoteForm),
    Evaluation(EvaluationForm),
    Plan(PlanForm),
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
    /// Saved views by name (`[desk.views]`).
    pub views: BTreeMap<String, crate::config::SavedView>,
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
    /// Stagnatie shows its Resultaat mode (`R`).
    pub results: bool,
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
            results: false,
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
            (Board::Stagnatie, _) if self.results => Some(View::Results),
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
            Some(View::Results) => columns::of(Board::Stagnatie),
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
                View::Results => self.settings.hidden.get(&Board::Stagnatie),
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
            Msg::ViewSaved { name, result } => {
                self.view_saved(&name, result);
                Vec::new()
            }
            Msg::Exported { rows, result } => {
                let lang = self.lang();
                match result {
                    Ok(path) => self.say(
                        format!(
                            "{rows} {} {path}",
                            lang.pick("rijen geëxporteerd naar", "rows exported to")
                        ),
                        StatusKind::Done,
                    ),
                    Err(why) => self.say(
                        format!("{}: {why}", lang.pick("Export mislukt", "Export failed")),
                        StatusKind::Error,
                    ),
                }
                Vec::new()
            }
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
        let mut news = self.watch.settle(&self.snapshot);
        // A case on Stagnatie only for the user's own reminder is not news
        // to announce: a note stays out of notifications.
        news.stagnation.retain(|number| !self.only_reminded(number));
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
        if let Some(commands) = self.on_bulk_done(ticket, &result) {
            return commands;
        }
        if let Some(commands) = self.on_note_done(ticket, &result) {
            return commands;
        }
        if let Some(commands) = self.on_evaluation_done(ticket, &result) {
            return commands;
        }
        if let Some(commands) = self.on_plan_done(ticket, &result) {
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
                    Changed::Note(_) => {}
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
}

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

/// A fuzzy matcher for what the user typed: letters in order, case and
/// accents ignored; `Some(score)` for a match. A word with a digit in it
/// (a case or request number, a date) is matched as written, not letter
/// by letter: typing `KST-2026-0023` must not also find `KST-2026-0025`
/// on a row that says `+13 wd`, and act on the wrong case. fzf's own
/// syntax (`'`, `^`, `!`, `$`) still works.
///
/// The exact forms are matched here, not by nucleo: nucleo-matcher 0.3
/// finds no exact substring in a haystack with a character outside ASCII
/// (a row whose signals are joined by `·`), so `/MEE` left out exactly the
/// rows with several signals.
fn fuzzy(typed: &str) -> impl FnMut(&str) -> Option<u32> {
    enum Atom {
        Contains(String),
        Not(String),
        Prefix(String),
        Suffix(String),
        Fuzzy(Pattern),
    }
    let atoms: Vec<Atom> = typed
        .split_whitespace()
        .map(|word| {
            let lower = word.to_lowercase();
            if let Some(rest) = lower.strip_prefix('!') {
                Atom::Not(rest.trim_start_matches('\'').to_string())
            } else if let Some(rest) = lower.strip_prefix('\'') {
                Atom::Contains(rest.to_string())
            } else if let Some(rest) = lower.strip_prefix('^') {
                Atom::Prefix(rest.to_string())
            } else if let Some(rest) = lower.strip_suffix('$') {
                Atom::Suffix(rest.to_string())
            } else if word.contains(|c: char| c.is_ascii_digit()) {
                Atom::Contains(lower)
            } else {
                Atom::Fuzzy(Pattern::parse(
                    word.trim_start_matches('\\'),
                    CaseMatching::Ignore,
                    Normalization::Smart,
                ))
            }
        })
        .collect();
    let mut matcher = Matcher::new(nucleo_matcher::Config::DEFAULT);
    let mut buffer = Vec::new();
    // A filter runs over every row of a board: a row is lowercased only
    // when an exact form needs it.
    let exact_forms = atoms.iter().any(|a| !matches!(a, Atom::Fuzzy(_)));
    let exact = |text: &String| u32::try_from(text.len() * 16).unwrap_or(u32::MAX);
    move |haystack| {
        let lower = if exact_forms {
            haystack.to_lowercase()
        } else {
            String::new()
        };
        let mut score = 0u32;
        for atom in &atoms {
            match atom {
                Atom::Contains(text) if lower.contains(text.as_str()) => score += exact(text),
                Atom::Not(text) if text.is_empty() || !lower.contains(text.as_str()) => {}
                Atom::Prefix(text) if lower.trim_start().starts_with(text.as_str()) => {
                    score += exact(text)
                }
                Atom::Suffix(text) if lower.trim_end().ends_with(text.as_str()) => {
                    score += exact(text)
                }
                Atom::Fuzzy(pattern) => {
                    score += pattern.score(Utf32Str::new(haystack, &mut buffer), &mut matcher)?
                }
                _ => return None,
            }
        }
        Some(score)
    }
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

    #[test]
    fn an_exact_word_is_found_in_a_row_with_characters_outside_ascii() {
        // Signals joined by `·`: nucleo 0.3's exact match missed these.
        let row =
            "KST-2026-1110 H-9KFR beslistermijn verstreken · geen activiteit +5 wd C. de Wit MEE";
        for typed in [
            "'MEE",
            "'mee",
            "MEE",
            "'mee 1110",
            "^kst",
            "mee$",
            "!kwadraad",
            "wit",
        ] {
            assert!(fuzzy(typed)(row).is_some(), "{typed}");
        }
        for typed in ["'kwadraad", "!mee", "^mee", "kst$", "1111"] {
            assert!(fuzzy(typed)(row).is_none(), "{typed}");
        }
        let name = super::exact_where_found("MEE", [row].into_iter());
        assert!(fuzzy(&name)(row).is_some());
    }
}
