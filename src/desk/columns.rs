//! Each board as a table: its columns (key, Dutch and English header,
//! width) and its rows as cells. The desk draws these cells and `export`
//! writes them, so the screen and the CSV say the same thing.

use chrono::{DateTime, NaiveDate, Utc};

use super::labels;
use crate::config::Language;
use crate::domain::absence;
use crate::domain::boards::{
    self, Board, CaseloadRow, DoorzettingsmachtRow, Focus, Index, MandateRow, Signal, Snapshot,
    StagnationRow, WaakvlamRow, WaakvlamUrgency, Why,
};
use crate::domain::calendar::{DayCounting, local_date};
use crate::domain::model::Person;
use crate::domain::model::{Case, CaseStatus, Login, RiskFlag};
use crate::domain::norms::Norms;
use crate::domain::term::Clock;

/// What a cell means, so the view can colour it (or, under `NO_COLOR`,
/// mark it with a symbol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    Plain,
    /// Past the norm or the deadline.
    Late,
    /// Due today or within a working day.
    Soon,
    InTime,
    Dim,
    /// Risk badges, drawn on a coloured background.
    Risk,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    pub text: String,
    /// The value `export` writes when it differs from the text (numbers,
    /// ISO dates).
    pub value: Option<String>,
    pub tone: Tone,
    /// Load against capacity, drawn as a gauge before the text.
    pub gauge: Option<f64>,
}

impl Cell {
    pub(crate) fn plain(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            ..Cell::default()
        }
    }

    pub(crate) fn toned(text: impl Into<String>, tone: Tone) -> Self {
        Cell {
            text: text.into(),
            tone,
            ..Cell::default()
        }
    }

    fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Columns the cell needs on screen: a gauge draws a bar before its text.
    pub fn width(&self) -> u16 {
        let text = unicode_width::UnicodeWidthStr::width(self.text.as_str()) as u16;
        if self.gauge.is_some() {
            text + GAUGE_BAR + 2
        } else {
            text + 1
        }
    }

    pub fn export_value(&self) -> &str {
        self.value.as_deref().unwrap_or(&self.text)
    }
}

/// Cells a load gauge's bar takes before its number.
pub const GAUGE_BAR: u16 = 10;

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub nl: &'static str,
    pub en: &'static str,
    /// The least width the column is drawn with.
    pub width: u16,
    /// The most the content may claim; longer text is cut only when the
    /// screen has no room left.
    pub max: u16,
    /// Takes what is left over once every column has its content's width.
    pub grow: bool,
    /// 1 is always shown; higher numbers give way first on narrow screens.
    pub priority: u8,
}

impl Column {
    pub fn header(&self, lang: Language) -> &'static str {
        lang.pick(self.nl, self.en)
    }
}

const fn col(
    key: &'static str,
    nl: &'static str,
    en: &'static str,
    width: u16,
    max: u16,
    grow: bool,
    priority: u8,
) -> Column {
    Column {
        key,
        nl,
        en,
        width,
        max,
        grow,
        priority,
    }
}

const CASUSREGISSEUR: Column = col(
    "casusregisseur",
    "Casusregisseur",
    "Casusregisseur",
    10,
    24,
    false,
    1,
);

