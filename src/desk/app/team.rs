//! A casusregisseur away: marking the absence (`A` on Caseload), the
//! redistribution proposal the procesregisseur edits and confirms once,
//! and the way back after a temporary absence. The proposal itself is the
//! domain's (`domain::redistribution`); here it is edited and applied,
//! each case as its own reassignment at the version the proposal saw, so a
//! case changed meanwhile is reported, not moved.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::dialog::{Flight, parse_day_near};
use super::{ActionCall, App, Changed, Command, Overlay, StatusKind, fuzzy};
use crate::api::client::ApiFailure;
use crate::api::wire::{AbsenceChangeBody, AssignBody, NewAbsenceBody};
use crate::desk::columns::RowKey;
use crate::domain::absence::{self, Absence};
use crate::domain::boards::Delta;
use crate::domain::calendar::local_date;
use crate::domain::model::{Login, Role};
use crate::domain::permissions;
use crate::domain::redistribution::{self, Line, Which};
use crate::domain::suggest::{self, Candidate};

/// The field of the absence form that takes what is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbsenceField {
    From,
    Until,
    Temporary,
}

/// Marking someone absent: two days and whether it is temporary.
#[derive(Debug)]
pub struct AbsenceForm {
    pub login: Login,
    pub from: Input,
    pub until: Input,
    pub temporary: bool,
    pub field: AbsenceField,
    pub flight: Flight,
    pub ticket: u64,
}

/// One case of a proposal, as the procesregisseur edits it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalRow {
    pub line: Line,
    /// Moved when the proposal is confirmed (Space drops it).
    pub keep: bool,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Proposed,
    Sending(u64),
    Moved,
    /// Not moved, and why (changed meanwhile, refused, no answer).
    NotMoved(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Choosing who takes which case.
    Editing,
    /// Typing the one reason for all.
    Reason,
    /// The reassignments are under way, or done.
    Applying,
}

/// A redistribution proposal on screen.
#[derive(Debug)]
pub struct Redistribution {
    pub absence: Absence,
    /// The way back after a temporary absence.
    pub back: bool,
    pub which: Which,
    pub rows: Vec<ProposalRow>,
    pub selected: usize,
    pub stage: Stage,
    pub reason: Input,
    /// Choosing another person for the selected case.
    pub picker: Option<RowPicker>,
    /// Why Enter did nothing (no reason typed, nothing to move).
    pub warning: Option<String>,
}

#[derive(Debug, Default)]
pub struct RowPicker {
    pub filter: Input,
    pub selected: usize,
    /// Who may take the selected case, best first: worked out when the
    /// picker opens (a pass over every case), not per key or frame.
    pub listed: Vec<Candidate>,
}

impl Redistribution {
    pub fn sending(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Sending(_)))
            .count()
    }

    pub fn done(&self) -> bool {
        self.stage == Stage::Applying && self.sending() == 0
    }
}

impl App {
    /// The person selected on Caseload, if the user may mark them absent.
    pub(super) fn absence_target(&self) -> Option<&crate::domain::model::Person> {
        if self.drill.is_some() || self.board != crate::domain::boards::Board::Caseload {
            return None;
        }
        let Some(RowKey::Person(Some(login))) = self.selected_key() else {
            return None;
        };
        let person = self.snapshot.people.get(login)?;
        permissions::may_mark_absent(&self.me.person, person)
            .is_ok()
            .then_some(person)
    }

    /// `A` on Caseload: the return proposal when the person is back from a
    /// temporary absence whose cases wait; the proposal of their current or
    /// next absence; else the form to record one.
    pub(super) fn open_absence(&mut self) -> Vec<Command> {
        let Some(person) = self.absence_target() else {
            return Vec::new();
        };
        let login = person.login.clone();
        let today = local_date(self.now);
        let absences = self.snapshot.absences_of(&login);
        if let Some(returning) = absences.iter().find(|a| a.awaits_return(today)).cloned() {
            self.open_redistribution(returning, true);
        } else if let Some(current) = absence::current_or_next(absences, today).cloned() {
            self.open_redistribution(current, false);
        } else {
            let day = |d: chrono::NaiveDate| d.format("%d-%m-%Y").to_string();
            // A working week from today: the usual absence to plan for.
            let until = self.settings.norms.calendar.nth_day_after(
                today,
                4,
                crate::domain::calendar::DayCounting::WorkingDays,
            );
            self.overlay = Some(Overlay::Absence(AbsenceForm {
                login,
                from: Input::new(day(today)),
                until: Input::new(day(until)),
                temporary: true,
                field: AbsenceField::Until,
                flight: Flight::Editing,
                ticket: 0,
            }));
        }
        Vec::new()
    }

