//! Dialogs for the inline actions and the reassignment picker.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use chrono::NaiveDate;

use super::{ActionCall, App, Command, Overlay, fuzzy};
use crate::api::wire::{AssignBody, DecisionBody, FollowUpBody, PostponeBody, ReasonBody};
use crate::config::Language;
use crate::desk::columns::RowKey;
use crate::desk::keymap::Action;
use crate::domain::boards::Board;
use crate::domain::boards::Snapshot;
use crate::domain::lifecycle;
use crate::domain::model::{
    Case, CaseStatus, Decision, FollowUpResult, Login, Request, RequestStatus,
};
use crate::domain::permissions::{self, TermAction};
use crate::domain::suggest::{self, Candidate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    Approve {
        request_id: i64,
    },
    Reject {
        request_id: i64,
    },
    Reassign {
        case_id: i64,
    },
    Escalate {
        case_id: i64,
    },
    TakeOver {
        case_id: i64,
    },
    Deescalate {
        case_id: i64,
    },
    /// Opschorting: the applicant was asked to complete the request.
    Suspend {
        request_id: i64,
    },
    /// The information asked for arrived.
    Resume {
        request_id: i64,
    },
    /// Verdaging of the term.
    Extend {
        request_id: i64,
    },
    /// The applicant's ingebrekestelling arrived.
    DefaultNotice {
        request_id: i64,
    },
    /// The waakvlam follow-up contact; Tab switches all well / concern.
    FollowUp {
        case_id: i64,
        concern: bool,
    },
    /// A later follow-up date and the reason, on one line.
    Postpone {
        case_id: i64,
    },
    /// Another casusregisseur makes the follow-up (a picker first).
    FollowUpHolder {
        case_id: i64,
    },
}

impl DialogKind {
    /// The dialogs that act on a case in waakvlam.
    pub fn on_waakvlam(self) -> bool {
        matches!(
            self,
            DialogKind::FollowUp { .. }
                | DialogKind::Postpone { .. }
                | DialogKind::FollowUpHolder { .. }
        )
    }
}

/// Why a dialog's item can no longer be acted on.
#[derive(Debug, Clone, PartialEq)]
pub enum Gone {
    Missing(String),
    Closed(String),
    Decided {
        number: String,
        status: RequestStatus,
    },
}

impl Gone {
    fn say(&self, lang: Language) -> String {
        match self {
            Gone::Missing(number) => format!(
                "{number} {}",
                lang.pick(
                    "is niet meer zichtbaar voor u; er wordt niets verstuurd.",
                    "is no longer visible to you; nothing will be sent."
                )
            ),
            Gone::Closed(number) => format!(
                "{number} {}",
                lang.pick(
                    "is intussen gesloten; er wordt niets verstuurd.",
                    "was closed meanwhile; nothing will be sent."
                )
            ),
            Gone::Decided { number, status } => format!(
                "{number} {} ({}); {}",
                lang.pick("is intussen beslist", "was decided meanwhile"),
                crate::desk::labels::request_status(lang, *status),
                lang.pick("er wordt niets verstuurd.", "nothing will be sent.")
            ),
        }
    }
}

impl Seen {
    pub fn version(&self) -> i64 {
        match self {
            Seen::Case(case) => case.version,
            Seen::Request(request) => request.version,
        }
    }

    pub fn number(&self) -> &str {
        match self {
            Seen::Case(case) => &case.number,
            Seen::Request(request) => &request.number,
        }
    }
}

