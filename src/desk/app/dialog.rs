//! Dialogs for the inline actions and the reassignment picker.

use std::collections::HashMap;

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{ActionCall, App, Command, Overlay, fuzzy};
use crate::api::wire::{AssignBody, DecisionBody, ReasonBody};
use crate::domain::boards::Snapshot;
use crate::domain::model::{Decision, Login};
use crate::domain::permissions;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    Approve { request_id: i64 },
    Reject { request_id: i64 },
    Reassign { case_id: i64 },
    Escalate { case_id: i64 },
    TakeOver { case_id: i64 },
    Deescalate { case_id: i64 },
}

impl DialogKind {
    pub fn case_id(self, snapshot: &Snapshot) -> Option<i64> {
        match self {
            DialogKind::Approve { request_id } | DialogKind::Reject { request_id } => {
                snapshot.requests.get(&request_id).map(|r| r.case_id)
            }
            DialogKind::Reassign { case_id }
            | DialogKind::Escalate { case_id }
            | DialogKind::TakeOver { case_id }
            | DialogKind::Deescalate { case_id } => Some(case_id),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Flight {
    Editing,
    Sending,
    /// The server (or the desk) refused; the text stays for another try.
    Refused(String),
    /// 409/412: the item changed. The next sync brings the new version,
    /// which a second Enter then acts on, knowingly.
    Conflict(String),
}

#[derive(Debug)]
pub struct Dialog {
    pub kind: DialogKind,
    pub reason: Input,
    pub flight: Flight,
    /// The version of the case or request the user is looking at.
    pub version: i64,
    pub ticket: u64,
    /// For a reassignment: choosing the new casusregisseur comes first.
    pub picker: Option<Picker>,
}

impl Dialog {
    pub fn reason_required(&self, snapshot: &Snapshot) -> bool {
        match self.kind {
            DialogKind::Approve { .. } => false,
            DialogKind::Reassign { case_id } => snapshot
                .cases
                .get(&case_id)
                .is_some_and(|c| c.casusregisseur.is_some()),
            _ => true,
        }
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
}

/// A casusregisseur in the reassignment picker.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub login: Login,
    pub name: String,
    pub organisation: String,
    pub specialism: Option<String>,
    pub open: u32,
    pub capacity: Option<u32>,
    pub current: bool,
}

impl App {
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
            KeyCode::Enter => commands = self.submit(&mut dialog),
            _ => {
                let event = Event::Key(key);
                if dialog.picking() {
                    if let Some(picker) = dialog.picker.as_mut() {
                        picker.filter.handle_event(&event);
                        picker.selected = 0;
                    }
                } else {
                    dialog.reason.handle_event(&event);
                }
            }
        }
        self.overlay = Some(Overlay::Dialog(dialog));
        commands
    }

    pub(super) fn submit(&mut self, dialog: &mut Dialog) -> Vec<Command> {
        let lang = self.lang();
        let reason = dialog.reason.value().trim().to_string();
        if reason.is_empty() && dialog.reason_required(&self.snapshot) {
            dialog.flight = Flight::Refused(
                lang.pick("Een reden is verplicht.", "A reason is required.")
                    .to_string(),
            );
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
                        version: dialog.version,
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
            DialogKind::Reassign { case_id } => {
                let Some(to) = dialog.picker.as_ref().and_then(|p| p.chosen.clone()) else {
                    return Vec::new();
                };
                let done = format!(
                    "{} {} {}",
                    number(Some(case_id)),
                    lang.pick("herverdeeld naar", "reassigned to"),
                    self.snapshot.name_of(&to)
                );
                (
                    ActionCall::Case {
                        case_id,
                        action: "assign",
                        body: serde_json::to_value(AssignBody {
                            casusregisseur: to,
                            reason,
                        })
                        .expect("serialisable"),
                        version: dialog.version,
                    },
                    done,
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
                        version: dialog.version,
                    },
                    format!("{} {word}", number(Some(case_id))),
                )
            }
        };
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        dialog.ticket = ticket;
        dialog.flight = Flight::Sending;
        self.in_flight.insert(ticket, done);
        vec![Command::Act { ticket, call }]
    }

    /// The casusregisseurs a case can go to, least loaded first, filtered
    /// by what the user typed.
    pub fn candidates(&self, dialog: &Dialog) -> Vec<Candidate> {
        let Some(case) = dialog
            .kind
            .case_id(&self.snapshot)
            .and_then(|id| self.snapshot.cases.get(&id))
        else {
            return Vec::new();
        };
        // One pass over the cases, not one per person.
        let mut held: HashMap<&str, u32> = HashMap::new();
        for holder in self
            .snapshot
            .cases
            .values()
            .filter(|c| c.is_open())
            .filter_map(|c| c.casusregisseur.as_deref())
        {
            *held.entry(holder).or_default() += 1;
        }
        let open = |login: &str| held.get(login).copied().unwrap_or(0);
        let mut candidates: Vec<Candidate> = self
            .snapshot
            .people
            .values()
            .filter(|p| p.active && permissions::may_hold_cases(p))
            .map(|p| Candidate {
                login: p.login.clone(),
                name: p.display_name.clone(),
                organisation: p.organisation.clone(),
                specialism: p.specialism.clone(),
                open: open(&p.login),
                capacity: p.capacity,
                current: case.casusregisseur.as_deref() == Some(p.login.as_str()),
            })
            .collect();
        let load = |c: &Candidate| match c.capacity {
            Some(cap) if cap > 0 => f64::from(c.open) / f64::from(cap),
            _ => f64::INFINITY,
        };
        candidates.sort_by(|a, b| load(a).total_cmp(&load(b)).then(a.name.cmp(&b.name)));
        let filter = dialog
            .picker
            .as_ref()
            .map(|p| p.filter.value().to_string())
            .unwrap_or_default();
        if filter.trim().is_empty() {
            return candidates;
        }
        let mut score = fuzzy(&filter);
        candidates
            .into_iter()
            .filter(|c| {
                score(&format!(
                    "{} {} {} {}",
                    c.name,
                    c.login,
                    c.organisation,
                    c.specialism.as_deref().unwrap_or("")
                ))
                .is_some()
            })
            .collect()
    }
}

pub(super) fn current_version(snapshot: &Snapshot, kind: DialogKind) -> Option<i64> {
    match kind {
        DialogKind::Approve { request_id } | DialogKind::Reject { request_id } => {
            snapshot.requests.get(&request_id).map(|r| r.version)
        }
        DialogKind::Reassign { case_id }
        | DialogKind::Escalate { case_id }
        | DialogKind::TakeOver { case_id }
        | DialogKind::Deescalate { case_id } => snapshot.cases.get(&case_id).map(|c| c.version),
    }
}