    fn proposal(&self, absence: &Absence, back: bool, which: Which) -> Vec<ProposalRow> {
        let lines = if back {
            redistribution::propose_return(&self.snapshot, absence)
        } else {
            redistribution::propose(
                &self.snapshot,
                &self.index,
                &self.settings.norms,
                absence,
                &self.snapshot.all_absences(),
                which,
            )
        };
        lines
            .into_iter()
            .map(|line| ProposalRow {
                keep: line.to.is_some(),
                line,
                outcome: Outcome::Proposed,
            })
            .collect()
    }

    fn open_redistribution(&mut self, absence: Absence, back: bool) {
        // Every open case first: a high-risk case with nothing due this
        // week needs someone too (`a` narrows to what falls due).
        let which = Which::All;
        let rows = self.proposal(&absence, back, which);
        self.overlay = Some(Overlay::Redistribution(Redistribution {
            absence,
            back,
            which,
            rows,
            selected: 0,
            stage: Stage::Editing,
            reason: Input::new(if back {
                self.lang()
                    .pick("terug van afwezigheid", "back from absence")
                    .into()
            } else {
                String::new()
            }),
            picker: None,
            warning: None,
        }));
    }

    pub(super) fn on_absence_key(&mut self, mut form: AbsenceForm, key: KeyEvent) -> Vec<Command> {
        let lang = self.lang();
        let mut commands = Vec::new();
        match key.code {
            KeyCode::Esc => return Vec::new(),
            _ if form.flight == Flight::Sending => {}
            KeyCode::Tab | KeyCode::Down => {
                form.field = match form.field {
                    AbsenceField::From => AbsenceField::Until,
                    AbsenceField::Until => AbsenceField::Temporary,
                    AbsenceField::Temporary => AbsenceField::From,
                }
            }
            KeyCode::BackTab | KeyCode::Up => {
                form.field = match form.field {
                    AbsenceField::From => AbsenceField::Temporary,
                    AbsenceField::Until => AbsenceField::From,
                    AbsenceField::Temporary => AbsenceField::Until,
                }
            }
            KeyCode::Char(' ') if form.field == AbsenceField::Temporary => {
                form.temporary = !form.temporary;
            }
            KeyCode::Enter => {
                let today = local_date(self.now);
                let (from, until) = (
                    parse_day_near(form.from.value(), today),
                    parse_day_near(form.until.value(), today),
                );
                let period = match (from, until) {
                    (Some(from), Some(until)) => {
                        absence::check_period(from, until, today).map(|()| (from, until))
                    }
                    (None, _) => Err(lang
                        .pick(
                            "Eerste dag: typ een datum als 07-12-2026.",
                            "First day: type a date such as 07-12-2026.",
                        )
                        .into()),
                    (_, None) => Err(lang
                        .pick(
                            "Laatste dag: typ een datum als 11-12-2026.",
                            "Last day: type a date such as 11-12-2026.",
                        )
                        .into()),
                };
                match period {
                    Err(why) => form.flight = Flight::Refused(why),
                    Ok((from, until)) => {
                        let ticket = self.next_ticket;
                        self.next_ticket += 1;
                        form.ticket = ticket;
                        form.flight = Flight::Sending;
                        commands.push(Command::Act {
                            ticket,
                            call: ActionCall::Absence {
                                login: form.login.clone(),
                                body: NewAbsenceBody {
                                    from,
                                    until,
                                    temporary: form.temporary,
                                },
                            },
                        });
                    }
                }
            }
            _ => {
                let event = Event::Key(key);
                match form.field {
                    AbsenceField::From => drop(form.from.handle_event(&event)),
                    AbsenceField::Until => drop(form.until.handle_event(&event)),
                    AbsenceField::Temporary => {}
                }
                if let Flight::Refused(_) = form.flight {
                    form.flight = Flight::Editing;
                }
            }
        }
        self.overlay = Some(Overlay::Absence(form));
        commands
    }