/// What changed between what the user saw and what the sync brought, in
/// a few words.
fn describe_change(lang: Language, snapshot: &Snapshot, before: &Seen, now: &Seen) -> String {
    let name = |login: Option<&str>| login.map_or_else(|| "—".to_string(), |l| snapshot.name_of(l));
    let mut changes = Vec::new();
    match (before, now) {
        (Seen::Case(a), Seen::Case(b)) => {
            if a.casusregisseur != b.casusregisseur {
                changes.push(format!(
                    "{} {} → {}",
                    lang.pick("casusregisseur", "casusregisseur"),
                    name(a.casusregisseur.as_deref()),
                    name(b.casusregisseur.as_deref())
                ));
            }
            if a.status != b.status {
                changes.push(format!(
                    "{} {} → {}",
                    lang.pick("fase", "stage"),
                    crate::desk::columns::status(lang, a.status),
                    crate::desk::columns::status(lang, b.status)
                ));
            }
            if a.escalated != b.escalated {
                changes.push(
                    if b.escalated {
                        lang.pick("opgeschaald", "escalated")
                    } else {
                        lang.pick("afgeschaald", "de-escalated")
                    }
                    .to_string(),
                );
            }
            if a.stuck_reported != b.stuck_reported {
                changes.push(
                    if b.stuck_reported {
                        lang.pick("vastgelopen gemeld", "reported stuck")
                    } else {
                        lang.pick("niet meer vastgelopen", "no longer stuck")
                    }
                    .to_string(),
                );
            }
            if a.risk_flags != b.risk_flags {
                changes.push(lang.pick("risico's", "risks").to_string());
            }
        }
        (Seen::Request(a), Seen::Request(b)) => {
            if a.decide_by != b.decide_by {
                changes.push(lang.pick("termijn", "deadline").to_string());
            }
            if a.motivation != b.motivation || a.provision != b.provision {
                changes.push(lang.pick("aanvraag", "request").to_string());
            }
        }
        _ => {}
    }
    if changes.is_empty() {
        changes.push(lang.pick("andere gegevens", "other details").to_string());
    }
    format!("{} · {}", now.number(), changes.join(", "))
}

impl DialogKind {
    /// The item the dialog acts on, as the snapshot has it now, if it can
    /// still be acted on.
    pub fn target(self, snapshot: &Snapshot) -> Result<Seen, Gone> {
        match self {
            DialogKind::Approve { request_id }
            | DialogKind::Reject { request_id }
            | DialogKind::Suspend { request_id }
            | DialogKind::Resume { request_id }
            | DialogKind::Extend { request_id }
            | DialogKind::DefaultNotice { request_id } => {
                let request = snapshot
                    .requests
                    .get(&request_id)
                    .ok_or_else(|| Gone::Missing(format!("#{request_id}")))?;
                if request.status != RequestStatus::Pending {
                    return Err(Gone::Decided {
                        number: request.number.clone(),
                        status: request.status,
                    });
                }
                Ok(Seen::Request(Box::new(request.clone())))
            }
            DialogKind::Reassign { case_id }
            | DialogKind::Escalate { case_id }
            | DialogKind::TakeOver { case_id }
            | DialogKind::Deescalate { case_id } => {
                let case = snapshot
                    .cases
                    .get(&case_id)
                    .ok_or_else(|| Gone::Missing(format!("#{case_id}")))?;
                if matches!(case.status, CaseStatus::Closed | CaseStatus::Waakvlam) {
                    return Err(Gone::Closed(case.number.clone()));
                }
                Ok(Seen::Case(Box::new(case.clone())))
            }
            DialogKind::FollowUp { case_id, .. }
            | DialogKind::Postpone { case_id }
            | DialogKind::FollowUpHolder { case_id } => {
                let case = snapshot
                    .cases
                    .get(&case_id)
                    .ok_or_else(|| Gone::Missing(format!("#{case_id}")))?;
                if case.status != CaseStatus::Waakvlam {
                    return Err(Gone::Closed(case.number.clone()));
                }
                Ok(Seen::Case(Box::new(case.clone())))
            }
        }
    }

    pub fn case_id(self, snapshot: &Snapshot) -> Option<i64> {
        if let Some(request_id) = self.request_id() {
            return snapshot.requests.get(&request_id).map(|r| r.case_id);
        }
        match self {
            DialogKind::Reassign { case_id }
            | DialogKind::Escalate { case_id }
            | DialogKind::TakeOver { case_id }
            | DialogKind::Deescalate { case_id }
            | DialogKind::FollowUp { case_id, .. }
            | DialogKind::Postpone { case_id }
            | DialogKind::FollowUpHolder { case_id } => Some(case_id),
            _ => None,
        }
    }
}

impl DialogKind {
    /// The request the dialog acts on: a decision or its term.
    pub fn request_id(self) -> Option<i64> {
        match self {
            DialogKind::Approve { request_id }
            | DialogKind::Reject { request_id }
            | DialogKind::Suspend { request_id }
            | DialogKind::Resume { request_id }
            | DialogKind::Extend { request_id }
            | DialogKind::DefaultNotice { request_id } => Some(request_id),
            _ => None,
        }
    }

