//! The plan and its goals: recording the plan with at least one goal,
//! revising it (goals added, dropped with a reason), and evaluating the
//! goals on the ZRM. A goal's words and every reason go into the history
//! line (read in the audited case detail only); the case keeps the goals
//! without them.

use super::*;
use crate::domain::plan::{
    Evaluated, Goal, GoalScore, GoalState, NewGoal, SCORES, Scored, check_goal, evaluation_due,
};

/// The most goals a plan holds: a plan with more is not one a household
/// and its network can work on.
pub const MAX_GOALS: usize = 12;

/// Checks the new goals and gives them their numbers after `first_id`,
/// with the history's words for each.
fn new_goals(
    goals: &[NewGoal],
    first_id: u32,
    today: NaiveDate,
    norms: &Norms,
) -> Result<(Vec<Goal>, Vec<String>), Refusal> {
    let mut made = Vec::new();
    let mut lines = Vec::new();
    for (n, goal) in goals.iter().enumerate() {
        let id = first_id + n as u32;
        check_goal(goal, today, norms)
            .map_err(|why| Refusal::Invalid(format!("doel {id}: {why}")))?;
        let text = required_line(&format!("doel {id}"), Some(&goal.text))?;
        // A request that serves the goal is one of the case's own; the
        // caller knows the requests, this checks they are named once.
        let mut requests = goal.requests.clone();
        requests.sort_unstable();
        requests.dedup();
        lines.push(format!(
            "doel {id} ({}, {} → {} vóór {}): {text}",
            goal.life_domain,
            goal.start_score,
            goal.target_score,
            goal.target_date.format("%d-%m-%Y")
        ));
        made.push(Goal {
            id,
            life_domain: goal.life_domain.clone(),
            start_score: goal.start_score,
            target_score: goal.target_score,
            target_date: goal.target_date,
            requests,
            dropped_at: None,
            scores: Vec::new(),
        });
    }
    Ok((made, lines))
}

/// Records that a plan (gezinsplan, plan van aanpak) is agreed, with its
/// goals: at least one.
pub fn record_plan(
    case: &Case,
    actor: &Person,
    goals: &[NewGoal],
    note: Option<&str>,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<Transition, Refusal> {
    open(case)?;
    if case.first_contact_at.is_none() {
        return conflict(format!(
            "leg eerst het eerste contact voor {} vast",
            case.number
        ));
    }
    if case.plan_at.is_some() {
        return conflict(format!(
            "het plan voor {} is al vastgelegd; wijzig het met een herziening",
            case.number
        ));
    }
    if goals.is_empty() {
        return invalid(
            "een plan heeft ten minste één doel (leefgebied, beginscore, doelscore, streefdatum)",
        );
    }
    if goals.len() > MAX_GOALS {
        return invalid(format!("een plan heeft hoogstens {MAX_GOALS} doelen"));
    }
    let (made, lines) = new_goals(goals, 1, local_date(now), norms)?;
    let note = optional_text("notitie", note)?;
    let mut next = case.clone();
    next.plan_at = Some(now);
    next.status = CaseStatus::Plan;
    next.last_activity_at = now;
    next.goals = made;
    let history = note.into_iter().chain(lines).collect::<Vec<_>>().join("\n");
    Ok(step(case, next, actor, EventKind::Plan, Some(history), now))
}

/// A goal taken out of the plan, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct DroppedGoal {
    pub goal: u32,
    pub reason: String,
}