    /// Who may take the selected row's case, best first: nobody who
    /// holds it, is away, or is the doorzettingsmacht regisseur.
    fn row_listing(&self, plan: &Redistribution) -> Vec<Candidate> {
        let Some(case) = plan
            .rows
            .get(plan.selected)
            .and_then(|r| self.snapshot.cases.get(&r.line.case_id))
        else {
            return Vec::new();
        };
        suggest::candidates(case, &self.snapshot, &self.index)
            .into_iter()
            // Nobody away takes an absent colleague's case.
            .filter(|c| {
                !c.current
                    && c.away_until.is_none()
                    && c.role != Role::ProcesregisseurDoorzettingsmacht
            })
            .collect()
    }

    /// The open picker's listing filtered by what was typed.
    pub fn row_candidates(&self, plan: &Redistribution) -> Vec<Candidate> {
        plan.picker.as_ref().map(filtered).unwrap_or_default()
    }

    pub(super) fn on_redistribution_key(
        &mut self,
        mut plan: Redistribution,
        key: KeyEvent,
    ) -> Vec<Command> {
        let lang = self.lang();
        let mut commands = Vec::new();
        plan.warning = None;
        if let Some(mut picker) = plan.picker.take() {
            match key.code {
                KeyCode::Esc => {}
                KeyCode::Up => {
                    picker.selected = picker.selected.saturating_sub(1);
                    plan.picker = Some(picker);
                }
                KeyCode::Down => {
                    let count = filtered(&picker).len();
                    picker.selected = (picker.selected + 1).min(count.saturating_sub(1));
                    plan.picker = Some(picker);
                }
                KeyCode::Enter => {
                    let chosen = filtered(&picker)
                        .get(picker.selected)
                        .map(|c| c.login.clone());
                    if let (Some(login), Some(row)) = (chosen, plan.rows.get_mut(plan.selected)) {
                        row.line.to = Some(login);
                        row.line.why = redistribution::Placement::Room;
                        row.keep = true;
                    }
                }
                _ => {
                    picker.filter.handle_event(&Event::Key(key));
                    picker.selected = 0;
                    plan.picker = Some(picker);
                }
            }
            self.overlay = Some(Overlay::Redistribution(plan));
            return commands;
        }
        match (plan.stage, key.code) {
            (Stage::Applying, KeyCode::Esc | KeyCode::Enter) if plan.done() => return Vec::new(),
            (Stage::Applying, _) => {}
            (Stage::Reason, KeyCode::Esc) => plan.stage = Stage::Editing,
            (Stage::Reason, KeyCode::Enter) => {
                if plan.reason.value().trim().is_empty() {
                    plan.warning = Some(
                        lang.pick("Een reden is verplicht.", "A reason is required.")
                            .into(),
                    );
                } else {
                    commands = self.apply_redistribution(&mut plan);
                }
            }
            (Stage::Reason, _) => drop(plan.reason.handle_event(&Event::Key(key))),
            (Stage::Editing, KeyCode::Esc) => return Vec::new(),
            (Stage::Editing, KeyCode::Up | KeyCode::Char('k')) => {
                plan.selected = plan.selected.saturating_sub(1);
            }
            (Stage::Editing, KeyCode::Down | KeyCode::Char('j')) => {
                plan.selected = (plan.selected + 1).min(plan.rows.len().saturating_sub(1));
            }
            (Stage::Editing, KeyCode::Char(' ') | KeyCode::Char('x')) => {
                if let Some(row) = plan.rows.get_mut(plan.selected)
                    && row.line.to.is_some()
                {
                    row.keep = !row.keep;
                }
            }
            (Stage::Editing, KeyCode::Enter) if !plan.back && !plan.rows.is_empty() => {
                plan.picker = Some(RowPicker {
                    listed: self.row_listing(&plan),
                    ..RowPicker::default()
                });
            }
            (Stage::Editing, KeyCode::Char('a')) if !plan.back => {
                plan.which = match plan.which {
                    Which::All => Which::DueWhileAway,
                    Which::DueWhileAway => Which::All,
                };
                // What the procesregisseur changed stays changed.
                let mut rows = self.proposal(&plan.absence, false, plan.which);
                for row in &mut rows {
                    if let Some(before) = plan
                        .rows
                        .iter()
                        .find(|r| r.line.case_id == row.line.case_id)
                    {
                        row.line.to = before.line.to.clone();
                        row.line.why = before.line.why;
                        row.keep = before.keep;
                    }
                }
                plan.rows = rows;
                plan.selected = 0;
            }
            (Stage::Editing, KeyCode::Char('i')) if !plan.back => {
                // Recorded by mistake: withdrawn, gone from every desk.
                let ticket = self.next_ticket;
                self.next_ticket += 1;
                self.in_flight.insert(
                    ticket,
                    lang.pick("Afwezigheid ingetrokken.", "Absence withdrawn.")
                        .into(),
                );
                return vec![Command::Act {
                    ticket,
                    call: ActionCall::AbsenceWithdraw {
                        login: plan.absence.login.clone(),
                        id: plan.absence.id,
                    },
                }];
            }
            (Stage::Editing, KeyCode::Char('c')) => {
                if plan.rows.iter().any(|r| r.keep) {
                    plan.stage = Stage::Reason;
                } else {
                    plan.warning = Some(
                        lang.pick(
                            "Er is niets om te verplaatsen.",
                            "There is nothing to move.",
                        )
                        .into(),
                    );
                }
            }
            (Stage::Editing, KeyCode::Char('w')) if plan.back => {
                // Leave the cases where they are: the return is dealt with.
                commands = self.settle_return(&plan.absence);
                return commands;
            }
            _ => {}
        }
        self.overlay = Some(Overlay::Redistribution(plan));
        commands
    }