pub const CASELOAD: &[Column] = &[
    CASUSREGISSEUR,
    col(
        "organisatie",
        "Organisatie",
        "Organisation",
        8,
        18,
        false,
        3,
    ),
    col("specialisme", "Specialisme", "Specialism", 8, 30, false, 5),
    col("belasting", "Belasting", "Load", 14, 26, false, 1),
    // Away now ("t/m 11-12") or next ("14-12 t/m 18-12"): who to give
    // nothing new, and whose cases need someone else.
    col("afwezig", "Afwezig", "Away", 7, 17, false, 2),
    col(
        "contact_te_laat",
        "Contact laat",
        "Contact late",
        12,
        12,
        false,
        1,
    ),
    col("termijn_om", "Termijn om", "Term passed", 10, 10, false, 1),
    // Counts: as wide as their header, so a narrow screen drops a count
    // rather than cutting what it counts.
    col("vastgelopen", "Vast", "Stuck", 4, 5, false, 2),
    col("hoog_risico", "Hoog risico", "High risk", 11, 11, false, 2),
    col("geen_plan", "Geen plan", "No plan", 9, 9, false, 3),
    col("geen_activiteit", "Geen act.", "No activ.", 9, 9, false, 3),
    col(
        "evaluatie_laat",
        "Eval. laat",
        "Eval. late",
        10,
        10,
        false,
        3,
    ),
    col(
        "niet_op_koers",
        "Niet op koers",
        "Off track",
        13,
        13,
        false,
        3,
    ),
    col(
        "doelen_op_koers",
        "Doelen op koers",
        "Goals on course",
        15,
        15,
        false,
        3,
    ),
];

pub const STAGNATIE: &[Column] = &[
    col("zaak", "Zaak", "Case", 13, 24, false, 1),
    col("huishouden", "Huish.", "Househ.", 6, 8, false, 4),
    col("signalen", "Signalen", "Signals", 14, 80, true, 1),
    col("te_laat", "Te laat", "Late", 7, 10, false, 1),
    // Risk before the name: a high-risk case must never lose its badge
    // to a narrow screen.
    col("risico", "Risico", "Risk", 6, 18, false, 1),
    // Who to call: kept on a narrow screen, the signals give way.
    col(
        "casusregisseur",
        "Casusregisseur",
        "Casusregisseur",
        10,
        24,
        false,
        1,
    ),
    col(
        "organisatie",
        "Organisatie",
        "Organisation",
        8,
        18,
        false,
        5,
    ),
];

pub const MANDAAT: &[Column] = &[
    col("aanvraag", "Aanvraag", "Request", 12, 24, false, 1),
    col("zaak", "Zaak", "Case", 13, 24, false, 3),
    col("huishouden", "Huish.", "Househ.", 6, 8, false, 5),
    col("soort", "Soort", "Kind", 8, 14, false, 2),
    col("voorziening", "Voorziening", "Provision", 14, 60, true, 1),
    col("in_plan", "Plan", "Plan", 4, 4, false, 4),
    col(
        "ingediend_door",
        "Ingediend door",
        "Filed by",
        10,
        24,
        false,
        3,
    ),
    // Wide enough for "ingebreke sinds 20-11 · dwangsom vanaf 04-12".
    col("termijn", "Termijn", "Deadline", 10, 46, false, 1),
];

pub const DOORZETTINGSMACHT: &[Column] = &[
    col("zaak", "Zaak", "Case", 13, 24, false, 1),
    col("huishouden", "Huish.", "Househ.", 6, 8, false, 5),
    // The board of high-risk cases never hides their risk.
    col("risico", "Risico", "Risk", 6, 18, false, 1),
    col("waarom", "Waarom", "Why", 10, 36, false, 1),
    col(
        "opgeschaald_door",
        "Opgeschaald door",
        "Escalated by",
        10,
        24,
        false,
        3,
    ),
    col("sinds", "Sinds", "Since", 6, 12, false, 3),
    col("reden", "Reden", "Reason", 16, 90, true, 1),
    // Who holds the case before who escalated and when (the pane has
    // those from 140 columns); Waarom says "overgenomen" too, so the
    // column of its own may give way first.
    col("overgenomen", "Overgen.", "Taken", 4, 8, false, 4),
    col(
        "casusregisseur",
        "Casusregisseur",
        "Casusregisseur",
        10,
        24,
        false,
        2,
    ),
];