    /// The request whose term this dialog moves, for the four term dialogs.
    pub fn term_request(self) -> Option<i64> {
        self.request_id()
            .filter(|_| !matches!(self, DialogKind::Approve { .. } | DialogKind::Reject { .. }))
    }

    /// Whether the dialog asks for an amount (days, weeks or a date)
    /// besides, or instead of, the reason.
    pub fn has_amount(self) -> bool {
        self.term_request().is_some() || matches!(self, DialogKind::Postpone { .. })
    }

    /// Whether the dialog has a free-text field (a reason, what was asked).
    pub fn has_reason(self) -> bool {
        !matches!(
            self,
            DialogKind::Resume { .. } | DialogKind::DefaultNotice { .. }
        )
    }

    /// What the amount field holds when the dialog opens: a hersteltermijn
    /// of two weeks, no guess at an extension, today for a date.
    pub fn amount_default(self, today: NaiveDate) -> String {
        match self {
            DialogKind::Suspend { .. } => "14".into(),
            DialogKind::Resume { .. } | DialogKind::DefaultNotice { .. } => {
                today.format("%d-%m-%Y").to_string()
            }
            _ => String::new(),
        }
    }

    /// Where typing goes first: the amount when it is all there is, or
    /// when it has no sensible default (the weeks of an extension).
    pub fn starts_on_amount(self) -> bool {
        matches!(
            self,
            DialogKind::Extend { .. } | DialogKind::Postpone { .. }
        ) || (self.has_amount() && !self.has_reason())
    }
}

/// What a term dialog will send, and the request as it will then stand.
#[derive(Debug, Clone, PartialEq)]
pub struct TermOutcome {
    pub next: Request,
    pub action: &'static str,
    pub body: serde_json::Value,
}

/// A day as users type it, with or without the year: `3-12` is the 3rd
/// of December of `today`'s year.
pub fn parse_day_near(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    use chrono::Datelike;
    parse_day(text).or_else(|| {
        let (day, month) = text.trim().trim_end_matches('-').split_once('-')?;
        NaiveDate::from_ymd_opt(today.year(), month.parse().ok()?, day.parse().ok()?)
    })
}

/// A day as users type it: `21-05-2027`, `21-5-2027` or `2027-05-21`.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%d-%m-%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .ok()
}

#[derive(Debug, Clone, PartialEq)]
pub enum Flight {
    Editing,
    Sending,
    /// The server (or the desk) refused; the text stays for another try.
    Refused(String),
    /// 409/412, or a sync changed the item under the open dialog: the
    /// dialog says what changed and takes the new version, which a second
    /// Enter then acts on, knowingly.
    Conflict(String),
    /// The case or request is no longer there to act on (decided, closed,
    /// out of the user's sight); Enter sends nothing.
    Gone(String),
}

/// The case or request as the user saw it when the dialog opened, and
/// after every change the dialog has reported since.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    Case(Box<Case>),
    Request(Box<Request>),
}

#[derive(Debug)]
pub struct Dialog {
    pub kind: DialogKind,
    /// For the term dialogs: the hersteltermijn in days, the extension in
    /// weeks, or a date.
    pub amount: Input,
    /// Typing goes to `amount` (Tab switches).
    pub on_amount: bool,
    /// De-escalating a case the doorzettingsmacht took over: hand it back
    /// afterwards (the reassign picker opens), or keep it (Tab switches).
    pub hand_back: bool,
    pub reason: Input,
    pub flight: Flight,
    pub ticket: u64,
    /// For a reassignment: choosing the new casusregisseur comes first.
    pub picker: Option<Picker>,
    pub seen: Seen,
}

impl Dialog {
    pub fn reason_required(&self, snapshot: &Snapshot) -> bool {
        match self.kind {
            DialogKind::Approve { .. } => false,
            DialogKind::Resume { .. } | DialogKind::DefaultNotice { .. } => false,
            DialogKind::FollowUp { concern, .. } => concern,
            DialogKind::Reassign { case_id } | DialogKind::FollowUpHolder { case_id } => snapshot
                .cases
                .get(&case_id)
                .is_some_and(|c| c.casusregisseur.is_some()),
            _ => true,
        }
    }

