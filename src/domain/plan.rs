//! The plan's goals and their evaluations, scored on the
//! Zelfredzaamheid-Matrix (ZRM): each goal lies in one life domain and is
//! scored 1 (acute) to 5 (fully self-reliant) at the start, at every
//! evaluation, and against a target (DOMAIN.md, "Results").
//!
//! What is here travels with the case to every desk that may see it, so
//! it holds no free text: a goal's words, a dropped goal's reason and a
//! "vervallen" reason are history lines, read in the audited case detail
//! only.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::local_date;
use super::model::CaseDomain;
use super::norms::Norms;

/// The ZRM's thirteen life domains, in its order: the default of
/// `[norms] life_domains`.
pub const ZRM_DOMAINS: [&str; 13] = [
    "geldzaken",
    "werk en opleiding",
    "tijdsbesteding",
    "relaties thuis",
    "woning",
    "geestelijke gezondheid",
    "lichamelijke gezondheid",
    "verslaving",
    "zelfzorg",
    "dagelijkse activiteiten",
    "sociaal netwerk",
    "inzet voor de maatschappij",
    "justitie",
];

/// The lowest and highest ZRM score.
pub const SCORES: std::ops::RangeInclusive<u8> = 1..=5;

/// How a goal stands at an evaluation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum GoalState {
    /// The target is reached: the goal needs no more evaluations.
    Behaald,
    OpKoers,
    NietOpKoers,
    /// No longer pursued (with a reason, in the history): it needs no more
    /// evaluations and counts neither as reached nor as missed.
    Vervallen,
}

impl GoalState {
    pub const ALL: [GoalState; 4] = [
        GoalState::Behaald,
        GoalState::OpKoers,
        GoalState::NietOpKoers,
        GoalState::Vervallen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GoalState::Behaald => "behaald",
            GoalState::OpKoers => "op_koers",
            GoalState::NietOpKoers => "niet_op_koers",
            GoalState::Vervallen => "vervallen",
        }
    }

    /// The words on screen and in the history.
    pub fn label(self) -> &'static str {
        match self {
            GoalState::Behaald => "behaald",
            GoalState::OpKoers => "op koers",
            GoalState::NietOpKoers => "niet op koers",
            GoalState::Vervallen => "vervallen",
        }
    }

    /// Whether the goal still asks to be evaluated.
    pub fn is_finished(self) -> bool {
        matches!(self, GoalState::Behaald | GoalState::Vervallen)
    }
}

impl std::str::FromStr for GoalState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GoalState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| format!("onbekende stand van een doel: {s:?}"))
    }
}

/// One goal's score at one evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Scored {
    /// The evaluation's day.
    pub on: NaiveDate,
    pub score: u8,
    pub state: GoalState,
}

/// A goal of the plan, without its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Goal {
    /// Its number within the case's plan, from 1; never reused.
    pub id: u32,
    pub life_domain: String,
    pub start_score: u8,
    pub target_score: u8,
    pub target_date: NaiveDate,
    /// The requests for specialist care that serve it.
    #[serde(default)]
    pub requests: Vec<i64>,
    /// Dropped in a revision of the plan (the reason is in the history).
    #[serde(default)]
    pub dropped_at: Option<DateTime<Utc>>,
    /// Its score at each evaluation, oldest first.
    #[serde(default)]
    pub scores: Vec<Scored>,
}

impl Goal {
    /// The last score, or the start.
    pub fn last_score(&self) -> u8 {
        self.scores.last().map_or(self.start_score, |s| s.score)
    }

    pub fn state(&self) -> Option<GoalState> {
        self.scores.last().map(|s| s.state)
    }

    /// Still pursued: not dropped, not reached, not vervallen.
    pub fn is_open(&self) -> bool {
        self.dropped_at.is_none() && !self.state().is_some_and(GoalState::is_finished)
    }

