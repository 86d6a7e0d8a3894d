//! The goals of a demo plan: life domains that fit the case (youth:
//! relationships at home, school, free time; adults: money, home, mental
//! health, network), starting mostly at 2 or 3 on the ZRM. The words are
//! general ones: a demo must not read like a real household.

use chrono::{DateTime, Days, Duration, Months, NaiveDate, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::calendar::{DayCounting, local_date, start_of_day};
use crate::domain::model::{Case, CaseDomain, CaseEvent, CloseResult, EventKind};
use crate::domain::norms::Norms;
use crate::domain::plan::{Evaluated, Goal, GoalState, NewGoal, Scored, evaluation_due};

const YOUTH: [(&str, &str); 4] = [
    ("relaties thuis", "rust en regelmaat in huis"),
    ("werk en opleiding", "weer elke dag naar school"),
    ("tijdsbesteding", "een vaste club of bezigheid na school"),
    ("sociaal netwerk", "een steunfiguur buiten het gezin"),
];

const ADULTS: [(&str, &str); 5] = [
    ("geldzaken", "grip op de schulden, vaste lasten betaald"),
    ("woning", "een passende woning behouden"),
    (
        "geestelijke gezondheid",
        "behandeling gestart en volgehouden",
    ),
    ("sociaal netwerk", "iemand om op terug te vallen"),
    ("dagelijkse activiteiten", "de dag weer zelf indelen"),
];

/// One to three goals for a plan made on `today`.
pub fn plan_goals(domain: CaseDomain, today: NaiveDate, rng: &mut impl Rng) -> Vec<NewGoal> {
    let pool: &[(&str, &str)] = match domain {
        CaseDomain::Jeugd => &YOUTH,
        CaseDomain::Volwassenen => &ADULTS,
    };
    let count = rng.random_range(1..=3);
    pool.choose_multiple(rng, count)
        .map(|(life_domain, text)| {
            let start = if rng.random_bool(0.7) {
                rng.random_range(2..=3)
            } else {
                1
            };
            let target = (start + rng.random_range(1..=2)).min(5);
            NewGoal {
                life_domain: (*life_domain).into(),
                text: (*text).into(),
                start_score: start,
                target_score: target,
                target_date: today + Months::new(rng.random_range(6..=12)),
                requests: Vec::new(),
            }
        })
        .collect()
}

/// Gives a demo case with a plan its goals and the evaluations made of
/// them up to its closing or `now`, with their history lines: mostly
/// progress, some goals that stall, some evaluations late or not yet made;
/// a closed case's final evaluation agrees with its result. Drawn from a
/// generator of the case's own, so the rest of the demo is as before.
pub fn evaluate_demo_case(
    case: &mut Case,
    history: &mut Vec<CaseEvent>,
    now: DateTime<Utc>,
    norms: &Norms,
) {
    let Some(plan_at) = case.plan_at else {
        return;
    };
    let mut rng = ChaCha8Rng::seed_from_u64(0x9e37_79b9 ^ case.id as u64);
    let plan_day = local_date(plan_at);
    let made = plan_goals(case.domain, plan_day, &mut rng);
    let actor = case
        .casusregisseur
        .clone()
        .unwrap_or_else(|| "pr-jeugd".into());
    let mut goals: Vec<Goal> = made
        .iter()
        .enumerate()
        .map(|(i, g)| Goal {
            id: i as u32 + 1,
            life_domain: g.life_domain.clone(),
            start_score: g.start_score,
            target_score: g.target_score,
            target_date: g.target_date,
            requests: Vec::new(),
            dropped_at: None,
            scores: Vec::new(),
        })
        .collect();
    // The words go into the plan's own history line.
    if let Some(line) = history.iter_mut().find(|e| e.kind == EventKind::Plan) {
        let words: Vec<String> = made
            .iter()
            .zip(&goals)
            .map(|(g, goal)| format!("doel {} ({}): {}", goal.id, g.life_domain, g.text))
            .collect();
        let note = line.note.take().unwrap_or_default();
        line.note = Some(
            std::iter::once(note)
                .chain(words)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    // An open case is evaluated up to its last recorded activity (a quiet
    // case is not evaluated either); a closed one up to its closing.
    let last_day = match case.closed_at {
        Some(closed) => local_date(closed) - Days::new(1),
        None => local_date(case.last_activity_at.min(now)),
    };
    let stalls = rng.random_bool(0.15);
    let late = rng.random_bool(0.2);
    let mut evaluations: Vec<Evaluated> = Vec::new();
    loop {
        let due = evaluation_due(plan_at, &evaluations, case.domain, norms);
        let on = if late {
            norms
                .calendar
                .nth_day_after(due, rng.random_range(2..12), DayCounting::WorkingDays)
        } else {
            norms
                .calendar
                .on_or_next_working_day(due - Days::new(rng.random_range(0..8)))
        };
        let after_last = evaluations.last().is_none_or(|e| on > e.on);
        if on > last_day || !after_last || !goals.iter().any(Goal::is_open) {
            break;
        }
        let mut lines = Vec::new();
        for goal in goals.iter_mut().filter(|g| g.is_open()) {
            let last = goal.last_score();
            let score = if stalls && goal.id == 1 {
                last
            } else {
                (last + u8::from(rng.random_bool(0.6))).min(5)
            };
            let state = if score >= goal.target_score {
                GoalState::Behaald
            } else if stalls && goal.id == 1 {
                GoalState::NietOpKoers
            } else {
                GoalState::OpKoers
            };
            goal.scores.push(Scored { on, score, state });
            lines.push(format!("doel {}: {score} ({})", goal.id, state.label()));
        }
        evaluations.push(Evaluated {
            on,
            due,
            is_final: false,
        });
        push(
            case,
            history,
            start_of_day(on) + Duration::hours(10),
            &actor,
            lines,
        );
    }
    // The final evaluation, the day of closing, where one was possible.
    if let (Some(closed), Some(result)) = (case.closed_at, case.close_result)
        && matches!(result, CloseResult::GoalsMet | CloseResult::ReferredOn)
    {
        let on = local_date(closed);
        let due = evaluation_due(plan_at, &evaluations, case.domain, norms);
        let mut lines = vec!["eindevaluatie".to_string()];
        let mut reached_one = false;
        for goal in goals.iter_mut().filter(|g| g.is_open()) {
            // Met: every goal reached; referred on: as it stands.
            let (score, state) = if result == CloseResult::GoalsMet {
                (goal.last_score().max(goal.target_score), GoalState::Behaald)
            } else if !reached_one && goal.last_score() >= goal.target_score {
                (goal.last_score(), GoalState::Behaald)
            } else {
                (goal.last_score(), GoalState::NietOpKoers)
            };
            reached_one |= state == GoalState::Behaald;
            goal.scores.push(Scored { on, score, state });
            lines.push(format!("doel {}: {score} ({})", goal.id, state.label()));
        }
        if result == CloseResult::GoalsMet || lines.len() > 1 {
            evaluations.push(Evaluated {
                on,
                due,
                is_final: true,
            });
            push(case, history, closed - Duration::minutes(30), &actor, lines);
        }
    }
    case.goals = goals;
    case.evaluations = evaluations;
}

fn push(
    case: &mut Case,
    history: &mut Vec<CaseEvent>,
    at: DateTime<Utc>,
    actor: &str,
    lines: Vec<String>,
) {
    case.version += 1;
    history.push(CaseEvent::new(
        at,
        actor,
        EventKind::Evaluated,
        Some(lines.join("\n")),
    ));
}
