//! Each board as a table: its columns (key, Dutch and English header,
//! width) and its rows as cells. The desk draws these cells and `export`
//! writes them, so the screen and the CSV say the same thing.

use chrono::{DateTime, Utc};

use super::labels;
use crate::config::Language;
use crate::domain::boards::{
    self, Board, CaseloadRow, DoorzettingsmachtRow, Index, MandateRow, Snapshot, StagnationRow,
};
use crate::domain::calendar::DayCounting;
use crate::domain::model::Person;
use crate::domain::model::{Case, CaseStatus, Login, RiskFlag};
use crate::domain::norms::Norms;

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
    fn plain(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            ..Cell::default()
        }
    }

    fn toned(text: impl Into<String>, tone: Tone) -> Self {
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

    pub fn export_value(&self) -> &str {
        self.value.as_deref().unwrap_or(&self.text)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub nl: &'static str,
    pub en: &'static str,
    /// Width the column needs; a `grow` column also takes what is left.
    pub width: u16,
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
    grow: bool,
    priority: u8,
) -> Column {
    Column {
        key,
        nl,
        en,
        width,
        grow,
        priority,
    }
}

pub const CASELOAD: &[Column] = &[
    col(
        "casusregisseur",
        "Casusregisseur",
        "Casusregisseur",
        16,
        true,
        1,
    ),
    col("organisatie", "Organisatie", "Organisation", 12, false, 2),
    col("specialisme", "Specialisme", "Specialism", 12, false, 4),
    col("belasting", "Belasting", "Load", 16, false, 1),
    col("te_laat", "Te laat", "Overdue", 7, false, 1),
    col("vastgelopen", "Vast", "Stuck", 5, false, 3),
    col("hoog_risico", "Risico", "Risk", 6, false, 2),
];

pub const STAGNATIE: &[Column] = &[
    col("zaak", "Zaak", "Case", 13, false, 1),
    col("huishouden", "Huish.", "Househ.", 7, false, 2),
    col("soort", "Soort", "Kind", 16, false, 1),
    col(
        "casusregisseur",
        "Casusregisseur",
        "Casusregisseur",
        14,
        true,
        1,
    ),
    col("organisatie", "Organisatie", "Organisation", 14, false, 3),
    col("te_laat", "Te laat", "Late", 9, false, 1),
];

pub const MANDAAT: &[Column] = &[
    col("aanvraag", "Aanvraag", "Request", 12, false, 1),
    col("zaak", "Zaak", "Case", 13, false, 2),
    col("huishouden", "Huish.", "Househ.", 7, false, 3),
    col("soort", "Soort", "Kind", 12, false, 1),
    col("voorziening", "Voorziening", "Provision", 14, true, 3),
    col("in_plan", "Plan", "Plan", 4, false, 1),
    col("ingediend_door", "Ingediend door", "Filed by", 14, false, 2),
    col("termijn", "Termijn", "Deadline", 12, false, 1),
];

pub const DOORZETTINGSMACHT: &[Column] = &[
    col("zaak", "Zaak", "Case", 13, false, 1),
    col("huishouden", "Huish.", "Househ.", 7, false, 2),
    col("risico", "Risico", "Risk", 9, false, 1),
    col(
        "opgeschaald_door",
        "Opgeschaald",
        "Escalated by",
        14,
        false,
        2,
    ),
    col("sinds", "Sinds", "Since", 7, false, 1),
    col("reden", "Reden", "Reason", 16, true, 3),
    col("overgenomen", "Overgen.", "Taken", 8, false, 2),
    col(
        "casusregisseur",
        "Casusregisseur",
        "Casusregisseur",
        14,
        false,
        4,
    ),
];

/// The drill-down into one casusregisseur's cases (not configurable).
pub const CASES_OF: &[Column] = &[
    col("zaak", "Zaak", "Case", 13, false, 1),
    col("huishouden", "Huish.", "Househ.", 7, false, 2),
    col("domein", "Domein", "Domain", 11, false, 3),
    col("fase", "Fase", "Stage", 11, false, 2),
    col("stagnatie", "Stagnatie", "Stagnation", 16, true, 1),
    col("te_laat", "Te laat", "Late", 9, false, 1),
    col("risico", "Risico", "Risk", 9, false, 1),
];

pub fn of(board: Board) -> &'static [Column] {
    match board {
        Board::Caseload => CASELOAD,
        Board::Stagnatie => STAGNATIE,
        Board::Mandaat => MANDAAT,
        Board::Doorzettingsmacht => DOORZETTINGSMACHT,
        Board::Doorstroom => &[],
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
    /// A case, with the stagnation kind when the board lists one per row.
    Case(i64, Option<&'static str>),
    Request {
        request_id: i64,
        case_id: i64,
    },
}

impl RowKey {
    pub fn case_id(&self) -> Option<i64> {
        match self {
            RowKey::Person(_) => None,
            RowKey::Case(id, _) => Some(*id),
            RowKey::Request { case_id, .. } => Some(*case_id),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub key: RowKey,
    pub cells: Vec<Cell>,
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

fn badges(flags: &[RiskFlag]) -> Cell {
    let text = flags
        .iter()
        .map(|f| f.badge())
        .collect::<Vec<_>>()
        .join(" ");
    Cell::toned(text, Tone::Risk)
}

/// Past the norm is red; due today, or a deadline warned of ahead, amber.
fn late_tone(days_late: i64) -> Tone {
    if days_late > 0 {
        Tone::Late
    } else {
        Tone::Soon
    }
}

pub fn caseload(rows: &[CaseloadRow], lang: Language) -> Vec<TableRow> {
    rows.iter()
        .map(|row| {
            let load = match row.capacity {
                Some(capacity) => {
                    let ratio = row.load();
                    Cell {
                        text: format!("{}/{capacity}", row.open),
                        value: None,
                        tone: load_tone(ratio),
                        gauge: Some(ratio),
                    }
                }
                None => Cell::plain(row.open.to_string()),
            };
            let count = |n: u32, tone: Tone| {
                if n == 0 {
                    Cell::toned("0", Tone::Dim)
                } else {
                    Cell::toned(n.to_string(), tone)
                }
            };
            let name = match &row.login {
                Some(login) => Cell::plain(row.name.clone()).with_value(login.clone()),
                None => Cell::toned(lang.pick("niet toegewezen", "unassigned"), Tone::Late)
                    .with_value(""),
            };
            TableRow {
                key: RowKey::Person(row.login.clone()),
                cells: vec![
                    name,
                    Cell::plain(row.organisation.clone()),
                    Cell::plain(row.specialism.clone().unwrap_or_default()),
                    load,
                    count(row.overdue, Tone::Late),
                    count(row.stuck, Tone::Late),
                    count(row.high_risk, Tone::Risk),
                ],
            }
        })
        .collect()
}

pub fn stagnation(
    rows: &[StagnationRow],
    snapshot: &Snapshot,
    counting: DayCounting,
    lang: Language,
) -> Vec<TableRow> {
    rows.iter()
        .map(|row| {
            let kind = labels::stagnation_kind(lang, row.kind);
            TableRow {
                key: RowKey::Case(row.case_id, Some(kind_key(row.kind))),
                cells: vec![
                    Cell::plain(row.number.clone()),
                    Cell::plain(row.pseudonym.clone()),
                    Cell::plain(kind).with_value(kind_key(row.kind)),
                    holder(snapshot, row.casusregisseur.as_deref()),
                    Cell::plain(row.organisation.clone().unwrap_or_default()),
                    Cell::toned(
                        labels::lateness(lang, row.days_late, counting == DayCounting::WorkingDays),
                        late_tone(row.days_late),
                    )
                    .with_value(row.days_late.to_string()),
                ],
            }
        })
        .collect()
}

fn kind_key(kind: crate::domain::norms::StagnationKind) -> &'static str {
    use crate::domain::norms::StagnationKind::*;
    match kind {
        FirstContactOverdue => "first_contact_overdue",
        Unassigned => "unassigned",
        NoActivity => "no_activity",
        NoPlan => "no_plan",
        Stuck => "stuck",
        RequestDeadline => "request_deadline",
    }
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
                    Cell::toned(labels::countdown(lang, row.days_left), deadline_tone)
                        .with_value(crate::domain::calendar::local_date(row.decide_by).to_string()),
                ],
            }
        })
        .collect()
}