    /// The version of the case or request the user is looking at.
    pub fn version(&self) -> i64 {
        self.seen.version()
    }

    /// Still choosing whom to reassign to.
    pub fn picking(&self) -> bool {
        self.picker.as_ref().is_some_and(|p| p.chosen.is_none())
    }
}

#[derive(Debug, Default)]
pub struct Picker {
    pub filter: Input,
    pub selected: usize,
    pub chosen: Option<Login>,
    /// The suggestion order, fixed when the picker opened.
    pub order: Vec<Login>,
    /// Everyone in that order, with the figures of the last sync: worked
    /// out when the picker opens and after each sync, never per frame.
    pub listed: Vec<Candidate>,
}

impl App {
    /// After a sync: tells the open dialog what changed under it, or that
    /// its case or request is gone. The dialog stays on its own item.
    pub(super) fn recheck_dialog(&mut self) {
        if let Some(Overlay::Dialog(dialog)) = &self.overlay
            && let Some(picker) = &dialog.picker
        {
            let listed = self.listing(&dialog.kind, &picker.order);
            if let Some(Overlay::Dialog(dialog)) = &mut self.overlay
                && let Some(picker) = dialog.picker.as_mut()
            {
                picker.listed = listed;
            }
        }
        let lang = self.lang();
        let Some(Overlay::Dialog(dialog)) = &mut self.overlay else {
            return;
        };
        if dialog.flight == Flight::Sending {
            return;
        }
        let now = match dialog.kind.target(&self.snapshot) {
            Err(gone) => {
                dialog.flight = Flight::Gone(gone.say(lang));
                return;
            }
            Ok(now) => now,
        };
        if now.version() == dialog.version() {
            return;
        }
        let what = describe_change(lang, &self.snapshot, &dialog.seen, &now);
        let news = format!(
            "{} {what}. {}",
            lang.pick("Intussen gewijzigd:", "Changed meanwhile:"),
            lang.pick(
                "Kijk of uw actie nog klopt en druk nogmaals op Enter, of Esc.",
                "Check that your action still fits and press Enter again, or Esc."
            )
        );
        dialog.flight = match &dialog.flight {
            // A refusal from the server (412/409) stays, with what changed.
            Flight::Conflict(server) => Flight::Conflict(format!("{server} {news}")),
            _ => Flight::Conflict(news),
        };
        dialog.seen = now;
    }

    pub(super) fn on_dialog_key(&mut self, mut dialog: Dialog, key: KeyEvent) -> Vec<Command> {
        let mut commands = Vec::new();
        match key.code {
            KeyCode::Esc => {
                if let Some(picker) = dialog.picker.as_mut().filter(|p| p.chosen.is_some()) {
                    // Back from the reason to the choice; the reason stays.
                    picker.chosen = None;
                } else {
                    return Vec::new();
                }
            }
            _ if dialog.flight == Flight::Sending => {}
            KeyCode::Up | KeyCode::Down if dialog.picking() => {
                let count = self.candidates(&dialog).len();
                if let Some(picker) = dialog.picker.as_mut() {
                    picker.selected = if key.code == KeyCode::Up {
                        picker.selected.saturating_sub(1)
                    } else {
                        (picker.selected + 1).min(count.saturating_sub(1))
                    };
                }
            }
            KeyCode::Enter if dialog.picking() => {
                let candidates = self.candidates(&dialog);
                if let Some(picker) = dialog.picker.as_mut()
                    && let Some(candidate) = candidates.get(picker.selected)
                {
                    if candidate.current {
                        dialog.flight = Flight::Refused(
                            self.lang()
                                .pick(
                                    "Dit is de huidige casusregisseur; kies een ander.",
                                    "This is the current casusregisseur; choose another.",
                                )
                                .to_string(),
                        );
                    } else {
                        picker.chosen = Some(candidate.login.clone());
                        dialog.flight = Flight::Editing;
                    }
                }
            }
            KeyCode::Tab | KeyCode::BackTab
                if matches!(dialog.kind, DialogKind::FollowUp { .. }) =>
            {
                if let DialogKind::FollowUp { case_id, concern } = dialog.kind {
                    dialog.kind = DialogKind::FollowUp {
                        case_id,
                        concern: !concern,
                    };
                    if dialog.flight != Flight::Sending {
                        dialog.flight = Flight::Editing;
                    }
                }
            }
            KeyCode::Tab | KeyCode::BackTab if self.taken_over_deescalation(&dialog) => {
                dialog.hand_back = !dialog.hand_back;
            }
            KeyCode::Enter => commands = self.submit(&mut dialog),
            KeyCode::Tab | KeyCode::BackTab
                if dialog.kind.has_amount() && dialog.kind.has_reason() =>
            {
                dialog.on_amount = !dialog.on_amount;
            }
            _ => {
                let event = Event::Key(key);
                if dialog.on_amount {
                    dialog.amount.handle_event(&event);
                } else if dialog.picking() {
                    if let Some(picker) = dialog.picker.as_mut() {
                        picker.filter.handle_event(&event);
                        picker.selected = 0;
                    }
                } else {
                    dialog.reason.handle_event(&event);
                }
                // What was refused is being changed: the old words go.
                if let Flight::Refused(_) = dialog.flight {
                    dialog.flight = Flight::Editing;
                }
            }
        }
        self.overlay = Some(Overlay::Dialog(dialog));
        commands
    }

