//! The plan with its goals from the desk (`P`): for each goal a life domain
//! (the configured ZRM domains, `←→`), what the household wants to reach,
//! the score at the start and the target (1–5), and a target date; a note
//! on the plan. Before Enter the form says when the first evaluation falls
//! due. The casusregisseur of the case and the procesregisseur of its
//! domain record it, as the server allows; the goal's words go to the
//! history (a logged read), never to a board.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::dialog::{Flight, parse_day_near};
use super::{ActionCall, App, Changed, Command, Overlay};
use crate::api::client::ApiFailure;
use crate::domain::calendar::local_date;
use crate::domain::permissions::{self, CaseAction};
use crate::domain::plan::{NewGoal, check_goal, evaluation_due};

/// What the cursor is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanField {
    Note,
    Domain(usize),
    Text(usize),
    Start(usize),
    Target(usize),
    Date(usize),
}

/// One goal as it is typed.
#[derive(Debug)]
pub struct GoalDraft {
    /// An index into the configured life domains.
    pub domain: usize,
    pub text: Input,
    pub start: u8,
    pub target: u8,
    pub date: Input,
}

#[derive(Debug)]
pub struct PlanForm {
    pub case_id: i64,
    pub number: String,
    pub version: i64,
    pub note: Input,
    pub goals: Vec<GoalDraft>,
    pub field: PlanField,
    pub flight: Flight,
    pub ticket: Option<u64>,
    /// Esc was pressed once with work in the form.
    pub leaving: bool,
}

/// The most goals the form offers (the server's bound).
const MOST: usize = crate::domain::lifecycle::MAX_GOALS;

impl PlanForm {
    /// Every field in order, for Tab.
    fn fields(&self) -> Vec<PlanField> {
        let mut fields = vec![PlanField::Note];
        for i in 0..self.goals.len() {
            fields.extend([
                PlanField::Domain(i),
                PlanField::Text(i),
                PlanField::Start(i),
                PlanField::Target(i),
                PlanField::Date(i),
            ]);
        }
        fields
    }

    /// The goal the cursor is in.
    pub fn goal_at(&self) -> Option<usize> {
        match self.field {
            PlanField::Note => None,
            PlanField::Domain(i)
            | PlanField::Text(i)
            | PlanField::Start(i)
            | PlanField::Target(i)
            | PlanField::Date(i) => Some(i),
        }
    }
}

fn blank_goal() -> GoalDraft {
    GoalDraft {
        domain: 0,
        text: Input::default(),
        start: 2,
        target: 3,
        date: Input::default(),
    }
}

impl App {
    /// Whether the user may record the selected case's plan now: open,
    /// first contact made, no plan yet.
    pub(super) fn offers_plan(&self) -> bool {
        self.selected_case().is_some_and(|c| {
            c.is_open()
                && c.first_contact_at.is_some()
                && c.plan_at.is_none()
                && permissions::may_act_on_case(&self.me.person, CaseAction::RecordPlan, c).is_ok()
        })
    }

    /// `P`: the plan form for the selected case, with one goal to fill in.
    pub(super) fn open_plan(&mut self) {
        let Some(case) = self.selected_case() else {
            return;
        };
        self.overlay = Some(Overlay::Plan(PlanForm {
            case_id: case.id,
            number: case.number.clone(),
            version: case.version,
            note: Input::default(),
            goals: vec![blank_goal()],
            field: PlanField::Domain(0),
            flight: Flight::Editing,
            ticket: None,
            leaving: false,
        }));
    }