pub fn doorzettingsmacht(
    rows: &[DoorzettingsmachtRow],
    snapshot: &Snapshot,
    lang: Language,
    now: DateTime<Utc>,
) -> Vec<TableRow> {
    rows.iter()
        .map(|row| TableRow {
            key: RowKey::Case(row.case_id, None),
            cells: vec![
                Cell::plain(row.number.clone()),
                Cell::plain(row.pseudonym.clone()),
                badges(&row.risk_flags),
                match &row.escalated_by {
                    Some(login) if row.escalated => {
                        Cell::plain(snapshot.name_of(login)).with_value(login.clone())
                    }
                    _ => Cell::toned(
                        if row.stuck {
                            lang.pick("vastgelopen", "stuck")
                        } else {
                            lang.pick("hoog risico", "high risk")
                        },
                        Tone::Soon,
                    ),
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

pub fn cases_of(
    cases: &[&Case],
    index: &Index,
    counting: DayCounting,
    lang: Language,
) -> Vec<TableRow> {
    cases
        .iter()
        .map(|case| {
            let worst = index
                .stagnation_of(case.id)
                .iter()
                .max_by_key(|s| s.days_late);
            let (kind, late) = match worst {
                Some(s) => (
                    Cell::plain(labels::stagnation_kind(lang, s.kind)),
                    Cell::toned(
                        labels::lateness(lang, s.days_late, counting == DayCounting::WorkingDays),
                        late_tone(s.days_late),
                    )
                    .with_value(s.days_late.to_string()),
                ),
                None => (
                    Cell::toned("—", Tone::Dim).with_value(""),
                    Cell::toned(lang.pick("op koers", "on track"), Tone::InTime).with_value(""),
                ),
            };
            TableRow {
                key: RowKey::Case(case.id, None),
                cells: vec![
                    Cell::plain(case.number.clone()),
                    Cell::plain(case.pseudonym.clone()),
                    Cell::plain(labels::domain(lang, case.domain)),
                    Cell::plain(status(lang, case.status)),
                    kind,
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
    ) -> Option<Self> {
        Some(match board {
            Board::Caseload => BoardRows::Caseload(boards::caseload(snapshot, index)),
            Board::Stagnatie => BoardRows::Stagnatie(boards::stagnation(snapshot, index)),
            Board::Mandaat => BoardRows::Mandaat(boards::mandate(snapshot, viewer, norms, now)),
            Board::Doorzettingsmacht => {
                BoardRows::Doorzettingsmacht(boards::doorzettingsmacht(snapshot, index))
            }
            Board::Doorstroom => return None,
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
            BoardRows::Caseload(rows) => caseload(rows, lang),
            BoardRows::Stagnatie(rows) => stagnation(rows, snapshot, counting, lang),
            BoardRows::Mandaat(rows) => mandate(rows, snapshot, lang),
            BoardRows::Doorzettingsmacht(rows) => doorzettingsmacht(rows, snapshot, lang, now),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            BoardRows::Caseload(rows) => serde_json::to_value(rows),
            BoardRows::Stagnatie(rows) => serde_json::to_value(rows),
            BoardRows::Mandaat(rows) => serde_json::to_value(rows),
            BoardRows::Doorzettingsmacht(rows) => serde_json::to_value(rows),
        }
        .expect("board rows serialise")
    }
}
