//! What the help achieved in a period: the goals of the plans measured on
//! the ZRM, per life domain, per organisation (moederorganisatie) and per
//! kind of specialist care that served a goal ("de kwaliteit van de
//! geleverde diensten", seed 000), and whether evaluations came on time.
//! Every count goes through the small-cell rule.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Period;
use super::small::{Count, median, share};
use chrono::{DateTime, Utc};

use crate::domain::calendar::local_date;
use crate::domain::model::{Case, Request};
use crate::domain::norms::Norms;
use crate::domain::plan::{Goal, GoalState, evaluation_due};

/// The outcome figures of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
pub struct Outcome {
    /// Goals scored at an evaluation in the period.
    pub goals_evaluated: Option<Count>,
    /// Of the goals of cases closed in the period (dropped and vervallen
    /// ones left out): how many were reached.
    pub at_closing: Reached,
    /// The change in ZRM score from the start to the last evaluation up to
    /// the period's end, of the goals evaluated in the period, per life
    /// domain.
    pub per_life_domain: Vec<Group>,
    /// The same per organisation of the casusregisseur.
    pub per_organisation: Vec<Group>,
    /// The same per kind of specialist care that served the goal.
    pub per_request_kind: Vec<Group>,
    /// Evaluations due in the period, and how many were made on time.
    pub evaluations: OnTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
pub struct Reached {
    pub goals: Option<Count>,
    pub reached: Option<Count>,
    /// Percent, one decimal; absent when either count is under 5.
    pub reached_pct: Option<f64>,
}

/// The evaluations that fell due in the period: made on or before their
/// day, made late, or not made at all by now (late too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
pub struct OnTime {
    pub due: Option<Count>,
    pub on_time: Option<Count>,
    pub on_time_pct: Option<f64>,
}

/// One life domain, organisation or kind of care.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Group {
    pub name: String,
    pub goals: Count,
    /// Reached or on course at their last evaluation.
    pub reached_or_on_course: Count,
    pub reached_or_on_course_pct: Option<f64>,
    /// The median change in ZRM score (start to last); absent under 5.
    pub median_change: Option<f64>,
}

#[derive(Default)]
struct Tally {
    goals: u32,
    going_well: u32,
    changes: Vec<i32>,
}

impl Tally {
    fn add(&mut self, goal: &Goal, last: (u8, GoalState)) {
        self.goals += 1;
        self.going_well += u32::from(matches!(last.1, GoalState::Behaald | GoalState::OpKoers));
        self.changes
            .push(i32::from(last.0) - i32::from(goal.start_score));
    }

    fn group(name: String, mut tally: Tally) -> Group {
        Group {
            name,
            goals: Count::of(tally.goals),
            reached_or_on_course: Count::of(tally.going_well),
            reached_or_on_course_pct: share(tally.going_well, tally.goals),
            median_change: median(&mut tally.changes),
        }
    }
}