    /// Sends every kept row as its own reassignment, at the version the
    /// proposal saw.
    fn apply_redistribution(&mut self, plan: &mut Redistribution) -> Vec<Command> {
        let reason = plan.reason.value().trim().to_string();
        let absence = (plan.absence.temporary && !plan.back).then_some(plan.absence.id);
        plan.stage = Stage::Applying;
        let mut commands = Vec::new();
        for row in plan.rows.iter_mut().filter(|r| r.keep) {
            let Some(to) = row.line.to.clone() else {
                continue;
            };
            let ticket = self.next_ticket;
            self.next_ticket += 1;
            row.outcome = Outcome::Sending(ticket);
            commands.push(Command::Act {
                ticket,
                call: ActionCall::Case {
                    case_id: row.line.case_id,
                    action: "assign",
                    body: serde_json::to_value(AssignBody {
                        casusregisseur: to,
                        reason: Some(reason.clone()),
                        absence,
                    })
                    .expect("serialisable"),
                    version: row.line.version,
                },
            });
        }
        commands
    }

    fn settle_return(&mut self, absence: &Absence) -> Vec<Command> {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.in_flight.insert(
            ticket,
            self.lang()
                .pick("Terugkeer afgehandeld.", "Return dealt with.")
                .into(),
        );
        vec![Command::Act {
            ticket,
            call: ActionCall::AbsenceChange {
                login: absence.login.clone(),
                id: absence.id,
                body: AbsenceChangeBody {
                    until: None,
                    settled: Some(true),
                },
            },
        }]
    }