pub const WAAKVLAM: &[Column] = &[
    col("zaak", "Zaak", "Case", 13, 24, false, 1),
    col("huishouden", "Huish.", "Househ.", 6, 8, false, 3),
    col("domein", "Domein", "Domain", 5, 11, false, 4),
    col("nacontact", "Nacontact", "Follow-up", 11, 11, false, 1),
    col("termijn", "Termijn", "Due", 9, 12, false, 1),
    col("houder", "Houdt waakvlam", "Held by", 10, 24, false, 2),
    col("resultaat", "Gesloten als", "Closed as", 10, 20, true, 3),
];

/// The drill-down into one casusregisseur's cases (not configurable).
pub const CASES_OF: &[Column] = &[
    col("zaak", "Zaak", "Case", 13, 24, false, 1),
    col("huishouden", "Huish.", "Househ.", 6, 8, false, 3),
    col("domein", "Domein", "Domain", 5, 11, false, 4),
    col("fase", "Fase", "Stage", 5, 11, false, 3),
    col("signalen", "Signalen", "Signals", 14, 80, true, 1),
    // Wide enough for "wacht op toewijzing".
    col("te_laat", "Te laat", "Late", 7, 19, false, 1),
    col("risico", "Risico", "Risk", 6, 18, false, 2),
];

pub fn of(board: Board) -> &'static [Column] {
    match board {
        Board::Caseload => CASELOAD,
        Board::Stagnatie => STAGNATIE,
        Board::Mandaat => MANDAAT,
        Board::Doorzettingsmacht => DOORZETTINGSMACHT,
        Board::Doorstroom => &[],
        Board::Waakvlam => WAAKVLAM,
    }
}

/// The column keys of a board, as the configuration names them.
pub fn keys(board: Board) -> Vec<&'static str> {
    of(board).iter().map(|c| c.key).collect()
}

/// What a row points at, so a selection survives a refresh and an action
/// knows its target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RowKey {
    /// A casusregisseur (`None`: the unassigned referrals).
    Person(Option<Login>),
    Case(i64),
    Request {
        request_id: i64,
        case_id: i64,
    },
}

impl RowKey {
    pub fn case_id(&self) -> Option<i64> {
        match self {
            RowKey::Person(_) => None,
            RowKey::Case(id) => Some(*id),
            RowKey::Request { case_id, .. } => Some(*case_id),
        }
    }