    /// Why the goal is off track at `today`, if it is: past its target
    /// date unmet, judged "niet op koers" at its last evaluation, or two
    /// evaluations in a row without progress. A goal reached, vervallen or
    /// dropped is never off track.
    pub fn off_track(&self, today: NaiveDate) -> Option<OffTrack> {
        if !self.is_open() {
            return None;
        }
        if self.target_date < today && self.last_score() < self.target_score {
            return Some(OffTrack::PastTarget);
        }
        // Whoever evaluated said so: their judgement counts as much as
        // the rule (a manager asking which goals are off track must not
        // hear "none" while the history says "niet op koers").
        if self.state() == Some(GoalState::NietOpKoers) {
            return Some(OffTrack::Judged);
        }
        // Each of the last two scores no higher than the one before it
        // (the first evaluation is compared with the start).
        let mut before = vec![self.start_score];
        before.extend(self.scores.iter().map(|s| s.score));
        let stalled = before.len() >= 3
            && before[before.len() - 3..]
                .windows(2)
                .all(|pair| pair[1] <= pair[0]);
        stalled.then_some(OffTrack::Stalled)
    }
}

/// Why a goal is off track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffTrack {
    /// Two evaluations in a row without progress.
    Stalled,
    /// The target date has passed and the target score is not reached.
    PastTarget,
    /// The last evaluation said "niet op koers".
    Judged,
}

/// An evaluation as the boards and the figures know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Evaluated {
    pub on: NaiveDate,
    /// The day it was due (the norm it is measured against).
    pub due: NaiveDate,
    /// The final evaluation, made for closing.
    #[serde(default)]
    pub is_final: bool,
}

/// A goal as the casusregisseur writes it into the plan.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct NewGoal {
    pub life_domain: String,
    /// What the household wants to reach, in its own words: kept in the
    /// history, shown in the audited case detail only.
    pub text: String,
    pub start_score: u8,
    pub target_score: u8,
    pub target_date: NaiveDate,
    #[serde(default)]
    pub requests: Vec<i64>,
}

/// One goal's score as the evaluator gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct GoalScore {
    pub goal: u32,
    pub score: u8,
    pub state: GoalState,
    /// Why the goal is vervallen (required then), or a remark.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The longest a goal's target date may lie ahead of the plan: a goal for
/// more than two years is not one the next evaluations can steer on.
pub const MAX_TARGET_MONTHS: u32 = 24;

/// Checks a goal as written (its words are checked as a history line by
/// the caller). `today` is the plan's day.
pub fn check_goal(goal: &NewGoal, today: NaiveDate, norms: &Norms) -> Result<(), String> {
    if !norms.life_domains.iter().any(|d| d == &goal.life_domain) {
        return Err(format!(
            "onbekend leefgebied {:?}; de leefgebieden zijn: {}",
            goal.life_domain,
            norms.life_domains.join(", ")
        ));
    }
    for (what, score) in [
        ("beginscore", goal.start_score),
        ("doelscore", goal.target_score),
    ] {
        if !SCORES.contains(&score) {
            return Err(format!(
                "de {what} is een ZRM-score van 1 (acuut) tot 5 (volledig zelfredzaam), niet {score}"
            ));
        }
    }
    if goal.target_score < goal.start_score {
        return Err(format!(
            "de doelscore ({}) ligt onder de beginscore ({}); een doel kan ook het vasthouden zijn: dezelfde score",
            goal.target_score, goal.start_score
        ));
    }
    if goal.target_date <= today {
        return Err("de streefdatum ligt na vandaag".into());
    }
    let latest = today + Months::new(MAX_TARGET_MONTHS);
    if goal.target_date > latest {
        return Err(format!(
            "de streefdatum ligt hoogstens {MAX_TARGET_MONTHS} maanden vooruit (uiterlijk {})",
            latest.format("%d-%m-%Y")
        ));
    }
    Ok(())
}