    /// Whether the dialog de-escalates a case the doorzettingsmacht took
    /// over: it stays with them after, unless handed back.
    pub fn taken_over_deescalation(&self, dialog: &Dialog) -> bool {
        match dialog.kind {
            DialogKind::Deescalate { case_id } => self
                .snapshot
                .cases
                .get(&case_id)
                .is_some_and(|c| c.taken_over),
            _ => false,
        }
    }

    pub(super) fn submit(&mut self, dialog: &mut Dialog) -> Vec<Command> {
        let lang = self.lang();
        if let Flight::Gone(_) = dialog.flight {
            return Vec::new();
        }
        if let Some(request_id) = dialog.kind.term_request() {
            let note = dialog.reason.value().trim().to_string();
            let outcome = match self.term_outcome(dialog, Some(&note)) {
                Some(Ok(outcome)) => outcome,
                Some(Err(why)) => {
                    dialog.flight = Flight::Refused(why);
                    return Vec::new();
                }
                None => return Vec::new(),
            };
            // After an ingebrekestelling what counts is the dwangsom's first
            // day, not the passed decision date.
            let done = match &outcome.next.term.default_notice {
                Some(notice) if dialog.kind == (DialogKind::DefaultNotice { request_id }) => {
                    format!(
                        "{} · {} {}",
                        outcome.next.number,
                        lang.pick("dwangsom vanaf", "penalty from"),
                        crate::desk::labels::date(
                            lang,
                            crate::domain::term::dwangsom_day_one(
                                notice.received_on,
                                &self.settings.norms.calendar
                            )
                        )
                    )
                }
                _ => format!(
                    "{} · {} {}",
                    outcome.next.number,
                    lang.pick("beslissen vóór", "decide by"),
                    crate::desk::labels::date(
                        lang,
                        crate::domain::calendar::local_date(outcome.next.decide_by)
                    )
                ),
            };
            let call = ActionCall::Request {
                request_id,
                action: outcome.action,
                body: outcome.body,
                version: dialog.version(),
            };
            return self.send(dialog, call, done);
        }
        // Only requests in the plan can be approved: the dialog said so,
        // and Enter does not send what the server must refuse.
        if let DialogKind::Approve { request_id } = dialog.kind
            && self
                .snapshot
                .requests
                .get(&request_id)
                .is_some_and(|r| !r.in_plan)
        {
            dialog.flight = Flight::Refused(
                lang.pick(
                    "Niet in het plan: toekennen kan niet. Wijs af (r), of laat de casusregisseur de hulp eerst in het plan opnemen.",
                    "Not in the plan: it cannot be approved. Reject it (r), or have the casusregisseur put the help in the plan first.",
                )
                .to_string(),
            );
            return Vec::new();
        }
        let reason = dialog.reason.value().trim().to_string();
        let mut postpone_to = None;
        if let DialogKind::Postpone { .. } = dialog.kind {
            // The date in its own field; the reason in the other.
            let today = crate::domain::calendar::local_date(self.now);
            let Some(date) = parse_day_near(dialog.amount.value(), today) else {
                let example = today.format("%d-%m-%Y");
                dialog.flight = Flight::Refused(match lang {
                    Language::Nl => format!("Vul de nieuwe datum in, als {example}."),
                    Language::En => format!("Enter the new date, such as {example}."),
                });
                dialog.on_amount = true;
                return Vec::new();
            };
            postpone_to = Some(date);
        }
        if reason.is_empty() && dialog.reason_required(&self.snapshot) {
            // The field's own name: the concern of a follow-up is a note.
            let required = match dialog.kind {
                DialogKind::FollowUp { concern: true, .. } => lang.pick(
                    "Een notitie over de zorg is verplicht.",
                    "A note on the concern is required.",
                ),
                _ => lang.pick("Een reden is verplicht.", "A reason is required."),
            };
            dialog.flight = Flight::Refused(required.to_string());
            return Vec::new();
        }
        let reason = (!reason.is_empty()).then_some(reason);
        let number = |id: Option<i64>| {
            id.and_then(|id| self.snapshot.cases.get(&id))
                .map(|c| c.number.clone())
                .unwrap_or_default()
        };
        let case_body = |reason: Option<String>| {
            serde_json::to_value(ReasonBody { reason }).expect("serialisable")
        };
        let (call, done) = match dialog.kind {
            DialogKind::Approve { request_id } | DialogKind::Reject { request_id } => {
                let approve = matches!(dialog.kind, DialogKind::Approve { .. });
                let request_number = self
                    .snapshot
                    .requests
                    .get(&request_id)
                    .map(|r| r.number.clone())
                    .unwrap_or_default();
                (
                    ActionCall::Decide {
                        request_id,
                        body: DecisionBody {
                            decision: if approve {
                                Decision::Approve
                            } else {
                                Decision::Reject
                            },
                            reason,
                        },
                        version: dialog.version(),
                    },
                    format!(
                        "{request_number} {}",
                        if approve {
                            lang.pick("toegekend", "approved")
                        } else {
                            lang.pick("afgewezen", "rejected")
                        }
                    ),
                )
            }
            // Both hand the case to the person chosen in the picker: as its
            // casusregisseur, or (in waakvlam) as who makes the follow-up.
            DialogKind::Reassign { case_id } | DialogKind::FollowUpHolder { case_id } => {
                let Some(to) = dialog.picker.as_ref().and_then(|p| p.chosen.clone()) else {
                    return Vec::new();
                };
                let first = self
                    .snapshot
                    .cases
                    .get(&case_id)
                    .is_some_and(|c| c.casusregisseur.is_none());
                let (action, words) = if matches!(dialog.kind, DialogKind::Reassign { .. }) {
                    if first {
                        ("assign", lang.pick("toegewezen aan", "assigned to"))
                    } else {
                        ("assign", lang.pick("herverdeeld naar", "reassigned to"))
                    }
                } else {
                    (
                        "waakvlam/assign",
                        lang.pick("waakvlam overgedragen aan", "waakvlam handed to"),
                    )
                };
                let done = format!(
                    "{} {words} {}",
                    number(Some(case_id)),
                    self.snapshot.name_of(&to)
                );
                (
                    ActionCall::Case {
                        case_id,
                        action,
                        body: serde_json::to_value(AssignBody {
                            casusregisseur: to,
                            reason,
                            absence: None,
                        })
                        .expect("serialisable"),
                        version: dialog.version(),
                    },
                    done,
                )
            }
            DialogKind::FollowUp { case_id, concern } => {
                let result = if concern {
                    FollowUpResult::Concern
                } else {
                    FollowUpResult::AllWell
                };
                (
                    ActionCall::Case {
                        case_id,
                        action: "waakvlam/followup",
                        body: serde_json::to_value(FollowUpBody {
                            result,
                            note: reason,
                        })
                        .expect("serialisable"),
                        version: dialog.version(),
                    },
                    format!(
                        "{} {}",
                        number(Some(case_id)),
                        if concern {
                            lang.pick(
                                "nacontact vastgelegd: zorg, nieuwe zaak aangemeld",
                                "follow-up recorded: concern, new case referred",
                            )
                        } else {
                            lang.pick(
                                "nacontact vastgelegd: gaat goed",
                                "follow-up recorded: all well",
                            )
                        }
                    ),
                )
            }
            DialogKind::Postpone { case_id } => {
                let Some(until) = postpone_to else {
                    return Vec::new();
                };
                (
                    ActionCall::Case {
                        case_id,
                        action: "waakvlam/postpone",
                        body: serde_json::to_value(PostponeBody {
                            waakvlam_until: until,
                            reason,
                        })
                        .expect("serialisable"),
                        version: dialog.version(),
                    },
                    format!(
                        "{} {} {}",
                        number(Some(case_id)),
                        lang.pick("nacontact uitgesteld tot", "follow-up postponed to"),
                        crate::desk::labels::date(lang, until)
                    ),
                )
            }
            DialogKind::Escalate { case_id }
            | DialogKind::TakeOver { case_id }
            | DialogKind::Deescalate { case_id } => {
                let (action, word) = match dialog.kind {
                    DialogKind::Escalate { .. } => {
                        ("escalate", lang.pick("opgeschaald", "escalated"))
                    }
                    DialogKind::TakeOver { .. } => {
                        ("takeover", lang.pick("overgenomen", "taken over"))
                    }
                    _ => ("deescalate", lang.pick("afgeschaald", "de-escalated")),
                };
                (
                    ActionCall::Case {
                        case_id,
                        action,
                        body: case_body(reason),
                        version: dialog.version(),
                    },
                    format!("{} {word}", number(Some(case_id))),
                )
            }
            // Handled above, before the reason check.
            DialogKind::Suspend { .. }
            | DialogKind::Resume { .. }
            | DialogKind::Extend { .. }
            | DialogKind::DefaultNotice { .. } => return Vec::new(),
        };
        self.send(dialog, call, done)
    }