    pub(super) fn on_plan_key(&mut self, mut form: PlanForm, key: KeyEvent) -> Vec<Command> {
        let lang = self.lang();
        let domains = self.settings.norms.life_domains.len().max(1);
        let mut commands = Vec::new();
        let fields = form.fields();
        let at = fields.iter().position(|f| *f == form.field).unwrap_or(0);
        let ctrl = key
            .modifiers
            .contains(crossterm::event::KeyModifiers::CONTROL);
        let dirty = !form.note.value().trim().is_empty()
            || form
                .goals
                .iter()
                .any(|g| !g.text.value().trim().is_empty() || !g.date.value().trim().is_empty());
        match key.code {
            // Typed goals are not thrown away by one key: the first Esc
            // says so, the second closes.
            KeyCode::Esc if dirty && !form.leaving && form.flight != Flight::Sending => {
                form.leaving = true;
                form.flight = Flight::Refused(
                    lang.pick(
                        "Nogmaals Esc gooit dit plan weg; ⏎ legt het vast.",
                        "Esc again discards this plan; ⏎ records it.",
                    )
                    .into(),
                );
                self.overlay = Some(Overlay::Plan(form));
                return Vec::new();
            }
            KeyCode::Esc => return Vec::new(),
            _ if form.flight == Flight::Sending => {}
            // On a life domain a letter chooses the next one starting with it.
            KeyCode::Char(c) if matches!(form.field, PlanField::Domain(_)) && !ctrl => {
                if let PlanField::Domain(i) = form.field {
                    let names = &self.settings.norms.life_domains;
                    let from = form.goals[i].domain;
                    let wanted = c.to_lowercase().next().unwrap_or(c);
                    if let Some(next) = (1..=names.len())
                        .map(|step| (from + step) % names.len())
                        .find(|&n| names[n].starts_with(wanted))
                    {
                        form.goals[i].domain = next;
                    }
                }
            }
            KeyCode::Tab | KeyCode::Down => form.field = fields[(at + 1) % fields.len()],
            KeyCode::BackTab | KeyCode::Up => {
                form.field = fields[(at + fields.len() - 1) % fields.len()];
            }
            // Ctrl-N a goal more, Ctrl-X the goal under the cursor out.
            KeyCode::Char('n') if ctrl && form.goals.len() < MOST => {
                form.goals.push(blank_goal());
                form.field = PlanField::Domain(form.goals.len() - 1);
            }
            KeyCode::Char('x') if ctrl && form.goals.len() > 1 => {
                if let Some(i) = form.goal_at() {
                    form.goals.remove(i);
                    form.field = PlanField::Domain(i.min(form.goals.len() - 1));
                }
            }
            KeyCode::Left | KeyCode::Right => {
                let right = key.code == KeyCode::Right;
                let step = |n: u8| {
                    if right {
                        (n + 1).min(5)
                    } else {
                        n.saturating_sub(1).max(1)
                    }
                };
                match form.field {
                    PlanField::Domain(i) => {
                        let goal = &mut form.goals[i];
                        goal.domain = if right {
                            (goal.domain + 1) % domains
                        } else {
                            (goal.domain + domains - 1) % domains
                        };
                    }
                    PlanField::Start(i) => form.goals[i].start = step(form.goals[i].start),
                    PlanField::Target(i) => form.goals[i].target = step(form.goals[i].target),
                    _ => self.type_into(&mut form, key),
                }
            }
            KeyCode::Char(c @ '1'..='5')
                if matches!(form.field, PlanField::Start(_) | PlanField::Target(_)) =>
            {
                match form.field {
                    PlanField::Start(i) => form.goals[i].start = c as u8 - b'0',
                    PlanField::Target(i) => form.goals[i].target = c as u8 - b'0',
                    _ => {}
                }
            }
            KeyCode::Enter => match self.plan_body(&form) {
                Ok(body) => {
                    let ticket = self.next_ticket;
                    self.next_ticket += 1;
                    form.ticket = Some(ticket);
                    form.flight = Flight::Sending;
                    commands.push(Command::Act {
                        ticket,
                        call: ActionCall::Case {
                            case_id: form.case_id,
                            action: "plan",
                            body,
                            version: form.version,
                        },
                    });
                }
                Err(why) => form.flight = Flight::Refused(why),
            },
            _ => self.type_into(&mut form, key),
        }
        if key.code != KeyCode::Esc {
            form.leaving = false;
        }
        self.overlay = Some(Overlay::Plan(form));
        commands
    }

