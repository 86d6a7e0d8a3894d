//! The evaluation of a plan's goals from the desk (`E`): a ZRM score and a
//! state for every running goal, a remark (required when a goal is
//! "vervallen"), and whether it is the final evaluation. Before Enter the
//! form says what the rule will do: when the next evaluation falls due,
//! which goal would be off track, and whether the case may then close as
//! "doelen bereikt". The casusregisseur of the case and the procesregisseur
//! of its domain evaluate, as the server allows.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::dialog::Flight;
use super::{ActionCall, App, Changed, Command, Overlay, StatusKind};
use crate::api::client::ApiFailure;
use crate::domain::boards::Delta;
use crate::domain::calendar::local_date;
use crate::domain::model::Case;
use crate::domain::permissions::{self, CaseAction};
use crate::domain::plan::{Evaluated, Goal, GoalScore, GoalState, Scored, evaluation_due};

/// One running goal in the form.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub goal: u32,
    pub life_domain: String,
    pub start: u8,
    pub last: u8,
    pub target: u8,
    pub score: u8,
    pub state: GoalState,
}

#[derive(Debug)]
pub struct EvaluationForm {
    pub case_id: i64,
    pub number: String,
    pub version: i64,
    pub rows: Vec<ScoreRow>,
    /// The row under the cursor; `rows.len()` is the remark.
    pub at: usize,
    pub remark: Input,
    pub is_final: bool,
    pub flight: Flight,
    pub ticket: Option<u64>,
    /// Esc was pressed once with work in the form.
    pub leaving: bool,
}

/// The state a score suggests: reached at the target, on course when it
/// rose, else not on course. The user may choose another (Space).
pub fn suggested_state(last: u8, score: u8, target: u8) -> GoalState {
    if score >= target {
        GoalState::Behaald
    } else if score > last {
        GoalState::OpKoers
    } else {
        GoalState::NietOpKoers
    }
}

impl EvaluationForm {
    /// The case as it would be after this evaluation, for the preview.
    pub fn after(&self, case: &Case, today: chrono::NaiveDate) -> Case {
        let mut next = case.clone();
        for row in &self.rows {
            if let Some(goal) = next.goals.iter_mut().find(|g| g.id == row.goal) {
                goal.scores.push(Scored {
                    on: today,
                    score: row.score,
                    state: row.state,
                });
            }
        }
        next.evaluations.push(Evaluated {
            on: today,
            due: today,
            is_final: self.is_final,
        });
        next
    }
}

impl App {
    /// Whether the user may evaluate the selected case's goals now.
    pub(super) fn offers_evaluation(&self) -> bool {
        self.selected_case().is_some_and(|c| {
            c.is_open()
                && c.goals.iter().any(Goal::is_open)
                && permissions::may_act_on_case(&self.me.person, CaseAction::RecordPlan, c).is_ok()
        })
    }

    /// `E`: the evaluation form for the selected case.
    pub(super) fn open_evaluation(&mut self) {
        let Some(case) = self.selected_case() else {
            return;
        };
        let rows = case
            .goals
            .iter()
            .filter(|g| g.is_open())
            .map(|g| ScoreRow {
                goal: g.id,
                life_domain: g.life_domain.clone(),
                start: g.start_score,
                last: g.last_score(),
                target: g.target_score,
                score: g.last_score(),
                // As it stood at the last evaluation, until a score moves.
                state: g.state().unwrap_or(GoalState::OpKoers),
            })
            .collect();
        self.overlay = Some(Overlay::Evaluation(EvaluationForm {
            case_id: case.id,
            number: case.number.clone(),
            version: case.version,
            rows,
            at: 0,
            remark: Input::default(),
            is_final: false,
            flight: Flight::Editing,
            ticket: None,
            leaving: false,
        }));
    }