    /// Sends the dialog's call; `done` is what the status line says when
    /// the server agrees.
    fn send(&mut self, dialog: &mut Dialog, call: ActionCall, done: String) -> Vec<Command> {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        dialog.ticket = ticket;
        dialog.flight = Flight::Sending;
        self.in_flight.insert(ticket, done);
        vec![Command::Act { ticket, call }]
    }

    /// What a term dialog would send and the request as it would then
    /// stand, worked out by the same rules the server applies, so the user
    /// sees the new `decide_by` (or why not) before pressing Enter. `note`
    /// is the text typed; `None` previews with a stand-in, since the
    /// deadline does not depend on it. `None` for the other dialogs.
    pub fn term_outcome(
        &self,
        dialog: &Dialog,
        note: Option<&str>,
    ) -> Option<Result<TermOutcome, String>> {
        dialog.kind.term_request()?;
        let Seen::Request(request) = &dialog.seen else {
            return None;
        };
        let case = self.snapshot.cases.get(&request.case_id)?;
        let lang = self.lang();
        let (me, now, norms) = (&self.me.person, self.now, &self.settings.norms);
        let today = crate::domain::calendar::local_date(now);
        let amount = dialog.amount.value().trim();
        let note = note.unwrap_or("…");
        let day = || {
            parse_day_near(amount, today).ok_or_else(|| {
                let example = today.format("%d-%m-%Y");
                match lang {
                    Language::Nl => format!("Vul een datum in als {example}."),
                    Language::En => format!("Enter a date such as {example}."),
                }
            })
        };
        let count = |what_nl: &str, what_en: &str| {
            amount.parse::<u32>().map_err(|_| match lang {
                Language::Nl => format!("Vul het aantal {what_nl} in."),
                Language::En => format!("Enter the number of {what_en}."),
            })
        };
        let outcome = || -> Result<TermOutcome, String> {
            let (action, body, moved) = match dialog.kind {
                DialogKind::Suspend { .. } => {
                    let complete_by = today + chrono::Days::new(count("dagen", "days")?.into());
                    (
                        "suspension",
                        serde_json::json!({"complete_by": complete_by, "note": note}),
                        lifecycle::suspend(
                            request,
                            case,
                            me,
                            None,
                            complete_by,
                            Some(note),
                            now,
                            norms,
                        ),
                    )
                }
                DialogKind::Resume { .. } => {
                    let completed_on = day()?;
                    (
                        "resumption",
                        serde_json::json!({"completed_on": completed_on}),
                        lifecycle::resume(request, case, me, Some(completed_on), now, norms),
                    )
                }
                DialogKind::Extend { .. } => {
                    let weeks = count("weken", "weeks")?;
                    (
                        "extension",
                        serde_json::json!({"weeks": weeks, "reason": note}),
                        lifecycle::extend(request, case, me, weeks, None, Some(note), now, norms),
                    )
                }
                // The ingebrekestelling (the other dialogs left above).
                _ => {
                    let received_on = day()?;
                    (
                        "default-notice",
                        serde_json::json!({"received_on": received_on}),
                        lifecycle::record_default_notice(
                            request,
                            case,
                            me,
                            received_on,
                            now,
                            norms,
                        ),
                    )
                }
            };
            let (next, _) = moved.map_err(|r| r.to_string())?;
            Ok(TermOutcome { next, action, body })
        };
        Some(outcome())
    }