    fn type_into(&self, form: &mut PlanForm, key: KeyEvent) {
        let event = Event::Key(key);
        match form.field {
            PlanField::Note => drop(form.note.handle_event(&event)),
            PlanField::Text(i) => drop(form.goals[i].text.handle_event(&event)),
            PlanField::Date(i) => drop(form.goals[i].date.handle_event(&event)),
            _ => return,
        }
        if let Flight::Refused(_) = form.flight {
            form.flight = Flight::Editing;
        }
    }

    /// The request's body, or what is missing in the user's words (the
    /// same checks the server makes, so Enter sends only what it takes).
    fn plan_body(&self, form: &PlanForm) -> Result<serde_json::Value, String> {
        let lang = self.lang();
        let norms = &self.settings.norms;
        let today = local_date(self.now);
        let mut goals = Vec::new();
        for (i, draft) in form.goals.iter().enumerate() {
            let n = i + 1;
            let text = draft.text.value().trim();
            if text.is_empty() {
                return Err(format!(
                    "{} {n}: {}",
                    lang.pick("Doel", "Goal"),
                    lang.pick(
                        "wat wil het huishouden bereiken?",
                        "what does the household want to reach?"
                    )
                ));
            }
            let Some(target_date) = parse_day_near(draft.date.value(), today) else {
                return Err(format!(
                    "{} {n}: {}",
                    lang.pick("Doel", "Goal"),
                    lang.pick(
                        "typ de streefdatum als 30-06-2027.",
                        "type the target date as 30-06-2027."
                    )
                ));
            };
            let goal = NewGoal {
                life_domain: norms
                    .life_domains
                    .get(draft.domain)
                    .cloned()
                    .unwrap_or_default(),
                text: text.to_string(),
                start_score: draft.start,
                target_score: draft.target,
                target_date,
                requests: Vec::new(),
            };
            check_goal(&goal, today, norms)
                .map_err(|why| format!("{} {n}: {why}", lang.pick("Doel", "Goal")))?;
            goals.push(goal);
        }
        let note = form.note.value().trim();
        Ok(serde_json::json!({
            "note": (!note.is_empty()).then_some(note),
            "goals": goals,
        }))
    }

    /// When the first evaluation falls due, for the form's preview.
    pub fn plan_preview(&self, form: &PlanForm) -> Option<String> {
        let lang = self.lang();
        let case = self.snapshot.cases.get(&form.case_id)?;
        let due = evaluation_due(self.now, &[], case.domain, &self.settings.norms);
        Some(format!(
            "{} {} ({} {} {})",
            lang.pick("Eerste evaluatie vóór", "First evaluation by"),
            crate::desk::labels::date(lang, due),
            lang.pick("elke", "every"),
            self.settings.norms.evaluation_months(case.domain),
            lang.pick("maanden", "months")
        ))
    }

    /// The answer for the plan form; `None` when the ticket is not its.
    pub(super) fn on_plan_done(
        &mut self,
        ticket: u64,
        result: &Result<Changed, ApiFailure>,
    ) -> Option<Vec<Command>> {
        let lang = self.lang();
        let Some(Overlay::Plan(form)) = &mut self.overlay else {
            return None;
        };
        if form.ticket != Some(ticket) {
            return None;
        }
        form.ticket = None;
        match result {
            Ok(Changed::Case(case)) => {
                let text = format!(
                    "{}: {} {} {}.",
                    form.number,
                    lang.pick("plan vastgelegd met", "plan recorded with"),
                    form.goals.len(),
                    if form.goals.len() == 1 {
                        lang.pick("doel", "goal")
                    } else {
                        lang.pick("doelen", "goals")
                    }
                );
                self.case_form_done(case, text);
            }
            Ok(_) => {}
            // Everything typed stays; the user can try again.
            Err(failure) => form.flight = Flight::Refused(failure.to_string()),
        }
        Some(Vec::new())
    }
}