/// The outcome of `period` from the cases (with their goals) and the
/// requests that may serve them.
pub fn outcome(
    cases: &[Case],
    requests: &[Request],
    period: Period,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Outcome {
    let today = local_date(now);
    let kind_of: BTreeMap<i64, &str> = requests.iter().map(|r| (r.id, r.kind.as_str())).collect();
    let (mut evaluated, mut closing_goals, mut closing_reached) = (0, 0, 0);
    let (mut due, mut on_time) = (0, 0);
    let mut per_domain: BTreeMap<String, Tally> = BTreeMap::new();
    let mut per_organisation: BTreeMap<String, Tally> = BTreeMap::new();
    let mut per_kind: BTreeMap<&str, Tally> = BTreeMap::new();
    for case in cases.iter().filter(|c| !c.goals.is_empty()) {
        for evaluation in case
            .evaluations
            .iter()
            .filter(|e| in_period(&period, e.due))
        {
            due += 1;
            on_time += u32::from(evaluation.on <= evaluation.due);
        }
        // The one still to make, when its day has passed: late as well.
        if let Some(plan_at) = case.plan_at
            && case.is_open()
            && case.goals.iter().any(Goal::is_open)
            && !case.evaluations.last().is_some_and(|e| e.is_final)
        {
            let next = evaluation_due(plan_at, &case.evaluations, case.domain, norms);
            if next < today && in_period(&period, next) {
                due += 1;
            }
        }
        for goal in &case.goals {
            // The last score up to the period's end, when one fell in it.
            let scored: Vec<_> = goal.scores.iter().filter(|s| s.on <= period.to).collect();
            let Some(last) = scored.last() else { continue };
            if !scored.iter().any(|s| in_period(&period, s.on)) {
                continue;
            }
            evaluated += 1;
            let last = (last.score, last.state);
            per_domain
                .entry(goal.life_domain.clone())
                .or_default()
                .add(goal, last);
            if let Some(organisation) = &case.organisation {
                per_organisation
                    .entry(organisation.clone())
                    .or_default()
                    .add(goal, last);
            }
            let mut kinds: Vec<&str> = goal
                .requests
                .iter()
                .filter_map(|id| kind_of.get(id).copied())
                .collect();
            kinds.sort_unstable();
            kinds.dedup();
            for kind in kinds {
                per_kind.entry(kind).or_default().add(goal, last);
            }
        }
        if case
            .closed_at
            .is_some_and(|at| in_period(&period, local_date(at)))
        {
            for goal in case.goals.iter().filter(|g| g.dropped_at.is_none()) {
                match goal.state() {
                    Some(GoalState::Vervallen) => {}
                    state => {
                        closing_goals += 1;
                        closing_reached += u32::from(state == Some(GoalState::Behaald));
                    }
                }
            }
        }
    }
    let groups = |tallies: BTreeMap<String, Tally>| {
        tallies
            .into_iter()
            .map(|(name, tally)| Tally::group(name, tally))
            .collect()
    };
    Outcome {
        goals_evaluated: Some(Count::of(evaluated)),
        at_closing: Reached {
            goals: Some(Count::of(closing_goals)),
            reached: Some(Count::of(closing_reached)),
            reached_pct: share(closing_reached, closing_goals),
        },
        per_life_domain: groups(per_domain),
        per_organisation: groups(per_organisation),
        per_request_kind: groups(
            per_kind
                .into_iter()
                .map(|(kind, tally)| (kind.to_string(), tally))
                .collect(),
        ),
        evaluations: OnTime {
            due: Some(Count::of(due)),
            on_time: Some(Count::of(on_time)),
            on_time_pct: share(on_time, due),
        },
    }
}

fn in_period(period: &Period, day: chrono::NaiveDate) -> bool {
    period.from <= day && day <= period.to
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::*;
    use crate::domain::plan::{Evaluated, Scored};
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn goal(domain: &str, start: u8, scores: &[(&str, u8, GoalState)]) -> Goal {
        Goal {
            id: 1,
            life_domain: domain.into(),
            start_score: start,
            target_score: 4,
            target_date: d("2027-06-30"),
            requests: Vec::new(),
            dropped_at: None,
            scores: scores
                .iter()
                .map(|&(on, score, state)| Scored {
                    on: d(on),
                    score,
                    state,
                })
                .collect(),
        }
    }

    fn case(id: i64, organisation: &str, goals: Vec<Goal>) -> Case {
        let household = Household {
            id,
            pseudonym: format!("H-{id:04}"),
            members: 2,
        };
        let mut case = Case::referral(
            id,
            format!("KST-2026-{id:04}"),
            &household,
            CaseDomain::Volwassenen,
            Source::Huisarts,
            vec![],
            "2026-03-01T09:00:00Z".parse().unwrap(),
        );
        case.organisation = Some(organisation.into());
        case.plan_at = Some("2026-04-01T09:00:00Z".parse().unwrap());
        case.goals = goals;
        case
    }

    use GoalState::*;

    fn after_q3() -> DateTime<Utc> {
        "2026-10-15T10:00:00Z".parse().unwrap()
    }

    const Q3: Period = Period {
        from: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
    };

    /// Six households of Kwadraad with a goal on geldzaken evaluated in
    /// the third quarter, two of MEE: counted by hand.
    #[test]
    fn the_quarters_outcome_counted_by_hand_with_small_cells_hidden() {
        let mut cases = Vec::new();
        // Kwadraad: changes +1, +2, 0, +1, −1, +1 (last score in Q3, the
        // October one is after the period and does not count).
        let kwadraad = [
            (
                2,
                vec![("2026-07-01", 3, OpKoers), ("2026-10-01", 5, Behaald)],
            ),
            (2, vec![("2026-08-15", 4, Behaald)]),
            (
                3,
                vec![("2026-06-30", 3, OpKoers), ("2026-09-30", 3, NietOpKoers)],
            ),
            (1, vec![("2026-09-01", 2, OpKoers)]),
            (3, vec![("2026-07-20", 2, NietOpKoers)]),
            (2, vec![("2026-09-10", 3, OpKoers)]),
        ];
        for (i, (start, scores)) in kwadraad.into_iter().enumerate() {
            cases.push(case(
                i as i64 + 1,
                "Kwadraad",
                vec![goal("geldzaken", start, &scores)],
            ));
        }
        // MEE: two goals on woning, one only evaluated before Q3.
        cases.push(case(
            7,
            "MEE",
            vec![goal("woning", 2, &[("2026-08-01", 3, OpKoers)])],
        ));
        cases.push(case(
            8,
            "MEE",
            vec![goal("woning", 2, &[("2026-05-01", 3, OpKoers)])],
        ));
        // Evaluations on the cases, due in Q3: 1 July (on time), 1 August
        // (made 15 August: late), 2 September and 21 July (on time); the
        // one due 1 October is the fourth quarter's.
        for (case, (on, due)) in cases.iter_mut().zip([
            ("2026-07-01", "2026-07-01"),
            ("2026-08-15", "2026-08-01"),
            ("2026-09-30", "2026-10-01"),
            ("2026-09-01", "2026-09-02"),
            ("2026-07-20", "2026-07-21"),
        ]) {
            case.evaluations.push(Evaluated {
                on: d(on),
                due: d(due),
                is_final: false,
            });
        }
        let outcome = outcome(&cases, &[], Q3, after_q3(), &Norms::default());
        assert_eq!(outcome.goals_evaluated, Some(Count::of(7)));
        let geldzaken = &outcome.per_life_domain[0];
        assert_eq!(geldzaken.name, "geldzaken");
        assert_eq!(geldzaken.goals, Count::of(6));
        // Sorted −1, 0, +1, +1, +1, +2: the median is +1.
        assert_eq!(geldzaken.median_change, Some(1.0));
        // Reached or on course: 3, 4, 2, 3 → four of six, but 4 is under
        // 5: the count reads "<5" and no share is given.
        assert_eq!(geldzaken.reached_or_on_course.to_string(), "<5");
        assert_eq!(geldzaken.reached_or_on_course_pct, None);
        // One MEE goal evaluated in Q3: "<5", no median.
        let woning = &outcome.per_life_domain[1];
        assert_eq!(
            (woning.goals.to_string(), woning.median_change),
            ("<5".into(), None)
        );
        let mee = &outcome.per_organisation[1];
        assert_eq!((mee.name.as_str(), mee.goals.shown()), ("MEE", None));
        assert_eq!(outcome.per_organisation[0].goals.shown(), Some(6));
        // Four made that were due in Q3, three of them on time. Cases 6, 7
        // and 8 (plans of 1 April) were never evaluated: their first
        // evaluation fell due on 1 July, so they are due and late as well:
        // seven due, three on time ("<5"), no share.
        assert_eq!(outcome.evaluations.due, Some(Count::of(7)));
        assert_eq!(outcome.evaluations.on_time.unwrap().to_string(), "<5");
        assert_eq!(outcome.evaluations.on_time_pct, None);
        let json = serde_json::to_value(&outcome).unwrap();
        assert_eq!(json["evaluations"]["on_time"], "<5");
        assert_eq!(json["per_life_domain"][0]["goals"], 6);
    }

    #[test]
    fn goals_at_closing_leave_out_what_was_dropped_or_vervallen() {
        let mut cases = Vec::new();
        for id in 1..=7 {
            let state = if id <= 5 { Behaald } else { NietOpKoers };
            let mut c = case(
                id,
                "Kwadraad",
                vec![goal("woning", 2, &[("2026-08-01", 4, state)])],
            );
            c.closed_at = Some("2026-09-01T10:00:00Z".parse().unwrap());
            cases.push(c);
        }
        // Vervallen, dropped, or closed after the period: not counted.
        let mut gone = case(
            8,
            "Kwadraad",
            vec![goal("woning", 2, &[("2026-08-01", 2, Vervallen)])],
        );
        gone.closed_at = Some("2026-09-01T10:00:00Z".parse().unwrap());
        let mut dropped = gone.clone();
        dropped.id = 9;
        dropped.goals[0].scores[0].state = OpKoers;
        dropped.goals[0].dropped_at = Some("2026-08-02T10:00:00Z".parse().unwrap());
        let mut later = cases[0].clone();
        later.id = 10;
        later.closed_at = Some("2026-10-01T10:00:00Z".parse().unwrap());
        cases.extend([gone, dropped, later]);
        let outcome = outcome(&cases, &[], Q3, after_q3(), &Norms::default());
        assert_eq!(outcome.at_closing.goals, Some(Count::of(7)));
        assert_eq!(outcome.at_closing.reached, Some(Count::of(5)));
        assert_eq!(outcome.at_closing.reached_pct, Some(71.4));
    }

    #[test]
    fn a_goal_counts_for_each_kind_of_care_that_served_it() {
        let request = |id: i64, kind: RequestKind| Request {
            id,
            number: format!("AV-2026-{id:04}"),
            case_id: 1,
            kind,
            provision: "p".into(),
            motivation: "m".into(),
            in_plan: true,
            filed_by: "cr-01".into(),
            filed_at: "2026-05-01T10:00:00Z".parse().unwrap(),
            decide_by: "2026-05-15T22:00:00Z".parse().unwrap(),
            status: RequestStatus::Approved,
            decided_by: None,
            decided_at: None,
            reason: None,
            version: 1,
            term: Default::default(),
        };
        let requests = [
            request(1, RequestKind::Jeugdhulp),
            request(2, RequestKind::WmoMaatwerk),
        ];
        let cases: Vec<Case> = (1..=5)
            .map(|id| {
                let mut g = goal("relaties thuis", 2, &[("2026-08-01", 3, OpKoers)]);
                g.requests = vec![1, 2, 1];
                case(id, "Kwadraad", vec![g])
            })
            .collect();
        let outcome = outcome(&cases, &requests, Q3, after_q3(), &Norms::default());
        let kinds: Vec<(&str, Option<u32>)> = outcome
            .per_request_kind
            .iter()
            .map(|g| (g.name.as_str(), g.goals.shown()))
            .collect();
        assert_eq!(kinds, [("jeugdhulp", Some(5)), ("wmo_maatwerk", Some(5))]);
        assert_eq!(outcome.per_request_kind[0].median_change, Some(1.0));
        assert_eq!(
            outcome.per_request_kind[0].reached_or_on_course_pct,
            Some(100.0)
        );
    }
}