    /// Whether a term action is offered on the selected Mandaat row: the
    /// user may record it and the request's state allows it now.
    pub(super) fn offers_term_action(&self, action: Action) -> bool {
        if self.board != Board::Mandaat {
            return false;
        }
        let Some(RowKey::Request { request_id, .. }) = self.selected_key() else {
            return false;
        };
        let Some(request) = self.snapshot.requests.get(request_id) else {
            return false;
        };
        let Some(case) = self.snapshot.cases.get(&request.case_id) else {
            return false;
        };
        let what = match action {
            Action::Suspend => TermAction::Suspend,
            Action::Resume => TermAction::Resume,
            Action::Extend => TermAction::Extend,
            _ => TermAction::RecordDefaultNotice,
        };
        if permissions::may_move_term(&self.me.person, what, request, case).is_err() {
            return false;
        }
        let today = crate::domain::calendar::local_date(self.now);
        let late = self.now > request.decide_by;
        let suspended = request.term.suspended_on(today).is_some();
        match what {
            TermAction::Suspend => !late && !suspended,
            TermAction::Resume => request.term.open_suspension().is_some(),
            TermAction::Extend => !late && request.term.extension.is_none(),
            TermAction::RecordDefaultNotice => late && request.term.default_notice.is_none(),
        }
    }

