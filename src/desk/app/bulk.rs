//! One action on the marked cases (see [`super::selection`]): reassign
//! them all to one person, or escalate them all, with one reason. Each
//! case is its own change at the version the user saw when the dialog
//! opened (its own If-Match), so a case changed meanwhile is reported, not
//! overwritten; a case the action does not apply to is listed with why,
//! never sent. When it is done, the cases that did not change stay marked.

use std::collections::HashSet;

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::team::{RowPicker, filtered};
use super::{ActionCall, App, Changed, Command, Overlay, StatusKind};
use crate::api::client::ApiFailure;
use crate::api::wire::{AssignBody, ReasonBody};
use crate::domain::boards::Delta;
use crate::domain::model::{CaseStatus, Login, Role};
use crate::domain::permissions::{self, CaseAction};
use crate::domain::suggest::{self, Candidate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    Reassign,
    Escalate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkStage {
    /// Choosing who takes the cases (reassign).
    Choose,
    /// Typing the one reason for all.
    Reason,
    /// The changes are under way, or done.
    Applying,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BulkOutcome {
    /// Will be sent.
    Waiting,
    Sending(u64),
    Done,
    /// Sent and refused, or changed meanwhile.
    Failed(String),
    /// Not sent: the action does not apply to this case.
    Skipped(String),
}

/// One marked case in the dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRow {
    pub case_id: i64,
    pub number: String,
    pub pseudonym: String,
    pub holder: Option<Login>,
    /// The version the user saw: sent as If-Match.
    pub version: i64,
    pub outcome: BulkOutcome,
}

#[derive(Debug)]
pub struct Bulk {
    pub action: BulkAction,
    pub rows: Vec<BulkRow>,
    pub stage: BulkStage,
    /// Who may take the cases (reassign), best first for the first case.
    pub picker: RowPicker,
    pub to: Option<Candidate>,
    pub reason: Input,
    /// Why Enter did nothing.
    pub warning: Option<String>,
}

impl Bulk {
    pub fn count(&self, pick: impl Fn(&BulkOutcome) -> bool) -> usize {
        self.rows.iter().filter(|r| pick(&r.outcome)).count()
    }

    /// The cases that will be sent.
    pub fn waiting(&self) -> usize {
        self.count(|o| *o == BulkOutcome::Waiting)
    }

    pub fn done(&self) -> bool {
        self.stage == BulkStage::Applying
            && self.count(|o| matches!(o, BulkOutcome::Sending(_))) == 0
    }
}

impl App {
    /// Why `action` does not apply to a case, in the domain's words.
    fn bulk_skip(&self, action: BulkAction, case_id: i64) -> Option<String> {
        let lang = self.lang();
        let case = self.snapshot.cases.get(&case_id)?;
        if case.status == CaseStatus::Waakvlam {
            return Some(
                match action {
                    BulkAction::Reassign => lang.pick(
                        "in waakvlam: t op het Waakvlam-bord",
                        "in waakvlam: t on the Waakvlam board",
                    ),
                    BulkAction::Escalate => lang.pick("in waakvlam", "in waakvlam"),
                }
                .into(),
            );
        }
        if !case.is_open() {
            return Some(lang.pick("gesloten", "closed").into());
        }
        if action == BulkAction::Escalate && case.escalated {
            return Some(lang.pick("al opgeschaald", "already escalated").into());
        }
        let what = match action {
            BulkAction::Reassign => CaseAction::Assign,
            BulkAction::Escalate => CaseAction::Escalate,
        };
        permissions::may_act_on_case(&self.me.person, what, case)
            .err()
            .map(|denied| denied.0)
    }

    /// Whether `action` applies to at least one marked case (the footer and
    /// the keys ask this while rows are marked, on every frame).
    pub(super) fn offers_bulk(&self, action: BulkAction) -> bool {
        self.marked_case_ids()
            .into_iter()
            .any(|id| self.bulk_skip(action, id).is_none())
    }

    /// Why `t` or `e` does nothing with these rows marked: the first
    /// marked case's reason.
    pub(super) fn bulk_why_not(&self, action: BulkAction) -> Option<String> {
        let first = self
            .marked_cases()
            .into_iter()
            .find_map(|id| Some((id, self.bulk_skip(action, id)?)))?;
        let number = self.snapshot.cases.get(&first.0)?.number.clone();
        Some(format!(
            "{} {number}: {}",
            self.lang().pick(
                "Dit geldt voor geen van de gemarkeerde zaken; bijvoorbeeld",
                "This applies to none of the marked cases; for example"
            ),
            first.1
        ))
    }

    /// `t` or `e` with rows marked.
    pub(super) fn open_bulk(&mut self, action: BulkAction) {
        let rows: Vec<BulkRow> = self
            .marked_cases()
            .into_iter()
            .filter_map(|id| {
                let case = self.snapshot.cases.get(&id)?;
                Some(BulkRow {
                    case_id: id,
                    number: case.number.clone(),
                    pseudonym: case.pseudonym.clone(),
                    holder: case.casusregisseur.clone(),
                    version: case.version,
                    outcome: match self.bulk_skip(action, id) {
                        Some(why) => BulkOutcome::Skipped(why),
                        None => BulkOutcome::Waiting,
                    },
                })
            })
            .collect();
        let first = rows
            .iter()
            .find(|r| r.outcome == BulkOutcome::Waiting)
            .and_then(|r| self.snapshot.cases.get(&r.case_id));
        let listed = match (action, first) {
            (BulkAction::Reassign, Some(case)) => {
                suggest::candidates(case, &self.snapshot, &self.index)
                    .into_iter()
                    .filter(|c| {
                        c.away_until.is_none() && c.role != Role::ProcesregisseurDoorzettingsmacht
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        self.overlay = Some(Overlay::Bulk(Bulk {
            action,
            stage: match action {
                BulkAction::Reassign => BulkStage::Choose,
                BulkAction::Escalate => BulkStage::Reason,
            },
            rows,
            picker: RowPicker {
                listed,
                ..RowPicker::default()
            },
            to: None,
            reason: Input::default(),
            warning: None,
        }));
    }

    /// The picker's listing filtered by what was typed.
    pub fn bulk_candidates(&self, bulk: &Bulk) -> Vec<Candidate> {
        filtered(&bulk.picker)
    }

    pub(super) fn on_bulk_key(&mut self, mut bulk: Bulk, key: KeyEvent) -> Vec<Command> {
        let lang = self.lang();
        let mut commands = Vec::new();
        bulk.warning = None;
        match (bulk.stage, key.code) {
            (BulkStage::Applying, KeyCode::Esc | KeyCode::Enter) if bulk.done() => {
                return Vec::new();
            }
            (BulkStage::Applying, _) => {}
            (BulkStage::Choose, KeyCode::Esc) => return Vec::new(),
            (BulkStage::Choose, KeyCode::Up) => {
                bulk.picker.selected = bulk.picker.selected.saturating_sub(1);
            }
            (BulkStage::Choose, KeyCode::Down) => {
                let count = filtered(&bulk.picker).len();
                bulk.picker.selected = (bulk.picker.selected + 1).min(count.saturating_sub(1));
            }
            (BulkStage::Choose, KeyCode::Enter) => {
                match filtered(&bulk.picker).get(bulk.picker.selected) {
                    Some(chosen) => {
                        bulk.to = Some(chosen.clone());
                        bulk.stage = BulkStage::Reason;
                    }
                    None => {
                        bulk.warning = Some(
                            lang.pick("Kies eerst iemand.", "Choose someone first.")
                                .into(),
                        );
                    }
                }
            }
            (BulkStage::Choose, _) => {
                bulk.picker.filter.handle_event(&Event::Key(key));
                bulk.picker.selected = 0;
            }
            (BulkStage::Reason, KeyCode::Esc) => match bulk.action {
                BulkAction::Reassign => bulk.stage = BulkStage::Choose,
                BulkAction::Escalate => return Vec::new(),
            },
            (BulkStage::Reason, KeyCode::Enter) => {
                if bulk.reason.value().trim().is_empty() {
                    bulk.warning = Some(
                        lang.pick("Een reden is verplicht.", "A reason is required.")
                            .into(),
                    );
                } else if bulk.waiting() == 0 {
                    bulk.warning = Some(
                        lang.pick("Er is niets om te versturen.", "There is nothing to send.")
                            .into(),
                    );
                } else {
                    commands = self.apply_bulk(&mut bulk);
                }
            }
            (BulkStage::Reason, _) => drop(bulk.reason.handle_event(&Event::Key(key))),
        }
        self.overlay = Some(Overlay::Bulk(bulk));
        commands
    }

    /// Sends each waiting case as its own change.
    fn apply_bulk(&mut self, bulk: &mut Bulk) -> Vec<Command> {
        let lang = self.lang();
        let reason = bulk.reason.value().trim().to_string();
        bulk.stage = BulkStage::Applying;
        let to = bulk.to.as_ref().map(|c| c.login.clone());
        let mut commands = Vec::new();
        for row in bulk
            .rows
            .iter_mut()
            .filter(|r| r.outcome == BulkOutcome::Waiting)
        {
            let (action, body) = match (bulk.action, &to) {
                (BulkAction::Reassign, Some(to)) if row.holder.as_ref() == Some(to) => {
                    row.outcome =
                        BulkOutcome::Skipped(lang.pick("heeft deze zaak al", "holds it").into());
                    continue;
                }
                (BulkAction::Reassign, Some(to)) => (
                    "assign",
                    serde_json::to_value(AssignBody {
                        casusregisseur: to.clone(),
                        reason: Some(reason.clone()),
                        absence: None,
                    }),
                ),
                (BulkAction::Reassign, None) => continue,
                (BulkAction::Escalate, _) => (
                    "escalate",
                    serde_json::to_value(ReasonBody {
                        reason: Some(reason.clone()),
                    }),
                ),
            };
            let ticket = self.next_ticket;
            self.next_ticket += 1;
            row.outcome = BulkOutcome::Sending(ticket);
            commands.push(Command::Act {
                ticket,
                call: ActionCall::Case {
                    case_id: row.case_id,
                    action,
                    body: body.expect("serialisable"),
                    version: row.version,
                },
            });
        }
        if commands.is_empty() {
            self.finish_bulk(bulk);
        }
        commands
    }

    /// An answer for one of the dialog's cases; `None` when the ticket is
    /// not the dialog's.
    pub(super) fn on_bulk_done(
        &mut self,
        ticket: u64,
        result: &Result<Changed, ApiFailure>,
    ) -> Option<Vec<Command>> {
        let lang = self.lang();
        let Some(Overlay::Bulk(bulk)) = &mut self.overlay else {
            return None;
        };
        let row = bulk
            .rows
            .iter_mut()
            .find(|r| r.outcome == BulkOutcome::Sending(ticket))?;
        row.outcome = match result {
            Ok(_) => BulkOutcome::Done,
            Err(failure) if failure.is_conflict() => BulkOutcome::Failed(
                lang.pick(
                    "intussen gewijzigd; niet gewijzigd",
                    "changed meanwhile; left as it was",
                )
                .into(),
            ),
            Err(failure) => BulkOutcome::Failed(failure.to_string()),
        };
        if let Ok(Changed::Case(case)) = result {
            self.apply(Delta {
                cases: vec![(**case).clone()],
                ..Delta::default()
            });
        }
        let Some(Overlay::Bulk(bulk)) = self.overlay.take() else {
            return Some(Vec::new());
        };
        let done = bulk.done();
        if done {
            self.finish_bulk(&bulk);
        }
        self.overlay = Some(Overlay::Bulk(bulk));
        Some(if done {
            vec![Command::SyncNow]
        } else {
            Vec::new()
        })
    }

    /// The footer's count; the cases that did not change stay marked.
    fn finish_bulk(&mut self, bulk: &Bulk) {
        let lang = self.lang();
        let changed = bulk.count(|o| *o == BulkOutcome::Done);
        let not: HashSet<i64> = bulk
            .rows
            .iter()
            .filter(|r| r.outcome != BulkOutcome::Done)
            .map(|r| r.case_id)
            .collect();
        let what = match (bulk.action, &bulk.to) {
            (BulkAction::Reassign, Some(to)) => format!(
                "{} {}",
                lang.pick("herverdeeld naar", "reassigned to"),
                to.name
            ),
            _ => lang.pick("opgeschaald", "escalated").to_string(),
        };
        let text = format!(
            "{changed} {} {} {} {what}{}",
            lang.pick("van", "of"),
            bulk.rows.len(),
            lang.pick("zaken", "cases"),
            if not.is_empty() {
                "."
            } else {
                lang.pick(
                    "; de andere blijven gemarkeerd.",
                    "; the others stay marked.",
                )
            }
        );
        self.say(
            text,
            // Partly done is no failure: the list says what did not go.
            if not.is_empty() {
                StatusKind::Done
            } else {
                StatusKind::Notice
            },
        );
        self.keep_marked(&not);
    }
}