/// When the next evaluation is due: `evaluation_months` (per domain) after
/// the last evaluation, or after the plan when there was none; a day that
/// is no working day moves to the next one (as the law's terms do, Awb
/// 4:13 and the Algemene termijnenwet).
pub fn evaluation_due(
    plan_at: DateTime<Utc>,
    evaluations: &[Evaluated],
    domain: CaseDomain,
    norms: &Norms,
) -> NaiveDate {
    let from = evaluations
        .last()
        .map_or_else(|| local_date(plan_at), |e| e.on);
    let months = norms.evaluation_months(domain);
    norms
        .calendar
        .on_or_next_working_day(from + Months::new(months))
}

/// Whether closing with "doelen bereikt" agrees with the final
/// evaluation: every goal still in the plan is reached or vervallen, and
/// at least one is reached.
pub fn goals_met(goals: &[Goal]) -> Result<(), String> {
    let kept: Vec<&Goal> = goals.iter().filter(|g| g.dropped_at.is_none()).collect();
    let unmet: Vec<String> = kept
        .iter()
        .filter(|g| !g.state().is_some_and(GoalState::is_finished))
        .map(|g| format!("doel {} ({})", g.id, g.life_domain))
        .collect();
    if !unmet.is_empty() {
        return Err(format!(
            "de eindevaluatie zegt niet dat de doelen bereikt zijn: {} niet behaald",
            unmet.join(", ")
        ));
    }
    if !kept.iter().any(|g| g.state() == Some(GoalState::Behaald)) {
        return Err("de eindevaluatie noemt geen behaald doel".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn goal(start: u8, target: u8, scores: &[(u8, GoalState)]) -> Goal {
        Goal {
            id: 1,
            life_domain: "relaties thuis".into(),
            start_score: start,
            target_score: target,
            target_date: d("2027-06-30"),
            requests: Vec::new(),
            dropped_at: None,
            scores: scores
                .iter()
                .enumerate()
                .map(|(i, &(score, state))| Scored {
                    on: d("2026-03-01") + Months::new(3 * i as u32),
                    score,
                    state,
                })
                .collect(),
        }
    }

    use GoalState::*;

    #[test]
    fn two_evaluations_in_a_row_without_progress_or_a_judgement_put_a_goal_off_track() {
        let today = d("2026-12-01");
        // 2 → 3 → 3: one without progress is not yet a pattern.
        assert_eq!(
            goal(2, 4, &[(3, OpKoers), (3, OpKoers)]).off_track(today),
            None
        );
        // 2 → 2 → 2: two in a row, though the evaluator said on course.
        assert_eq!(
            goal(2, 4, &[(2, OpKoers), (2, OpKoers)]).off_track(today),
            Some(OffTrack::Stalled)
        );
        // 2 → 3 → 3 → 2: the last two without progress.
        assert_eq!(
            goal(2, 4, &[(3, OpKoers), (3, OpKoers), (2, OpKoers)]).off_track(today),
            Some(OffTrack::Stalled)
        );
        // 2 → 2 → 3: progress at the last one.
        assert_eq!(
            goal(2, 4, &[(2, OpKoers), (3, OpKoers)]).off_track(today),
            None
        );
        // Only one evaluation, no progress, on course: too early to say ...
        assert_eq!(goal(2, 4, &[(2, OpKoers)]).off_track(today), None);
        // ... unless the evaluator judged it "niet op koers".
        assert_eq!(
            goal(2, 4, &[(2, NietOpKoers)]).off_track(today),
            Some(OffTrack::Judged)
        );
    }

    #[test]
    fn a_goal_past_its_target_date_unmet_is_off_track_and_a_finished_one_never() {
        let mut late = goal(2, 4, &[(3, OpKoers)]);
        late.target_date = d("2026-11-30");
        assert_eq!(late.off_track(d("2026-11-30")), None, "on the day itself");
        assert_eq!(late.off_track(d("2026-12-01")), Some(OffTrack::PastTarget));
        // Reached, vervallen or dropped: nothing to steer on.
        let mut reached = goal(2, 4, &[(2, OpKoers), (2, OpKoers), (4, Behaald)]);
        reached.target_date = d("2026-11-30");
        assert_eq!(reached.off_track(d("2027-01-01")), None);
        let gone = goal(2, 4, &[(2, OpKoers), (2, Vervallen)]);
        assert_eq!(gone.off_track(d("2027-01-01")), None);
        let mut dropped = goal(2, 4, &[(2, OpKoers), (2, OpKoers)]);
        dropped.dropped_at = Some("2026-09-01T10:00:00Z".parse().unwrap());
        assert_eq!(dropped.off_track(d("2027-01-01")), None);
    }

    #[test]
    fn an_evaluation_due_over_christmas_moves_to_the_next_working_day() {
        let norms = Norms::default();
        // A plan of Friday 25 September 2026: three months on is Friday
        // 25 December (Eerste Kerstdag); 26 December is Tweede Kerstdag
        // and a Saturday, 27 a Sunday: due Monday 28 December.
        let plan_at = "2026-09-25T09:00:00Z".parse().unwrap();
        assert_eq!(
            evaluation_due(plan_at, &[], CaseDomain::Jeugd, &norms),
            d("2026-12-28")
        );
        // After an evaluation the next is three months after it, not
        // after the plan: evaluated Wednesday 27 January 2027, due 27
        // April 2027, which is Koningsdag: Wednesday 28 April.
        let done = [Evaluated {
            on: d("2027-01-27"),
            due: d("2026-12-28"),
            is_final: false,
        }];
        assert_eq!(
            evaluation_due(plan_at, &done, CaseDomain::Jeugd, &norms),
            d("2027-04-28")
        );
        // Adults on a six-month cycle, if the municipality sets it so.
        let six = Norms {
            evaluation_months_volwassenen: 6,
            ..Norms::default()
        };
        assert_eq!(
            evaluation_due(plan_at, &[], CaseDomain::Volwassenen, &six),
            d("2027-03-25")
        );
    }

    #[test]
    fn a_goal_is_checked_against_the_zrm_and_its_dates() {
        let norms = Norms::default();
        let today = d("2026-11-24");
        let ok = NewGoal {
            life_domain: "woning".into(),
            text: "een eigen woning".into(),
            start_score: 2,
            target_score: 4,
            target_date: d("2027-05-31"),
            requests: Vec::new(),
        };
        assert_eq!(check_goal(&ok, today, &norms), Ok(()));
        let bad = |change: fn(&mut NewGoal)| {
            let mut goal = ok.clone();
            change(&mut goal);
            check_goal(&goal, today, &norms).unwrap_err()
        };
        assert!(bad(|g| g.life_domain = "school".into()).contains("onbekend leefgebied"));
        assert!(bad(|g| g.start_score = 0).contains("beginscore"));
        assert!(bad(|g| g.target_score = 6).contains("doelscore"));
        assert!(bad(|g| g.target_score = 1).contains("onder de beginscore"));
        assert!(bad(|g| g.target_date = d("2026-11-24")).contains("na vandaag"));
        assert!(bad(|g| g.target_date = d("2028-11-25")).contains("24 maanden"));
        // Holding on to a score is a goal too.
        let mut hold = ok.clone();
        hold.target_score = 2;
        assert_eq!(check_goal(&hold, today, &norms), Ok(()));
    }

    #[test]
    fn goals_met_needs_every_kept_goal_reached_or_vervallen_and_one_reached() {
        let reached = goal(2, 4, &[(4, Behaald)]);
        let mut other = goal(3, 4, &[(3, OpKoers)]);
        other.id = 2;
        assert!(goals_met(&[reached.clone(), other.clone()]).is_err());
        // A goal dropped from the plan does not count.
        other.dropped_at = Some("2026-09-01T10:00:00Z".parse().unwrap());
        assert_eq!(goals_met(&[reached.clone(), other.clone()]), Ok(()));
        // Vervallen counts as finished, but not as reached.
        let gone = goal(3, 4, &[(3, Vervallen)]);
        assert_eq!(goals_met(&[reached, gone.clone()]), Ok(()));
        assert!(
            goals_met(&[gone])
                .unwrap_err()
                .contains("geen behaald doel")
        );
    }
}