/// Revises the plan: goals added, goals dropped with a reason. The plan
/// keeps at least one goal still pursued; the history keeps each version.
pub fn revise_plan(
    case: &Case,
    actor: &Person,
    added: &[NewGoal],
    dropped: &[DroppedGoal],
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<Transition, Refusal> {
    open(case)?;
    if case.plan_at.is_none() {
        return conflict(format!("{} heeft nog geen plan", case.number));
    }
    if added.is_empty() && dropped.is_empty() {
        return invalid("een herziening voegt een doel toe of laat er een vallen");
    }
    let mut next = case.clone();
    let mut lines = Vec::new();
    for drop in dropped {
        let Some(goal) = next.goals.iter_mut().find(|g| g.id == drop.goal) else {
            return invalid(format!("{} heeft geen doel {}", case.number, drop.goal));
        };
        if goal.dropped_at.is_some() {
            return conflict(format!("doel {} is al uit het plan", drop.goal));
        }
        let reason = required_line("reden", Some(&drop.reason))?;
        goal.dropped_at = Some(now);
        lines.push(format!("doel {} vervalt uit het plan: {reason}", drop.goal));
    }
    let first_id = case.goals.iter().map(|g| g.id).max().unwrap_or(0) + 1;
    let kept = next.goals.iter().filter(|g| g.dropped_at.is_none()).count();
    if kept + added.len() > MAX_GOALS {
        return invalid(format!("een plan heeft hoogstens {MAX_GOALS} doelen"));
    }
    let (made, added_lines) = new_goals(added, first_id, local_date(now), norms)?;
    next.goals.extend(made);
    lines.extend(added_lines);
    if !next.goals.iter().any(Goal::is_open) {
        return invalid("het plan houdt ten minste één doel dat nog loopt");
    }
    next.last_activity_at = now;
    Ok(step(
        case,
        next,
        actor,
        EventKind::PlanRevised,
        Some(lines.join("\n")),
        now,
    ))
}

/// Evaluates the goals still pursued: each gets a score and a state,
/// "vervallen" with a reason, "behaald" only at or above its target. A
/// final evaluation is the one closing needs.
pub fn evaluate(
    case: &Case,
    actor: &Person,
    scores: &[GoalScore],
    is_final: bool,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<Transition, Refusal> {
    open(case)?;
    let Some(plan_at) = case.plan_at else {
        return conflict(format!(
            "{} heeft nog geen plan om te evalueren",
            case.number
        ));
    };
    if case.evaluations.last().is_some_and(|e| e.is_final) {
        return conflict(format!(
            "{} heeft al een eindevaluatie; herzie eerst het plan",
            case.number
        ));
    }
    let today = local_date(now);
    if case.evaluations.last().is_some_and(|e| e.on == today) {
        return conflict(format!("{} is vandaag al geëvalueerd", case.number));
    }
    let mut next = case.clone();
    let mut lines = Vec::new();
    let open_goals: Vec<u32> = case
        .goals
        .iter()
        .filter(|g| g.is_open())
        .map(|g| g.id)
        .collect();
    for score in scores {
        if !open_goals.contains(&score.goal) {
            return invalid(format!(
                "doel {} loopt niet (meer) in het plan van {}",
                score.goal, case.number
            ));
        }
        if scores.iter().filter(|s| s.goal == score.goal).count() > 1 {
            return invalid(format!("doel {} heeft twee scores", score.goal));
        }
    }
    for id in &open_goals {
        let Some(score) = scores.iter().find(|s| s.goal == *id) else {
            return invalid(format!(
                "doel {id} heeft geen score; elk lopend doel krijgt er een"
            ));
        };
        if !SCORES.contains(&score.score) {
            return invalid(format!(
                "doel {id}: een ZRM-score is 1 (acuut) tot 5 (volledig zelfredzaam), niet {}",
                score.score
            ));
        }
        let goal = next
            .goals
            .iter_mut()
            .find(|g| g.id == *id)
            .expect("an open goal");
        if score.state == GoalState::Behaald && score.score < goal.target_score {
            return invalid(format!(
                "doel {id} is niet behaald: score {} onder de doelscore {}",
                score.score, goal.target_score
            ));
        }
        let reason = match score.state {
            GoalState::Vervallen => Some(required_line(
                &format!("reden waarom doel {id} vervalt"),
                score.reason.as_deref(),
            )?),
            _ => optional_line("toelichting", score.reason.as_deref())?,
        };
        goal.scores.push(Scored {
            on: today,
            score: score.score,
            state: score.state,
        });
        lines.push(match reason {
            Some(reason) => format!(
                "doel {id}: {} ({}): {reason}",
                score.score,
                score.state.label()
            ),
            None => format!("doel {id}: {} ({})", score.score, score.state.label()),
        });
    }
    let due = evaluation_due(plan_at, &case.evaluations, case.domain, norms);
    next.evaluations.push(Evaluated {
        on: today,
        due,
        is_final,
    });
    next.last_activity_at = now;
    if is_final {
        lines.insert(0, "eindevaluatie".into());
    }
    Ok(step(
        case,
        next,
        actor,
        EventKind::Evaluated,
        Some(lines.join("\n")),
        now,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::model::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn new_goal(domain: &str, start: u8, target: u8) -> NewGoal {
        NewGoal {
            life_domain: domain.into(),
            text: format!("beter in {domain}"),
            start_score: start,
            target_score: target,
            target_date: d("2027-06-30"),
            requests: Vec::new(),
        }
    }

    fn contacted() -> Case {
        record_contact(&assigned(), &cr(1), None, None, at(NOW))
            .unwrap()
            .case
    }

    fn with_plan() -> Case {
        record_plan(
            &contacted(),
            &cr(1),
            &[new_goal("woning", 2, 4), new_goal("geldzaken", 3, 4)],
            Some("gezinsplan"),
            at(NOW),
            &Norms::default(),
        )
        .unwrap()
        .case
    }

    fn score(goal: u32, score: u8, state: GoalState) -> GoalScore {
        GoalScore {
            goal,
            score,
            state,
            reason: None,
        }
    }

    #[test]
    fn a_plan_needs_a_goal_and_keeps_the_words_in_the_history_only() {
        let norms = Norms::default();
        assert!(matches!(
            record_plan(&contacted(), &cr(1), &[], None, at(NOW), &norms),
            Err(Refusal::Invalid(why)) if why.contains("ten minste één doel")
        ));
        let t = record_plan(
            &contacted(),
            &cr(1),
            &[new_goal("woning", 2, 4), new_goal("geldzaken", 3, 4)],
            Some("gezinsplan"),
            at(NOW),
            &norms,
        )
        .unwrap();
        assert_eq!(t.case.goals.len(), 2);
        assert_eq!(t.case.goals[1].id, 2);
        assert_eq!(t.case.status, CaseStatus::Plan);
        let history = t.event.note.unwrap();
        assert!(history.starts_with("gezinsplan\n"), "{history}");
        assert!(
            history.contains("doel 1 (woning, 2 → 4 vóór 30-06-2027): beter in woning"),
            "{history}"
        );
        // The case that travels to the desks has no words of the goal.
        let json = serde_json::to_string(&t.case).unwrap();
        assert!(!json.contains("beter in"), "{json}");
        // A bad goal names its number.
        let mut bad = new_goal("woning", 2, 4);
        bad.life_domain = "school".into();
        assert!(matches!(
            record_plan(&contacted(), &cr(1), &[new_goal("woning", 2, 4), bad], None, at(NOW), &norms),
            Err(Refusal::Invalid(why)) if why.starts_with("doel 2: onbekend leefgebied")
        ));
    }

    #[test]
    fn a_revision_adds_and_drops_goals_and_keeps_one_running() {
        let norms = Norms::default();
        let plan = with_plan();
        let later = at("2026-12-15T10:00:00Z");
        let t = revise_plan(
            &plan,
            &cr(1),
            &[new_goal("sociaal netwerk", 2, 3)],
            &[DroppedGoal {
                goal: 2,
                reason: "schulden geregeld via bewindvoering".into(),
            }],
            later,
            &norms,
        )
        .unwrap();
        assert_eq!(t.event.kind, EventKind::PlanRevised);
        let ids: Vec<(u32, bool)> = t.case.goals.iter().map(|g| (g.id, g.is_open())).collect();
        assert_eq!(ids, [(1, true), (2, false), (3, true)]);
        let note = t.event.note.unwrap();
        assert!(
            note.contains("doel 2 vervalt uit het plan: schulden"),
            "{note}"
        );
        assert!(note.contains("doel 3 (sociaal netwerk"), "{note}");
        // Dropping every running goal leaves no plan to work on.
        assert!(matches!(
            revise_plan(
                &t.case,
                &cr(1),
                &[],
                &[
                    DroppedGoal { goal: 1, reason: "x".into() },
                    DroppedGoal { goal: 3, reason: "y".into() },
                ],
                later,
                &norms
            ),
            Err(Refusal::Invalid(why)) if why.contains("ten minste één doel")
        ));
        // A dropped goal without a reason is refused.
        assert!(
            revise_plan(
                &plan,
                &cr(1),
                &[],
                &[DroppedGoal {
                    goal: 1,
                    reason: " ".into()
                }],
                later,
                &norms
            )
            .is_err()
        );
    }

    #[test]
    fn closing_needs_a_final_evaluation_and_goals_met_must_agree_with_it() {
        let norms = Norms::default();
        let plan = with_plan();
        let on = at("2027-02-24T10:00:00Z");
        let close_as = |case: &Case, result| close(case, &cr(1), result, None, 0, on, &norms);
        // No final evaluation: only a result that says none was possible.
        assert!(matches!(
            close_as(&plan, CloseResult::GoalsMet),
            Err(Refusal::Conflict(why)) if why.contains("eindevaluatie")
        ));
        assert!(close_as(&plan, CloseResult::ReferredOn).is_err());
        assert!(close_as(&plan, CloseResult::Refused).is_ok());
        assert!(close_as(&plan, CloseResult::Moved).is_ok());
        // A final evaluation with one goal unmet: referred on, not met.
        let last = evaluate(
            &plan,
            &cr(1),
            &[
                score(1, 4, GoalState::Behaald),
                score(2, 3, GoalState::NietOpKoers),
            ],
            true,
            at("2027-02-20T10:00:00Z"),
            &norms,
        )
        .unwrap()
        .case;
        assert!(matches!(
            close_as(&last, CloseResult::GoalsMet),
            Err(Refusal::Conflict(why)) if why.contains("doel 2 (geldzaken) niet behaald")
        ));
        assert!(close_as(&last, CloseResult::ReferredOn).is_ok());
        // A case without goals (recorded before goals existed) closes as before.
        let mut old = plan.clone();
        old.goals.clear();
        assert!(close_as(&old, CloseResult::GoalsMet).is_ok());
    }

    #[test]
    fn an_evaluation_scores_every_running_goal_against_its_due_day() {
        let norms = Norms::default();
        let plan = with_plan();
        // The plan of Tuesday 24 November 2026: due Wednesday 24 February
        // 2027; evaluated on 3 March, a week late.
        let on = at("2027-03-03T10:00:00Z");
        // A goal left out is refused, as is a reached goal below its target.
        assert!(matches!(
            evaluate(&plan, &cr(1), &[score(1, 3, GoalState::OpKoers)], false, on, &norms),
            Err(Refusal::Invalid(why)) if why.contains("doel 2 heeft geen score")
        ));
        assert!(matches!(
            evaluate(
                &plan,
                &cr(1),
                &[score(1, 3, GoalState::Behaald), score(2, 3, GoalState::OpKoers)],
                false,
                on,
                &norms
            ),
            Err(Refusal::Invalid(why)) if why.contains("niet behaald")
        ));
        // Vervallen needs a reason.
        assert!(
            evaluate(
                &plan,
                &cr(1),
                &[
                    score(1, 3, GoalState::OpKoers),
                    score(2, 3, GoalState::Vervallen)
                ],
                false,
                on,
                &norms
            )
            .is_err()
        );
        let t = evaluate(
            &plan,
            &cr(1),
            &[
                score(1, 3, GoalState::OpKoers),
                score(2, 4, GoalState::Behaald),
            ],
            false,
            on,
            &norms,
        )
        .unwrap();
        assert_eq!(
            t.case.evaluations,
            [Evaluated {
                on: d("2027-03-03"),
                due: d("2027-02-24"),
                is_final: false
            }]
        );
        assert_eq!(t.case.goals[0].last_score(), 3);
        // A reached goal is not scored again; the next evaluation asks for
        // goal 1 only.
        assert!(!t.case.goals[1].is_open());
        let again = evaluate(
            &t.case,
            &cr(1),
            &[score(1, 4, GoalState::Behaald)],
            true,
            at("2027-05-20T10:00:00Z"),
            &norms,
        )
        .unwrap();
        // Due three months after the last evaluation: 3 June 2027.
        assert_eq!(again.case.evaluations[1].due, d("2027-06-03"));
        assert!(again.case.evaluations[1].is_final);
        assert!(again.event.note.unwrap().starts_with("eindevaluatie\n"));
    }
}