    pub fn request_id(&self) -> Option<i64> {
        match self {
            RowKey::Request { request_id, .. } => Some(*request_id),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub key: RowKey,
    pub cells: Vec<Cell>,
    /// What the row adds to the count in the table's title: its signals
    /// on Stagnatie, else nothing.
    pub weight: u32,
}

impl TableRow {
    /// The text the filter matches: every cell.
    pub fn haystack(&self) -> String {
        self.cells
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A casusregisseur's running goals on course: `3/4`, with the share as
/// the sort value; "—" without running goals.
fn on_course_cell(on_course: u32, running: u32) -> Cell {
    if running == 0 {
        return Cell::toned("—", Tone::Dim).with_value("");
    }
    let share = f64::from(on_course) / f64::from(running);
    let tone = if share < 0.5 { Tone::Soon } else { Tone::Plain };
    Cell::toned(format!("{on_course}/{running}"), tone).with_value(format!("{share:.3}"))
}

/// Load against capacity: over it red, from 90 % amber, else green.
pub fn load_tone(ratio: f64) -> Tone {
    if ratio > 1.0 {
        Tone::Late
    } else if ratio >= 0.9 {
        Tone::Soon
    } else {
        Tone::InTime
    }
}

fn holder(snapshot: &Snapshot, login: Option<&str>) -> Cell {
    match login {
        Some(login) => Cell::plain(snapshot.name_of(login)).with_value(login),
        None => Cell::toned("—", Tone::Dim).with_value(""),
    }
}

/// Risk badges; sorted by, they put the most threatening first: a flag
/// that makes a case high-risk weighs ten of the others.
fn badges(flags: &[RiskFlag]) -> Cell {
    let text = flags
        .iter()
        .map(|f| f.badge())
        .collect::<Vec<_>>()
        .join(" ");
    let weight: u32 = flags
        .iter()
        .map(|f| if f.is_high_risk() { 10 } else { 1 })
        .sum();
    let value = if flags.is_empty() {
        String::new()
    } else {
        weight.to_string()
    };
    Cell::toned(text, Tone::Risk).with_value(value)
}

/// Past the norm is red; due today, or a deadline warned of ahead, amber.
fn late_tone(days_late: i64) -> Tone {
    if days_late > 0 {
        Tone::Late
    } else {
        Tone::Soon
    }
}

/// A count that is dim when zero.
fn count(n: u32, tone: Tone) -> Cell {
    if n == 0 {
        Cell::toned("0", Tone::Dim)
    } else {
        Cell::toned(n.to_string(), tone)
    }
}

/// Load against capacity as a gauge with the number beside it, and how
/// far over capacity in words a monochrome screen also shows: `17/15 +2`.
pub fn load_cell(open: u32, capacity: Option<u32>) -> Cell {
    match capacity {
        Some(capacity) => {
            let ratio = if capacity > 0 {
                f64::from(open) / f64::from(capacity)
            } else {
                f64::INFINITY
            };
            let over = open.saturating_sub(capacity);
            Cell {
                text: if over > 0 {
                    format!("{open}/{capacity} +{over}")
                } else {
                    format!("{open}/{capacity}")
                },
                value: Some(format!("{:.2}", ratio.min(99.0))),
                tone: load_tone(ratio),
                gauge: Some(ratio),
            }
        }
        None => Cell::plain(open.to_string()),
    }
}

/// A person's absence now or next, as the caseload shows it.
fn away_cell(snapshot: &Snapshot, login: Option<&str>, today: NaiveDate, lang: Language) -> Cell {
    let absences = login.map_or(&[][..], |login| snapshot.absences_of(login));
    // Back from a temporary absence: how many cases wait to go back (`A`).
    let waiting: usize = absences
        .iter()
        .filter(|a| a.awaits_return(today))
        .map(|a| crate::domain::redistribution::propose_return(snapshot, a).len())
        .sum();
    if waiting > 0 {
        return Cell::toned(
            format!("{} {waiting}", lang.pick("terug:", "back:")),
            Tone::Soon,
        )
        .with_value(format!("back:{waiting}"));
    }
    match absence::current_or_next(absences, today) {
        Some(a) if a.covers(today) => Cell::toned(
            format!("{} {}", lang.pick("t/m", "until"), a.until.format("%d-%m")),
            Tone::Soon,
        )
        .with_value(a.until.to_string()),
        Some(a) => Cell::toned(
            format!(
                "{} {} {}",
                a.from.format("%d-%m"),
                lang.pick("t/m", "to"),
                a.until.format("%d-%m")
            ),
            Tone::Dim,
        )
        .with_value(a.from.to_string()),
        None => Cell::plain("").with_value(""),
    }
}

/// The holder's name, and when something on the case falls due while
/// they are away: `A. Bakker · afwezig`.
fn holder_or_away(
    snapshot: &Snapshot,
    login: Option<&str>,
    away: Option<NaiveDate>,
    lang: Language,
) -> Cell {
    let cell = holder(snapshot, login);
    match away {
        Some(until) => Cell {
            text: format!("{} · {}", cell.text, lang.pick("afwezig", "away")),
            tone: Tone::Soon,
            ..cell
        }
        .with_value(format!("{} {until}", login.unwrap_or_default())),
        None => cell,
    }
}

pub fn caseload(
    rows: &[CaseloadRow],
    snapshot: &Snapshot,
    today: NaiveDate,
    lang: Language,
) -> Vec<TableRow> {
    rows.iter()
        .map(|row| {
            let name = match &row.login {
                Some(login) => Cell::plain(row.name.clone()).with_value(login.clone()),
                None => Cell::toned(lang.pick("niet toegewezen", "unassigned"), Tone::Late)
                    .with_value(""),
            };
            TableRow {
                key: RowKey::Person(row.login.clone()),
                weight: 0,
                cells: vec![
                    name,
                    Cell::plain(row.organisation.clone()),
                    Cell::plain(row.specialism.clone().unwrap_or_default()),
                    load_cell(row.open, row.capacity),
                    away_cell(snapshot, row.login.as_deref(), today, lang),
                    count(row.first_contact_late, Tone::Late),
                    count(row.decision_late, Tone::Late),
                    count(row.stuck, Tone::Late),
                    count(row.high_risk, Tone::Late),
                    count(row.no_plan, Tone::Soon),
                    count(row.no_activity, Tone::Soon),
                    count(row.evaluation_late, Tone::Soon),
                    count(row.off_track, Tone::Soon),
                    on_course_cell(row.goals_on_course, row.goals_running),
                ],
            }
        })
        .collect()
}

/// Every signal of a case, most severe first: `eerste contact te laat +3 wd · geen plan`.
/// The export value lists the signal keys.
fn signals_cell(signals: &[Signal], lang: Language, working_days: bool) -> Cell {
    if signals.is_empty() {
        return Cell::toned("—", Tone::Dim).with_value("");
    }
    let text = signals
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i == 0 {
                labels::signal(lang, s).to_string()
            } else {
                format!(
                    "{} {}",
                    labels::signal(lang, s),
                    labels::lateness(lang, s.days_late, working_days)
                )
            }
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let value = signals
        .iter()
        .map(|s| signal_key(s))
        .collect::<Vec<_>>()
        .join(";");
    Cell::toned(text, late_tone(signals[0].days_late)).with_value(value)
}

fn lateness_cell(signal: Option<&Signal>, lang: Language, working_days: bool) -> Cell {
    match signal {
        Some(s) => Cell::toned(
            labels::lateness(lang, s.days_late, working_days),
            late_tone(s.days_late),
        )
        .with_value(s.days_late.to_string()),
        None => Cell::toned(lang.pick("op koers", "on track"), Tone::InTime).with_value(""),
    }
}

pub fn stagnation(
    rows: &[StagnationRow],
    snapshot: &Snapshot,
    counting: DayCounting,
    lang: Language,
) -> Vec<TableRow> {
    let working_days = counting == DayCounting::WorkingDays;
    rows.iter()
        .map(|row| TableRow {
            key: RowKey::Case(row.case_id),
            weight: row.signals.len() as u32,
            cells: vec![
                Cell::plain(row.number.clone()),
                Cell::plain(row.pseudonym.clone()),
                signals_cell(&row.signals, lang, working_days),
                lateness_cell(Some(row.worst()), lang, working_days),
                badges(&row.risk_flags),
                holder_or_away(
                    snapshot,
                    row.casusregisseur.as_deref(),
                    row.holder_away,
                    lang,
                ),
                Cell::plain(row.organisation.clone().unwrap_or_default()),
            ],
        })
        .collect()
}

/// The stable name of a signal in CSV: the kind, and for a decision term
/// whether it passed.
fn signal_key(signal: &Signal) -> &'static str {
    use crate::domain::norms::StagnationKind::*;
    match signal.kind {
        FirstContactOverdue => "first_contact_overdue",
        Unassigned => "unassigned",
        NoActivity => "no_activity",
        NoPlan => "no_plan",
        Stuck => "stuck",
        RequestDeadline if signal.days_late > 0 => "decision_overdue",
        RequestDeadline => "decision_due",
        WaakvlamOverdue => "waakvlam_overdue",
        OnderzoekOverdue => "onderzoek_overdue",
        Reminder => "own_reminder",
        EvaluationLate => "evaluation_late",
        GoalOffTrack => "goal_off_track",
    }
}

/// The waakvlam board: overdue red, due soon amber, the rest dim (the
/// household's case is closed; DESK-DESIGN: "Dim: closed or waakvlam").
pub fn waakvlam(rows: &[WaakvlamRow], snapshot: &Snapshot, lang: Language) -> Vec<TableRow> {
    rows.iter()
        .map(|row| {
            let tone = match row.urgency {
                WaakvlamUrgency::Overdue => Tone::Late,
                WaakvlamUrgency::DueSoon => Tone::Soon,
                WaakvlamUrgency::Later => Tone::Dim,
            };
            TableRow {
                key: RowKey::Case(row.case_id),
                weight: 0,
                cells: vec![
                    Cell::plain(row.number.clone()),
                    Cell::plain(row.pseudonym.clone()),
                    Cell::plain(labels::domain(lang, row.domain)).with_value(row.domain.as_str()),
                    Cell::toned(labels::date(lang, row.waakvlam_until), tone)
                        .with_value(row.waakvlam_until.to_string()),
                    Cell::toned(labels::lateness(lang, row.days, true), tone)
                        .with_value(row.days.to_string()),
                    holder(snapshot, row.holder.as_deref()),
                    match row.close_result {
                        Some(r) => {
                            Cell::plain(labels::close_result(lang, r)).with_value(r.as_str())
                        }
                        None => Cell::toned("—", Tone::Dim).with_value(""),
                    },
                ],
            }
        })
        .collect()
}

pub fn mandate(rows: &[MandateRow], snapshot: &Snapshot, lang: Language) -> Vec<TableRow> {
    rows.iter()
        .map(|row| {
            // Red when two working days or fewer are left, or past.
            let deadline_tone = if row.days_left <= 2 {
                Tone::Late
            } else if row.days_left <= 5 {
                Tone::Soon
            } else {
                Tone::InTime
            };
            TableRow {
                key: RowKey::Request {
                    request_id: row.request_id,
                    case_id: row.case_id,
                },
                weight: 0,
                cells: vec![
                    Cell::plain(row.number.clone()),
                    Cell::plain(row.case_number.clone()),
                    Cell::plain(row.pseudonym.clone()),
                    Cell::plain(labels::request_kind(lang, row.kind)).with_value(row.kind.as_str()),
                    Cell::plain(row.provision.clone()),
                    if row.in_plan {
                        Cell::toned("✓", Tone::InTime).with_value("ja")
                    } else {
                        Cell::toned("✗", Tone::Late).with_value("nee")
                    },
                    holder(snapshot, Some(&row.filed_by)),
                    term_cell(row, deadline_tone, lang),
                ],
            }
        })
        .collect()
}

/// The Mandaat board's "termijn": the countdown while the term runs; a
/// suspended term says until when it stands still, not that it is late; a
/// request in default says since when and the dwangsom owed today. The
/// export's value is the deadline itself.
fn term_cell(row: &MandateRow, running: Tone, lang: Language) -> Cell {
    let (text, tone) = match row.clock {
        Clock::Running | Clock::Late => {
            let countdown = labels::countdown(lang, row.days_left);
            match row.extended_weeks {
                Some(weeks) => (
                    format!(
                        "{countdown} · {} +{weeks} {}",
                        lang.pick("verdaagd", "extended"),
                        lang.pick("wk", "wk")
                    ),
                    running,
                ),
                None => (countdown, running),
            }
        }
        Clock::Suspended { until } => (
            format!(
                "{} {}",
                lang.pick("opgeschort tot", "suspended until"),
                labels::short_date(until)
            ),
            Tone::Dim,
        ),
        // Before its first day the dwangsom is announced, not owed.
        Clock::InDefault {
            since,
            from,
            dwangsom,
        } => (
            if dwangsom == 0 {
                format!(
                    "{} {} · {} {}",
                    lang.pick("ingebreke sinds", "in default since"),
                    labels::short_date(since),
                    lang.pick("dwangsom vanaf", "dwangsom from"),
                    labels::short_date(from)
                )
            } else {
                format!(
                    "{} {} · €{dwangsom}",
                    lang.pick("ingebreke sinds", "in default since"),
                    labels::short_date(since)
                )
            },
            Tone::Late,
        ),
    };
    Cell::toned(text, tone)
        .with_value(crate::domain::calendar::local_date(row.decide_by).to_string())
}

pub fn doorzettingsmacht(
    rows: &[DoorzettingsmachtRow],
    snapshot: &Snapshot,
    lang: Language,
    now: DateTime<Utc>,
) -> Vec<TableRow> {
    rows.iter()
        .map(|row| TableRow {
            key: RowKey::Case(row.case_id),
            weight: 0,
            cells: vec![
                Cell::plain(row.number.clone()),
                Cell::plain(row.pseudonym.clone()),
                badges(&row.risk_flags),
                // Taken over is said where the eye reads why, not only in
                // a column a narrow screen drops.
                Cell::toned(
                    row.why
                        .iter()
                        .map(|w| labels::why(lang, *w).to_string())
                        .chain(
                            row.taken_over
                                .then(|| lang.pick("overgenomen", "taken over").to_string()),
                        )
                        .collect::<Vec<_>>()
                        .join(", "),
                    // Every row here has a why: a tone would mark them all
                    // and so say nothing (under mono, a `~` on each row).
                    Tone::Plain,
                )
                .with_value(
                    row.why
                        .iter()
                        .map(|w| why_key(*w))
                        .collect::<Vec<_>>()
                        .join(";"),
                ),
                match &row.escalated_by {
                    Some(login) if row.escalated => holder(snapshot, Some(login)),
                    _ => holder(snapshot, None),
                },
                match row.escalated_at.filter(|_| row.escalated) {
                    Some(at) => Cell::plain(labels::day(lang, at, now)).with_value(at.to_rfc3339()),
                    None => Cell::toned("—", Tone::Dim).with_value(""),
                },
                Cell::plain(row.escalation_reason.clone().unwrap_or_default()),
                if row.taken_over {
                    Cell::toned(lang.pick("ja", "yes"), Tone::InTime).with_value("ja")
                } else {
                    Cell::toned(lang.pick("nee", "no"), Tone::Dim).with_value("nee")
                },
                holder(snapshot, row.casusregisseur.as_deref()),
            ],
        })
        .collect()
}

fn why_key(why: Why) -> &'static str {
    match why {
        Why::Escalated => "escalated",
        Why::Stuck => "stuck",
        Why::HighRiskStagnant => "high_risk",
    }
}

pub fn status(lang: Language, status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Referred => lang.pick("aangemeld", "referred"),
        CaseStatus::Assigned => lang.pick("toegewezen", "assigned"),
        CaseStatus::Contacted => lang.pick("contact", "contacted"),
        CaseStatus::Plan => lang.pick("plan", "plan"),
        CaseStatus::Execution => lang.pick("uitvoering", "execution"),
        CaseStatus::Closed => lang.pick("afgesloten", "closed"),
        CaseStatus::Waakvlam => "waakvlam",
    }
}

/// A case's signals, and "regisseur afwezig" when something on it falls
/// due while its holder is away.
fn with_holder_away(signals: Cell, away: Option<NaiveDate>, lang: Language) -> Cell {
    let Some(until) = away else {
        return signals;
    };
    let mark = format!(
        "{} {}",
        lang.pick("regisseur afwezig t/m", "casusregisseur away until"),
        until.format("%d-%m")
    );
    let value = match signals.value.as_deref() {
        Some("") | None => "holder_away".to_string(),
        Some(v) => format!("{v};holder_away"),
    };
    if signals.value.as_deref() == Some("") {
        Cell::toned(mark, Tone::Soon).with_value(value)
    } else {
        Cell {
            text: format!("{} · {mark}", signals.text),
            ..signals
        }
        .with_value(value)
    }
}

pub fn cases_of(
    cases: &[&Case],
    index: &Index,
    counting: DayCounting,
    lang: Language,
) -> Vec<TableRow> {
    let working_days = counting == DayCounting::WorkingDays;
    cases
        .iter()
        .map(|case| {
            let signals = boards::signals(index.stagnation_of(case.id), case.is_high_risk());
            let late = match signals.first() {
                None if case.casusregisseur.is_none() => Cell::toned(
                    lang.pick("wacht op toewijzing", "awaits assignment"),
                    Tone::Soon,
                )
                .with_value(""),
                first => lateness_cell(first, lang, working_days),
            };
            TableRow {
                key: RowKey::Case(case.id),
                weight: 0,
                cells: vec![
                    Cell::plain(case.number.clone()),
                    Cell::plain(case.pseudonym.clone()),
                    Cell::plain(labels::domain(lang, case.domain)),
                    Cell::plain(status(lang, case.status)),
                    with_holder_away(
                        signals_cell(&signals, lang, working_days),
                        index.holder_away(case.id),
                        lang,
                    ),
                    late,
                    badges(&case.risk_flags),
                ],
            }
        })
        .collect()
}

/// A board's rows as the domain derives them (what `export --format json`
/// writes), before they become cells.
#[derive(Debug, Clone, PartialEq)]
pub enum BoardRows {
    Caseload(Vec<CaseloadRow>),
    Stagnatie(Vec<StagnationRow>),
    Mandaat(Vec<MandateRow>),
    Doorzettingsmacht(Vec<DoorzettingsmachtRow>),
    Waakvlam(Vec<WaakvlamRow>),
}

impl BoardRows {
    /// `None` for a board without rows (Doorstroom).
    pub fn derive(
        board: Board,
        snapshot: &Snapshot,
        index: &Index,
        viewer: &Person,
        norms: &Norms,
        now: DateTime<Utc>,
        focus: &Focus,
    ) -> Option<Self> {
        Some(match board {
            Board::Caseload => {
                BoardRows::Caseload(boards::caseload(snapshot, index, viewer, focus))
            }
            Board::Stagnatie => BoardRows::Stagnatie(boards::stagnation(snapshot, index, focus)),
            Board::Mandaat => {
                BoardRows::Mandaat(boards::mandate(snapshot, viewer, norms, now, focus))
            }
            Board::Doorzettingsmacht => {
                BoardRows::Doorzettingsmacht(boards::doorzettingsmacht(snapshot, index, focus))
            }
            Board::Doorstroom => return None,
            Board::Waakvlam => BoardRows::Waakvlam(boards::waakvlam(snapshot, norms, now, focus)),
        })
    }

    pub fn table(
        &self,
        snapshot: &Snapshot,
        counting: DayCounting,
        lang: Language,
        now: DateTime<Utc>,
    ) -> Vec<TableRow> {
        match self {
            BoardRows::Caseload(rows) => caseload(rows, snapshot, local_date(now), lang),
            BoardRows::Stagnatie(rows) => stagnation(rows, snapshot, counting, lang),
            BoardRows::Mandaat(rows) => mandate(rows, snapshot, lang),
            BoardRows::Doorzettingsmacht(rows) => doorzettingsmacht(rows, snapshot, lang, now),
            BoardRows::Waakvlam(rows) => waakvlam(rows, snapshot, lang),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            BoardRows::Caseload(rows) => serde_json::to_value(rows),
            BoardRows::Stagnatie(rows) => serde_json::to_value(rows),
            BoardRows::Mandaat(rows) => serde_json::to_value(rows),
            BoardRows::Doorzettingsmacht(rows) => serde_json::to_value(rows),
            BoardRows::Waakvlam(rows) => serde_json::to_value(rows),
        }
        .expect("board rows serialise")
    }
}