    /// Who the dialog's case can go to, with today's figures, in `order`
    /// (the order fixed when the picker opened; empty: the best first).
    pub(super) fn listing(&self, kind: &DialogKind, order: &[Login]) -> Vec<Candidate> {
        let Some(case) = kind
            .case_id(&self.snapshot)
            .and_then(|id| self.snapshot.cases.get(&id))
        else {
            return Vec::new();
        };
        let mut candidates = suggest::candidates(case, &self.snapshot, &self.index);
        if !order.is_empty() {
            let rank = |login: &str| order.iter().position(|l| l == login).unwrap_or(usize::MAX);
            candidates.sort_by_key(|c| rank(&c.login));
        }
        candidates
    }

    /// Who the case can go to, in the order fixed when the picker opened
    /// (best suggestion first), filtered by what the user typed. The
    /// figures beside each name are today's.
    pub fn candidates(&self, dialog: &Dialog) -> Vec<Candidate> {
        let candidates = dialog
            .picker
            .as_ref()
            .map(|p| p.listed.clone())
            .unwrap_or_default();
        let filter = dialog
            .picker
            .as_ref()
            .map(|p| p.filter.value().to_string())
            .unwrap_or_default();
        if filter.trim().is_empty() {
            return candidates;
        }
        let text = |c: &Candidate| {
            format!(
                "{} {} {} {}",
                c.name,
                c.login,
                c.organisation,
                c.specialism.as_deref().unwrap_or("")
            )
        };
        // A name typed finds that name (see `exact_where_found`).
        let haystacks: Vec<String> = candidates.iter().map(text).collect();
        let pattern = super::exact_where_found(&filter, haystacks.iter().map(String::as_str));
        let mut score = fuzzy(&pattern);
        candidates
            .into_iter()
            .zip(haystacks)
            .filter(|(_, h)| score(h).is_some())
            .map(|(c, _)| c)
            .collect()
    }
}