    pub(super) fn on_evaluation_key(
        &mut self,
        mut form: EvaluationForm,
        key: KeyEvent,
    ) -> Vec<Command> {
        let lang = self.lang();
        let mut commands = Vec::new();
        let on_remark = form.at == form.rows.len();
        let dirty = !form.remark.value().trim().is_empty()
            || form.is_final
            || form.rows.iter().any(|r| r.score != r.last);
        match key.code {
            // What was chosen is not thrown away by one key: the first Esc
            // says so, the second closes.
            KeyCode::Esc if dirty && !form.leaving && form.flight != Flight::Sending => {
                form.leaving = true;
                form.flight = Flight::Refused(
                    lang.pick(
                        "Nogmaals Esc gooit deze evaluatie weg; ⏎ legt hem vast.",
                        "Esc again discards this evaluation; ⏎ records it.",
                    )
                    .into(),
                );
                self.overlay = Some(Overlay::Evaluation(form));
                return Vec::new();
            }
            KeyCode::Esc => return Vec::new(),
            _ if form.flight == Flight::Sending => {}
            KeyCode::Down | KeyCode::Tab => form.at = (form.at + 1) % (form.rows.len() + 1),
            KeyCode::Up | KeyCode::BackTab => {
                form.at = (form.at + form.rows.len()) % (form.rows.len() + 1);
            }
            // Scores: the arrows, or the digit itself.
            KeyCode::Left | KeyCode::Right | KeyCode::Char('1'..='5') if !on_remark => {
                let row = &mut form.rows[form.at];
                row.score = match key.code {
                    KeyCode::Left => row.score.saturating_sub(1).max(1),
                    KeyCode::Right => (row.score + 1).min(5),
                    KeyCode::Char(c) => c as u8 - b'0',
                    _ => row.score,
                };
                row.state = suggested_state(row.last, row.score, row.target);
                form.flight = Flight::Editing;
            }
            // The state: the next one that fits the score.
            KeyCode::Char(' ') if !on_remark => {
                let row = &mut form.rows[form.at];
                let states = GoalState::ALL;
                let mut i = states.iter().position(|s| *s == row.state).unwrap_or(0);
                loop {
                    i = (i + 1) % states.len();
                    let fits = states[i] != GoalState::Behaald || row.score >= row.target;
                    if fits {
                        break;
                    }
                }
                row.state = states[i];
                form.flight = Flight::Editing;
            }
            KeyCode::Char('f') if !on_remark => {
                form.is_final = !form.is_final;
                form.flight = Flight::Editing;
            }
            KeyCode::Enter => {
                let remark = form.remark.value().trim().to_string();
                let lapsed = form.rows.iter().any(|r| r.state == GoalState::Vervallen);
                if lapsed && remark.is_empty() {
                    // Straight to the remark, so what is typed next lands
                    // there and not on a goal's score or state.
                    form.at = form.rows.len();
                    form.flight = Flight::Refused(
                        lang.pick(
                            "Een vervallen doel vraagt een toelichting: waarom het vervalt.",
                            "A lapsed goal needs a remark: why it lapses.",
                        )
                        .into(),
                    );
                } else {
                    let scores: Vec<GoalScore> = form
                        .rows
                        .iter()
                        .map(|r| GoalScore {
                            goal: r.goal,
                            score: r.score,
                            state: r.state,
                            // The remark is the reason of a lapsed goal,
                            // and a remark with the others.
                            reason: (!remark.is_empty()).then(|| remark.clone()),
                        })
                        .collect();
                    let ticket = self.next_ticket;
                    self.next_ticket += 1;
                    form.ticket = Some(ticket);
                    form.flight = Flight::Sending;
                    commands.push(Command::Act {
                        ticket,
                        call: ActionCall::Case {
                            case_id: form.case_id,
                            action: "evaluations",
                            body: serde_json::json!({"scores": scores, "final": form.is_final}),
                            version: form.version,
                        },
                    });
                }
            }
            _ if on_remark => {
                form.remark.handle_event(&Event::Key(key));
                if let Flight::Refused(_) = form.flight {
                    form.flight = Flight::Editing;
                }
            }
            _ => {}
        }
        if key.code != KeyCode::Esc {
            form.leaving = false;
        }
        self.overlay = Some(Overlay::Evaluation(form));
        commands
    }