    /// An answer for the absence form or a proposal's row; `None` when the
    /// ticket is not theirs.
    pub(super) fn on_team_done(
        &mut self,
        ticket: u64,
        result: &Result<Changed, ApiFailure>,
    ) -> Option<Vec<Command>> {
        let lang = self.lang();
        if let Some(Overlay::Absence(form)) = &mut self.overlay
            && form.ticket == ticket
        {
            match result {
                Ok(Changed::Absence(absence)) => {
                    let absence = (**absence).clone();
                    self.absence_changed(&absence);
                    self.open_redistribution(absence, false);
                }
                Ok(_) => {}
                Err(failure) => form.flight = Flight::Refused(failure.to_string()),
            }
            return Some(Vec::new());
        }
        let Some(Overlay::Redistribution(plan)) = &mut self.overlay else {
            return None;
        };
        let row = plan
            .rows
            .iter_mut()
            .find(|r| r.outcome == Outcome::Sending(ticket))?;
        row.outcome = match result {
            Ok(_) => Outcome::Moved,
            Err(failure) if failure.is_conflict() => Outcome::NotMoved(
                lang.pick(
                    "intussen gewijzigd; niet verplaatst",
                    "changed meanwhile; not moved",
                )
                .into(),
            ),
            Err(failure) => Outcome::NotMoved(failure.to_string()),
        };
        if let Ok(Changed::Case(case)) = result {
            self.apply(Delta {
                cases: vec![(**case).clone()],
                ..Delta::default()
            });
        }
        let Some(Overlay::Redistribution(plan)) = &self.overlay else {
            return Some(Vec::new());
        };
        let mut commands = Vec::new();
        if plan.done() {
            let moved = plan
                .rows
                .iter()
                .filter(|r| r.outcome == Outcome::Moved)
                .count();
            let kept = plan.rows.iter().filter(|r| r.keep).count();
            let back = plan.back.then(|| plan.absence.clone());
            self.say(
                format!(
                    "{moved} {} {kept} {}",
                    lang.pick("van", "of"),
                    lang.pick("zaken verplaatst.", "cases moved.")
                ),
                if moved == kept {
                    StatusKind::Done
                } else {
                    StatusKind::Error
                },
            );
            // Back: once every case chosen went back, the return is done.
            if let (Some(absence), true) = (back, moved == kept) {
                commands = self.settle_return(&absence);
            }
            commands.push(Command::SyncNow);
        }
        Some(commands)
    }

    /// Takes a withdrawn absence out of the snapshot at once.
    pub(super) fn absence_gone(&mut self, login: &str, id: i64) {
        let theirs: Vec<Absence> = self
            .snapshot
            .absences_of(login)
            .iter()
            .filter(|a| a.id != id)
            .cloned()
            .collect();
        let mut delta = Delta::default();
        delta.absences.insert(login.to_string(), theirs);
        self.apply(delta);
        if matches!(&self.overlay, Some(Overlay::Redistribution(plan)) if plan.absence.id == id) {
            self.overlay = None;
        }
    }

    /// Puts a changed absence in the snapshot at once (the sync confirms).
    pub(super) fn absence_changed(&mut self, absence: &Absence) {
        let mut theirs: Vec<Absence> = self
            .snapshot
            .absences_of(&absence.login)
            .iter()
            .filter(|a| a.id != absence.id)
            .cloned()
            .collect();
        theirs.push(absence.clone());
        theirs.sort_by_key(|a| a.from);
        let mut delta = Delta::default();
        delta.absences.insert(absence.login.clone(), theirs);
        self.apply(delta);
    }
}

/// A row picker's listing filtered by what was typed (a name typed finds
/// that name, see `exact_where_found`).
pub(super) fn filtered(picker: &RowPicker) -> Vec<Candidate> {
    let filter = picker.filter.value();
    if filter.trim().is_empty() {
        return picker.listed.clone();
    }
    let haystacks: Vec<String> = picker
        .listed
        .iter()
        .map(|c| format!("{} {} {}", c.name, c.login, c.organisation))
        .collect();
    let pattern = super::exact_where_found(filter, haystacks.iter().map(String::as_str));
    let mut score = fuzzy(&pattern);
    picker
        .listed
        .iter()
        .zip(&haystacks)
        .filter(|(_, h)| score(h).is_some())
        .map(|(c, _)| c.clone())
        .collect()
}