    /// The answer for the evaluation form; `None` when the ticket is not its.
    pub(super) fn on_evaluation_done(
        &mut self,
        ticket: u64,
        result: &Result<Changed, ApiFailure>,
    ) -> Option<Vec<Command>> {
        let lang = self.lang();
        let Some(Overlay::Evaluation(form)) = &mut self.overlay else {
            return None;
        };
        if form.ticket != Some(ticket) {
            return None;
        }
        form.ticket = None;
        match result {
            Ok(Changed::Case(case)) => {
                let text = format!(
                    "{}: {}",
                    form.number,
                    if form.is_final {
                        lang.pick("eindevaluatie vastgelegd.", "final evaluation recorded.")
                    } else {
                        lang.pick("evaluatie vastgelegd.", "evaluation recorded.")
                    }
                );
                self.case_form_done(case, text);
            }
            Ok(_) => {}
            // What was chosen and typed stays; the user can try again.
            Err(failure) => form.flight = Flight::Refused(failure.to_string()),
        }
        Some(Vec::new())
    }

    /// A case form (plan, evaluation) answered: the form closes, the case
    /// as the server has it is applied at once, and the footer says what
    /// was recorded.
    pub(super) fn case_form_done(&mut self, case: &Case, text: String) {
        self.overlay = None;
        self.apply(Delta {
            cases: vec![case.clone()],
            ..Delta::default()
        });
        self.say(text, StatusKind::Done);
    }

    /// What the evaluation will do, in the user's words: the next
    /// evaluation's day, a goal off track, and whether the case may close
    /// as "doelen bereikt".
    pub fn evaluation_preview(&self, form: &EvaluationForm) -> Vec<String> {
        let lang = self.lang();
        let Some(case) = self.snapshot.cases.get(&form.case_id) else {
            return Vec::new();
        };
        let today = local_date(self.now);
        let after = form.after(case, today);
        let mut said = Vec::new();
        let running = after.goals.iter().any(Goal::is_open);
        if form.is_final {
            said.push(
                match crate::domain::plan::goals_met(&after.goals) {
                    Ok(()) => lang.pick(
                        "Eindevaluatie: de zaak kan daarna sluiten als 'doelen bereikt'.",
                        "Final evaluation: the case may then close as 'goals met'.",
                    ),
                    Err(_) => lang.pick(
                        "Eindevaluatie: niet alle doelen behaald, dus sluiten als 'doorverwezen' of anders, niet als 'doelen bereikt'.",
                        "Final evaluation: not every goal reached, so close as 'referred on' or otherwise, not as 'goals met'.",
                    ),
                }
                .to_string(),
            );
        } else if running && let Some(plan_at) = after.plan_at {
            let next = evaluation_due(
                plan_at,
                &after.evaluations,
                after.domain,
                &self.settings.norms,
            );
            said.push(format!(
                "{} {}.",
                lang.pick("Volgende evaluatie vóór", "Next evaluation by"),
                crate::desk::labels::date(lang, next)
            ));
        }
        for goal in after.goals.iter().filter(|g| g.off_track(today).is_some()) {
            said.push(format!(
                "{} {} ({}) {}",
                lang.pick("Doel", "Goal"),
                goal.id,
                goal.life_domain,
                lang.pick(
                    "komt op Stagnatie als 'niet op koers': twee evaluaties zonder vooruitgang of streefdatum voorbij.",
                    "shows on Stagnatie as 'off track': two evaluations without progress or past its target date.",
                )
            ));
        }
        said
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_suggests_its_state() {
        assert_eq!(suggested_state(2, 4, 4), GoalState::Behaald);
        assert_eq!(suggested_state(2, 3, 4), GoalState::OpKoers);
        assert_eq!(suggested_state(2, 2, 4), GoalState::NietOpKoers);
        assert_eq!(suggested_state(3, 2, 4), GoalState::NietOpKoers);
    }
}
