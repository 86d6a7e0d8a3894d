//! Throughput figures for the procesmanager (seed 004: "afspraak is
//! afspraak", KPIs on the access process), as plain functions over cases,
//! requests and people. The store selects the rows that touch a period;
//! every figure is computed here, the same way for both stores.
//!
//! A moment belongs to a day in Europe/Amsterdam; a period is a range of
//! such days, both ends included.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub mod outcome;
pub mod small;

use crate::domain::calendar::{local_date, start_of_day};
use crate::domain::model::{Case, CaseStatus, FollowUpResult, Person, Request, RequestStatus};
use crate::domain::permissions;

/// The longest period the figures are computed for.
pub const MAX_PERIOD_YEARS: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    /// Per day: for a week or a month (at most [`MAX_DAYS_BY_DAY`] days).
    Day,
    #[default]
    Week,
    Month,
}

/// The longest period a series per day is given for.
pub const MAX_DAYS_BY_DAY: i64 = 92;

impl Bucket {
    /// Whether a series of `period` can be cut this way.
    pub fn fits(self, period: &Period) -> Result<(), String> {
        let days = (period.to - period.from).num_days() + 1;
        if self == Bucket::Day && days > MAX_DAYS_BY_DAY {
            return Err(format!(
                "per dag kan voor hoogstens {MAX_DAYS_BY_DAY} dagen; {} tot en met {} zijn er {days}",
                period.from, period.to
            ));
        }
        Ok(())
    }
}

/// Days `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// A period that starts after it ends, or spans more than five years,
    /// is refused (with the words for the user).
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, String> {
        if from > to {
            return Err(format!("het begin ({from}) ligt na het einde ({to})"));
        }
        let limit = from
            .checked_add_months(Months::new(12 * MAX_PERIOD_YEARS))
            .unwrap_or(NaiveDate::MAX);
        if to >= limit {
            return Err(format!(
                "een periode is hoogstens {MAX_PERIOD_YEARS} jaar; {from} tot en met {to} is langer"
            ));
        }
        Ok(Period { from, to })
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let day = local_date(at);
        self.from <= day && day <= self.to
    }

    /// The period cut into days, weeks (Monday to Sunday) or calendar
    /// months, the first and last clipped to the period.
    pub fn buckets(&self, by: Bucket) -> Vec<Period> {
        let mut buckets = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let whole = whole_bucket(start, by);
            buckets.push(Period {
                from: start,
                to: whole.to.min(self.to),
            });
            start = whole.to + Days::new(1);
        }
        buckets
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Throughput {
    pub period: Period,
    pub by: Bucket,
    pub inflow: Inflow,
    pub outflow: Outflow,
    pub first_contact: FirstContact,
    pub lead_times_days: LeadTimes,
    pub requests: Requests,
    pub load: Load,
    pub series: Vec<SeriesPoint>,
    /// The dwangsom (Awb 4:17) run up in the period. Filled by
    /// [`dwangsom_of_period`], which needs the norms.
    #[serde(default)]
    pub dwangsom: DwangsomFigures,
    #[serde(default)]
    pub waakvlam: WaakvlamFigures,
    /// What the help achieved: the plans' goals on the ZRM.
    #[serde(default)]
    pub outcome: outcome::Outcome,
}

/// What late decisions cost in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
pub struct DwangsomFigures {
    /// Requests on which a dwangsom ran on some day of the period.
    pub requests: u32,
    /// The dwangsom owed for the days of the period, in whole euros.
    pub euros: u32,
    /// Ingebrekestellingen received in the period.
    pub notices: u32,
}

/// The dwangsom run up on the days of `period` (up to today): per request,
/// what it owed by the period's last day less what it owed before its
/// first, so a dwangsom that runs through several periods is counted once
/// over them, each day at its own rate.
pub fn dwangsom_of_period(
    requests: &[Request],
    period: Period,
    now: DateTime<Utc>,
    norms: &crate::domain::norms::Norms,
) -> DwangsomFigures {
    use crate::domain::term::dwangsom;
    let today = local_date(now);
    let (cal, rates) = (&norms.calendar, &norms.dwangsom);
    let mut figures = DwangsomFigures::default();
    // The days of the period that have been: none when it lies ahead.
    let last = period.to.min(today);
    let days = period.from.pred_opt().filter(|_| last >= period.from);
    for request in requests {
        let Some(notice) = &request.term.default_notice else {
            continue;
        };
        if (period.from..=period.to).contains(&notice.received_on) {
            figures.notices += 1;
        }
        let Some(before) = days else {
            continue;
        };
        let owed = dwangsom(request, last, cal, rates) - dwangsom(request, before, cal, rates);
        if owed > 0 {
            figures.requests += 1;
            figures.euros += owed;
        }
    }
    figures
}

/// The waakvlam follow-ups whose date lies in the period and that were
/// made or whose date has passed: how many were made by their date, and
/// how many found a concern that opened a new case. A postponed follow-up
/// counts at its last date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
pub struct WaakvlamFigures {
    pub due: u32,
    pub on_time: u32,
    pub new_case: u32,
}

/// Whether a case's waakvlam follow-up is due in `period`: `Some(on
/// time)`; `None` when it has no follow-up date in the period, or the date
/// is today or later and the follow-up was not made yet.
fn follow_up_in(case: &Case, period: &Period, today: NaiveDate) -> Option<bool> {
    let until = case.waakvlam_until?;
    if until < period.from || until > period.to {
        return None;
    }
    match case.follow_up_at {
        Some(made) => Some(local_date(made) <= until),
        None if case.status == CaseStatus::Waakvlam && until < today => Some(false),
        None => None,
    }
}

/// Cases referred in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
pub struct Inflow {
    pub total: u32,
    pub by_source: BTreeMap<String, u32>,
    pub by_domain: BTreeMap<String, u32>,
}

/// Cases closed in the period; `waakvlam`: how many of them stay in view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
pub struct Outflow {
    pub total: u32,
    pub by_result: BTreeMap<String, u32>,
    pub waakvlam: u32,
}

/// Of the first contacts due in the period (whose deadline has passed or
/// that were made), how many were made by the deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
pub struct FirstContact {
    pub due: u32,
    pub within_norm: u32,
    /// `None` when nothing was due.
    pub within_norm_pct: Option<f64>,
}

/// Median and 90th percentile (interpolated, as SQL's `percentile_cont`)
/// of a lead time, in days to one decimal; `n` steps measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
pub struct Quantiles {
    pub n: u32,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

/// Each step counted in the period its end falls in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
pub struct LeadTimes {
    pub referral_to_assignment: Quantiles,
    pub assignment_to_first_contact: Quantiles,
    pub first_contact_to_plan: Quantiles,
    pub request_to_decision: Quantiles,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
pub struct RequestCounts {
    pub approved: u32,
    pub rejected: u32,
    pub pending: u32,
    /// Decided after their legal deadline (`decide_by`).
    pub decided_late: u32,
}

/// Requests filed in the period, by their status now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
pub struct Requests {
    #[serde(flatten)]
    pub all: RequestCounts,
    pub per_kind: BTreeMap<String, RequestCounts>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CasusregisseurLoad {
    pub casusregisseur: String,
    pub organisation: String,
    pub open: u32,
    pub capacity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrganisationLoad {
    pub organisation: String,
    pub open: u32,
    pub capacity: u32,
}

/// Open cases now, against capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
pub struct Load {
    pub per_casusregisseur: Vec<CasusregisseurLoad>,
    pub per_organisation: Vec<OrganisationLoad>,
}

/// The whole day, week or month that `day` lies in.
fn whole_bucket(day: NaiveDate, by: Bucket) -> Period {
    match by {
        Bucket::Day => Period { from: day, to: day },
        Bucket::Week => {
            let from = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
            Period {
                from,
                to: from + Days::new(6),
            }
        }
        Bucket::Month => {
            let from = day.with_day(1).expect("day 1 exists");
            Period {
                from,
                to: from + Months::new(1) - Days::new(1),
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SeriesPoint {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub inflow: u32,
    pub outflow: u32,
    pub first_contact_due: u32,
    pub first_contact_within_norm: u32,
    /// The bucket is cut short by the period (a month that is still
    /// running, a week that started before the period) or is not over yet
    /// (today): its counts are not those of a whole day, week or month.
    #[serde(default)]
    pub partial: bool,
}

/// Whether a first contact counts in a period, and whether it was in time.
/// A period as the instants it spans, `[start, end)`: deciding whether a
/// moment falls in it is then a comparison, not a time-zone conversion
/// (which at 100,000 cases and eight moments each was most of the cost).
/// Midnight always exists in Europe/Amsterdam, so this is exactly
/// `Period::contains`.
#[derive(Clone, Copy)]
struct Window {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Window {
    fn of(period: &Period) -> Self {
        Self {
            start: start_of_day(period.from),
            end: start_of_day(period.to + Days::new(1)),
        }
    }

    fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }
}

fn first_contact_in(case: &Case, period: &Window, now: DateTime<Utc>) -> Option<bool> {
    let due = case.first_contact_due_at?;
    if !period.contains(due) {
        return None;
    }
    first_contact_outcome(case, due, now)
}

/// Whether the first contact due at `due` was made in time; `None` while
/// it is not due yet and not made.
fn first_contact_outcome(case: &Case, due: DateTime<Utc>, now: DateTime<Utc>) -> Option<bool> {
    match case.first_contact_at {
        Some(made) => Some(made <= due),
        // Not made yet: counts (as missed) once the deadline has passed.
        None if due < now => Some(false),
        None => None,
    }
}

fn days(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds() as f64 / 86_400.0
}

/// Interpolated quantile, `q` in 0..=1: the value at rank `h = (n-1)q`
/// between its neighbours, as over the sorted values. Found by selection
/// (O(n)), not by sorting: at a region's 100,000 lead times the sort was
/// most of a year's figures.
fn quantile(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let h = (values.len() - 1) as f64 * q;
    let low = h.floor() as usize;
    let (_, at_low, above) = values.select_nth_unstable_by(low, f64::total_cmp);
    let at_low = *at_low;
    let next = above
        .iter()
        .copied()
        .min_by(f64::total_cmp)
        .unwrap_or(at_low);
    Some(at_low + (h - low as f64) * (next - at_low))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn quantiles(mut values: Vec<f64>) -> Quantiles {
    Quantiles {
        n: values.len() as u32,
        median: quantile(&mut values, 0.5).map(round1),
        p90: quantile(&mut values, 0.9).map(round1),
    }
}

fn count_request(counts: &mut RequestCounts, request: &Request) {
    match request.status {
        RequestStatus::Approved => counts.approved += 1,
        RequestStatus::Rejected => counts.rejected += 1,
        RequestStatus::Pending => counts.pending += 1,
    }
    if request.decided_at.is_some_and(|at| at > request.decide_by) {
        counts.decided_late += 1;
    }
}

/// Open cases now per holder: everyone who may be assigned cases, and
/// anyone else who holds one (the doorzettingsmacht regisseur after a take
/// over), so the rows add up to every open assigned case.
pub fn load(cases: &[Case], people: &[Person]) -> Load {
    // Looked up by hash per open case (a region has thousands of holders;
    // an ordered map compared strings most of the time); ordered below.
    let mut rows: std::collections::HashMap<&str, CasusregisseurLoad> = people
        .iter()
        .filter(|p| permissions::may_hold_cases(p))
        .map(|p| {
            (
                p.login.as_str(),
                CasusregisseurLoad {
                    casusregisseur: p.login.clone(),
                    organisation: p.organisation.clone(),
                    open: 0,
                    capacity: p.capacity.unwrap_or(0),
                },
            )
        })
        .collect();
    for case in cases.iter().filter(|c| c.is_open()) {
        let Some(holder) = case.casusregisseur.as_deref() else {
            continue;
        };
        let row = rows.entry(holder).or_insert_with(|| {
            let person = people.iter().find(|p| p.login == holder);
            CasusregisseurLoad {
                casusregisseur: holder.to_string(),
                organisation: person
                    .map(|p| p.organisation.clone())
                    .or_else(|| case.organisation.clone())
                    .unwrap_or_default(),
                open: 0,
                capacity: person.and_then(|p| p.capacity).unwrap_or(0),
            }
        });
        row.open += 1;
    }
    let mut per_casusregisseur: Vec<CasusregisseurLoad> = rows.into_values().collect();
    per_casusregisseur.sort_by(|a, b| {
        (&a.organisation, &a.casusregisseur).cmp(&(&b.organisation, &b.casusregisseur))
    });
    let mut organisations: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for row in &per_casusregisseur {
        let entry = organisations.entry(row.organisation.clone()).or_default();
        entry.0 += row.open;
        entry.1 += row.capacity;
    }
    Load {
        per_casusregisseur,
        per_organisation: organisations
            .into_iter()
            .map(|(organisation, (open, capacity))| OrganisationLoad {
                organisation,
                open,
                capacity,
            })
            .collect(),
    }
}

/// The figures for `period`, from the cases and requests that touch it
/// (more rows do no harm: each figure picks its own) and all open cases.
pub fn throughput(
    cases: &[Case],
    requests: &[Request],
    people: &[Person],
    period: Period,
    by: Bucket,
    now: DateTime<Utc>,
) -> Throughput {
    let window = Window::of(&period);
    // Counted under the values' static names, made owned once at the end:
    // no allocation per case.
    let (mut by_source, mut by_domain, mut by_result) = (
        BTreeMap::<&str, u32>::new(),
        BTreeMap::new(),
        BTreeMap::new(),
    );
    let mut inflow = Inflow::default();
    let mut outflow = Outflow::default();
    let mut first_contact = FirstContact::default();
    let mut waakvlam = WaakvlamFigures::default();
    let today = local_date(now);
    let (mut to_assignment, mut to_contact, mut to_plan, mut to_decision) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for case in cases {
        if window.contains(case.referred_at) {
            inflow.total += 1;
            *by_source.entry(case.source.as_str()).or_default() += 1;
            *by_domain.entry(case.domain.as_str()).or_default() += 1;
        }
        if case.closed_at.is_some_and(|at| window.contains(at)) {
            outflow.total += 1;
            if let Some(result) = case.close_result {
                *by_result.entry(result.as_str()).or_default() += 1;
            }
            if case.status == CaseStatus::Waakvlam {
                outflow.waakvlam += 1;
            }
        }
        if let Some(in_time) = first_contact_in(case, &window, now) {
            first_contact.due += 1;
            first_contact.within_norm += u32::from(in_time);
        }
        if let Some(on_time) = follow_up_in(case, &period, today) {
            waakvlam.due += 1;
            waakvlam.on_time += u32::from(on_time);
            waakvlam.new_case += u32::from(case.follow_up_result == Some(FollowUpResult::Concern));
        }
        if let Some(assigned) = case.assigned_at.filter(|at| window.contains(*at)) {
            to_assignment.push(days(case.referred_at, assigned));
        }
        if let (Some(assigned), Some(contact)) = (case.assigned_at, case.first_contact_at)
            // A case reassigned after its first contact has a later
            // assigned_at; its contact step is not measurable.
            && window.contains(contact)
            && contact >= assigned
        {
            to_contact.push(days(assigned, contact));
        }
        if let (Some(contact), Some(plan)) = (case.first_contact_at, case.plan_at)
            && window.contains(plan)
        {
            to_plan.push(days(contact, plan));
        }
    }
    let owned = |counts: BTreeMap<&str, u32>| {
        counts
            .into_iter()
            .map(|(name, n)| (name.to_string(), n))
            .collect()
    };
    inflow.by_source = owned(by_source);
    inflow.by_domain = owned(by_domain);
    outflow.by_result = owned(by_result);
    first_contact.within_norm_pct = (first_contact.due > 0).then(|| {
        round1(100.0 * f64::from(first_contact.within_norm) / f64::from(first_contact.due))
    });
    let mut request_figures = Requests::default();
    for request in requests {
        if let Some(decided) = request.decided_at.filter(|at| window.contains(*at)) {
            to_decision.push(days(request.filed_at, decided));
        }
        if window.contains(request.filed_at) {
            count_request(&mut request_figures.all, request);
            count_request(
                request_figures
                    .per_kind
                    .entry(request.kind.as_str().into())
                    .or_default(),
                request,
            );
        }
    }
    // One pass over the cases, each event placed in its bucket by binary
    // search: O(cases × log buckets), not O(cases × buckets).
    let buckets = period.buckets(by);
    let mut series: Vec<SeriesPoint> = buckets
        .iter()
        .map(|bucket| {
            let whole = whole_bucket(bucket.from, by);
            SeriesPoint {
                // Cut short by the period, or not over yet (today).
                partial: whole != *bucket || bucket.to >= local_date(now),
                from: bucket.from,
                to: bucket.to,
                inflow: 0,
                outflow: 0,
                first_contact_due: 0,
                first_contact_within_norm: 0,
            }
        })
        .collect();
    let ends: Vec<DateTime<Utc>> = buckets
        .iter()
        .map(|bucket| start_of_day(bucket.to + Days::new(1)))
        .collect();
    let bucket_of = |at: DateTime<Utc>| {
        window
            .contains(at)
            .then(|| ends.partition_point(|end| *end <= at))
    };
    for case in cases {
        if let Some(i) = bucket_of(case.referred_at) {
            series[i].inflow += 1;
        }
        if let Some(i) = case.closed_at.and_then(bucket_of) {
            series[i].outflow += 1;
        }
        if let Some(due) = case.first_contact_due_at
            && let Some(i) = bucket_of(due)
            && let Some(in_time) = first_contact_outcome(case, due, now)
        {
            series[i].first_contact_due += 1;
            series[i].first_contact_within_norm += u32::from(in_time);
        }
    }
    Throughput {
        period,
        by,
        inflow,
        outflow,
        first_contact,
        lead_times_days: LeadTimes {
            referral_to_assignment: quantiles(to_assignment),
            assignment_to_first_contact: quantiles(to_contact),
            first_contact_to_plan: quantiles(to_plan),
            request_to_decision: quantiles(to_decision),
        },
        requests: request_figures,
        load: load(cases, people),
        series,
        dwangsom: DwangsomFigures::default(),
        waakvlam,
        // Filled by [`outcome::outcome`], which needs the norms (when an
        // evaluation falls due), as the dwangsom does.
        outcome: outcome::Outcome::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_selection_equal_those_of_the_sorted_values() {
        use rand::{Rng, SeedableRng};
        let sorted_quantile = |sorted: &[f64], q: f64| {
            let h = (sorted.len() - 1) as f64 * q;
            let low = h.floor() as usize;
            let high = (low + 1).min(sorted.len() - 1);
            sorted[low] + (h - low as f64) * (sorted[high] - sorted[low])
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for n in [1, 2, 3, 10, 11, 101, 1000] {
            // Whole and fractional days, with ties.
            let values: Vec<f64> = (0..n)
                .map(|_| f64::from(rng.random_range(0..40u32)) / 4.0)
                .collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            for q in [0.0, 0.25, 0.5, 0.9, 1.0] {
                let mut shuffled = values.clone();
                assert_eq!(
                    quantile(&mut shuffled, q),
                    Some(sorted_quantile(&sorted, q)),
                    "n {n}, q {q}"
                );
            }
        }
        assert_eq!(quantile(&mut [], 0.5), None);
    }
    use crate::domain::model::{CaseDomain, CloseResult, Household, RequestKind, Role, Source};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn case(id: i64, source: Source, domain: CaseDomain, referred: &str) -> Case {
        let household = Household {
            id,
            pseudonym: format!("H-{id}"),
            members: 2,
        };
        Case::referral(
            id,
            format!("KST-{id}"),
            &household,
            domain,
            source,
            vec![],
            at(referred),
        )
    }

    fn person(login: &str, org: &str, capacity: u32) -> Person {
        Person {
            login: login.into(),
            display_name: login.into(),
            role: Role::Casusregisseur,
            organisation: org.into(),
            specialism: None,
            capacity: Some(capacity),
            active: true,
        }
    }

    /// November 2026 (Mon 2 .. Mon 30), now = Wed 25 Nov 12:00 UTC.
    /// 1: referred 2 Nov (huisarts, jeugd), assigned 3 Nov 12:00, due 5 Nov,
    ///    contact 4 Nov, plan 11 Nov, closed 20 Nov goals_met.
    /// 2: referred 5 Nov (school, jeugd), assigned 9 Nov 12:00 (4 days), due
    ///    11 Nov, contact 13 Nov (late), still open with cr-a.
    /// 3: referred 10 Nov (huisarts, volwassenen), assigned 10 Nov 18:00
    ///    (0.25 d), due 24 Nov, no contact yet: missed (due before now).
    /// 4: referred 20 Oct (outside), closed 23 Nov into waakvlam.
    /// 5: referred 24 Nov, assigned 24 Nov, due 26 Nov: not yet due.
    fn fixture() -> (Vec<Case>, Vec<Request>, Vec<Person>) {
        let mut c1 = case(
            1,
            Source::Huisarts,
            CaseDomain::Jeugd,
            "2026-11-02T09:00:00Z",
        );
        c1.assigned_at = Some(at("2026-11-03T09:00:00Z"));
        c1.first_contact_due_at = Some(at("2026-11-05T22:59:59Z"));
        c1.first_contact_at = Some(at("2026-11-04T09:00:00Z"));
        c1.plan_at = Some(at("2026-11-11T09:00:00Z"));
        c1.closed_at = Some(at("2026-11-20T09:00:00Z"));
        c1.close_result = Some(CloseResult::GoalsMet);
        c1.status = CaseStatus::Closed;
        c1.casusregisseur = Some("cr-a".into());
        let mut c2 = case(2, Source::School, CaseDomain::Jeugd, "2026-11-05T09:00:00Z");
        c2.assigned_at = Some(at("2026-11-09T09:00:00Z"));
        c2.first_contact_due_at = Some(at("2026-11-11T22:59:59Z"));
        c2.first_contact_at = Some(at("2026-11-13T09:00:00Z"));
        c2.status = CaseStatus::Contacted;
        c2.casusregisseur = Some("cr-a".into());
        let mut c3 = case(
            3,
            Source::Huisarts,
            CaseDomain::Volwassenen,
            "2026-11-10T09:00:00Z",
        );
        c3.assigned_at = Some(at("2026-11-10T15:00:00Z"));
        c3.first_contact_due_at = Some(at("2026-11-24T22:59:59Z"));
        c3.status = CaseStatus::Assigned;
        c3.casusregisseur = Some("cr-b".into());
        let mut c4 = case(
            4,
            Source::Politie,
            CaseDomain::Volwassenen,
            "2026-10-20T09:00:00Z",
        );
        c4.closed_at = Some(at("2026-11-23T09:00:00Z"));
        c4.close_result = Some(CloseResult::ReferredOn);
        c4.status = CaseStatus::Waakvlam;
        let mut c5 = case(5, Source::Cjg, CaseDomain::Jeugd, "2026-11-24T09:00:00Z");
        c5.assigned_at = Some(at("2026-11-24T10:00:00Z"));
        c5.first_contact_due_at = Some(at("2026-11-26T22:59:59Z"));
        c5.status = CaseStatus::Assigned;
        c5.casusregisseur = Some("cr-b".into());
        let request =
            |id, kind, filed: &str, decided: Option<&str>, status, decide_by: &str| Request {
                id,
                number: format!("AV-{id}"),
                case_id: 1,
                kind,
                provision: "x".into(),
                motivation: "y".into(),
                in_plan: true,
                filed_by: "cr-a".into(),
                filed_at: at(filed),
                decide_by: at(decide_by),
                status,
                decided_by: decided.map(|_| "pr".into()),
                decided_at: decided.map(at),
                reason: None,
                version: 1,
                term: Default::default(),
            };
        let requests = vec![
            // Decided in 2 days, in time.
            request(
                1,
                RequestKind::Jeugdhulp,
                "2026-11-12T09:00:00Z",
                Some("2026-11-14T09:00:00Z"),
                RequestStatus::Approved,
                "2027-01-07T22:59:59Z",
            ),
            // Decided in 20 days, after its deadline.
            request(
                2,
                RequestKind::WmoMaatwerk,
                "2026-11-02T09:00:00Z",
                Some("2026-11-22T09:00:00Z"),
                RequestStatus::Rejected,
                "2026-11-16T22:59:59Z",
            ),
            request(
                3,
                RequestKind::WmoMaatwerk,
                "2026-11-20T09:00:00Z",
                None,
                RequestStatus::Pending,
                "2026-12-04T22:59:59Z",
            ),
            // Filed in October, decided in November: a lead time, not a count.
            request(
                4,
                RequestKind::Jeugdhulp,
                "2026-10-20T09:00:00Z",
                Some("2026-11-03T09:00:00Z"),
                RequestStatus::Approved,
                "2026-12-15T22:59:59Z",
            ),
        ];
        let people = vec![
            person("cr-a", "Kwadraad", 10),
            person("cr-b", "MEE", 4),
            person("cr-c", "MEE", 6),
        ];
        (vec![c1, c2, c3, c4, c5], requests, people)
    }

    /// Waakvlam follow-ups in November 2026, now Wed 25 Nov: made on
    /// time with a concern (10 Nov, due 12 Nov), made late all well (made
    /// 19 Nov, due 16 Nov), overdue and not made (due 24 Nov), due today
    /// and not made (25 Nov: not counted yet), made early for a date in
    /// December (not counted), and a case closed without waakvlam.
    #[test]
    fn waakvlam_follow_ups_due_on_time_and_new_cases() {
        let closed_into = |id, until: &str| {
            let mut c = case(id, Source::Cjg, CaseDomain::Jeugd, "2026-05-04T09:00:00Z");
            c.status = CaseStatus::Waakvlam;
            c.closed_at = Some(at("2026-06-01T09:00:00Z"));
            c.close_result = Some(CloseResult::Refused);
            c.waakvlam_until = Some(day(until));
            c
        };
        let followed = |mut c: Case, made: &str, result| {
            c.status = CaseStatus::Closed;
            c.follow_up_at = Some(at(made));
            c.follow_up_result = Some(result);
            c
        };
        let cases = vec![
            followed(
                closed_into(1, "2026-11-12"),
                "2026-11-10T09:00:00Z",
                FollowUpResult::Concern,
            ),
            followed(
                closed_into(2, "2026-11-16"),
                "2026-11-19T09:00:00Z",
                FollowUpResult::AllWell,
            ),
            closed_into(3, "2026-11-24"),
            closed_into(4, "2026-11-25"),
            followed(
                closed_into(5, "2026-12-03"),
                "2026-11-20T09:00:00Z",
                FollowUpResult::Concern,
            ),
            case(6, Source::Cjg, CaseDomain::Jeugd, "2026-11-04T09:00:00Z"),
        ];
        let period = Period::new(day("2026-11-01"), day("2026-11-30")).unwrap();
        let figures = throughput(
            &cases,
            &[],
            &[],
            period,
            Bucket::Week,
            at("2026-11-25T12:00:00Z"),
        );
        assert_eq!(
            figures.waakvlam,
            WaakvlamFigures {
                due: 3,
                on_time: 1,
                new_case: 1
            }
        );
    }

    fn november(by: Bucket) -> Throughput {
        let (cases, requests, people) = fixture();
        let period = Period::new(day("2026-11-01"), day("2026-11-30")).unwrap();
        throughput(
            &cases,
            &requests,
            &people,
            period,
            by,
            at("2026-11-25T12:00:00Z"),
        )
    }

    #[test]
    fn inflow_counts_referrals_in_the_period_by_source_and_domain() {
        let t = november(Bucket::Week);
        assert_eq!(t.inflow.total, 4, "1, 2, 3 and 5; 4 came in October");
        assert_eq!(
            t.inflow.by_source,
            BTreeMap::from([
                ("cjg".into(), 1),
                ("huisarts".into(), 2),
                ("school".into(), 1)
            ])
        );
        assert_eq!(
            t.inflow.by_domain,
            BTreeMap::from([("jeugd".into(), 3), ("volwassenen".into(), 1)])
        );
    }

    #[test]
    fn outflow_counts_closures_and_waakvlam() {
        let t = november(Bucket::Week);
        assert_eq!(t.outflow.total, 2);
        assert_eq!(
            t.outflow.by_result,
            BTreeMap::from([("goals_met".into(), 1), ("referred_on".into(), 1)])
        );
        assert_eq!(t.outflow.waakvlam, 1);
    }

    #[test]
    fn first_contact_within_norm_counts_what_was_due() {
        let t = november(Bucket::Week);
        // Due: 1 (in time), 2 (late), 3 (missed, due 24 Nov < now); 5 is
        // due 26 Nov, after now, and not yet counted.
        assert_eq!(t.first_contact.due, 3);
        assert_eq!(t.first_contact.within_norm, 1);
        assert_eq!(t.first_contact.within_norm_pct, Some(33.3));
    }

    #[test]
    fn lead_times_are_median_and_p90_in_days() {
        let t = november(Bucket::Week);
        // Assignment: 1 d (case 1), 4 d (case 2), 0.25 d (case 3), 1/24 d
        // (case 5): sorted 0.04, 0.25, 1, 4 -> median 0.625, p90 = 1 + 0.7*3.
        let a = &t.lead_times_days.referral_to_assignment;
        assert_eq!((a.n, a.median, a.p90), (4, Some(0.6), Some(3.1)));
        // First contact: 1 d (case 1), 4 d (case 2).
        let c = &t.lead_times_days.assignment_to_first_contact;
        assert_eq!((c.n, c.median, c.p90), (2, Some(2.5), Some(3.7)));
        // Plan: case 1 only, 7 days.
        let p = &t.lead_times_days.first_contact_to_plan;
        assert_eq!((p.n, p.median, p.p90), (1, Some(7.0), Some(7.0)));
        // Decisions in November: 2 d, 20 d, 14 d (request 4, filed in October).
        let d = &t.lead_times_days.request_to_decision;
        assert_eq!((d.n, d.median, d.p90), (3, Some(14.0), Some(18.8)));
    }

    #[test]
    fn requests_filed_in_the_period_by_status_and_kind() {
        let t = november(Bucket::Week);
        assert_eq!(
            t.requests.all,
            RequestCounts {
                approved: 1,
                rejected: 1,
                pending: 1,
                decided_late: 1
            }
        );
        assert_eq!(
            t.requests.per_kind["wmo_maatwerk"],
            RequestCounts {
                approved: 0,
                rejected: 1,
                pending: 1,
                decided_late: 1
            }
        );
        assert_eq!(
            t.requests.per_kind["jeugdhulp"],
            RequestCounts {
                approved: 1,
                rejected: 0,
                pending: 0,
                decided_late: 0
            }
        );
    }

    #[test]
    fn load_is_open_cases_now_per_person_and_organisation() {
        let t = november(Bucket::Week);
        let open: Vec<(&str, u32, u32)> = t
            .load
            .per_casusregisseur
            .iter()
            .map(|l| (l.casusregisseur.as_str(), l.open, l.capacity))
            .collect();
        assert_eq!(open, vec![("cr-a", 1, 10), ("cr-b", 2, 4), ("cr-c", 0, 6)]);
        // A case taken over by the doorzettingsmacht regisseur counts too.
        let (mut cases, _, mut people) = fixture();
        cases[1].casusregisseur = Some("pr-dzm".into());
        let mut dzm = person("pr-dzm", "gemeente", 8);
        dzm.role = Role::ProcesregisseurDoorzettingsmacht;
        people.push(dzm);
        let load = load(&cases, &people);
        let open_assigned = cases
            .iter()
            .filter(|c| c.is_open() && c.casusregisseur.is_some())
            .count() as u32;
        assert_eq!(
            load.per_casusregisseur.iter().map(|l| l.open).sum::<u32>(),
            open_assigned
        );
        assert!(
            load.per_casusregisseur
                .iter()
                .any(|l| l.casusregisseur == "pr-dzm" && l.open == 1)
        );
        assert_eq!(
            t.load.per_organisation,
            vec![
                OrganisationLoad {
                    organisation: "Kwadraad".into(),
                    open: 1,
                    capacity: 10
                },
                OrganisationLoad {
                    organisation: "MEE".into(),
                    open: 2,
                    capacity: 10
                },
            ]
        );
    }

    #[test]
    fn a_month_per_day_has_a_point_a_day_and_cut_buckets_are_partial() {
        // Computed on Wednesday 25 November: the days up to the 24th are
        // whole, today and after are not over yet.
        let t = november(Bucket::Day);
        assert_eq!(t.series.len(), 30);
        assert!(t.series.iter().all(|p| p.from == p.to));
        let partial: Vec<u32> = t
            .series
            .iter()
            .filter(|p| p.partial)
            .map(|p| p.from.day())
            .collect();
        assert_eq!(partial, [25, 26, 27, 28, 29, 30]);
        assert_eq!(
            t.series.iter().map(|p| p.inflow).sum::<u32>(),
            t.inflow.total
        );
        // By week, Sunday 1 Nov and Monday 30 Nov are weeks cut short, and
        // the week of the 25th is still running.
        let weeks = november(Bucket::Week).series;
        let partial: Vec<bool> = weeks.iter().map(|p| p.partial).collect();
        assert_eq!(partial, [true, false, false, false, true, true]);
        // A year up to today: the running month is partial.
        let (cases, requests, people) = fixture();
        let year = Period::new(day("2026-01-01"), day("2026-11-24")).unwrap();
        let t = throughput(
            &cases,
            &requests,
            &people,
            year,
            Bucket::Month,
            at("2026-11-24T12:00:00Z"),
        );
        assert!(t.series[..10].iter().all(|p| !p.partial));
        assert!(t.series[10].partial, "November is still running");
        // Per day is for short periods only.
        assert!(Bucket::Day.fits(&year).is_err());
        assert!(Bucket::Month.fits(&year).is_ok());
    }

    #[test]
    fn the_series_splits_the_period_and_adds_up() {
        let t = november(Bucket::Week);
        let weeks: Vec<(NaiveDate, NaiveDate)> = t.series.iter().map(|p| (p.from, p.to)).collect();
        assert_eq!(
            weeks[0],
            (day("2026-11-01"), day("2026-11-01")),
            "Sunday 1 Nov alone"
        );
        assert_eq!(weeks[1], (day("2026-11-02"), day("2026-11-08")));
        assert_eq!(weeks.last(), Some(&(day("2026-11-30"), day("2026-11-30"))));
        assert_eq!(weeks.len(), 6);
        let inflow: Vec<u32> = t.series.iter().map(|p| p.inflow).collect();
        assert_eq!(inflow, vec![0, 2, 1, 0, 1, 0]);
        assert_eq!(
            t.series.iter().map(|p| p.outflow).sum::<u32>(),
            t.outflow.total
        );
        assert_eq!(
            t.series.iter().map(|p| p.first_contact_due).sum::<u32>(),
            t.first_contact.due
        );
        let months = november(Bucket::Month).series;
        assert_eq!(months.len(), 1);
        assert_eq!(months[0].inflow, 4);
    }

    #[test]
    fn a_period_is_checked() {
        assert!(Period::new(day("2026-11-30"), day("2026-11-01")).is_err());
        assert!(Period::new(day("2021-01-01"), day("2025-12-31")).is_ok());
        let err = Period::new(day("2021-01-01"), day("2026-01-01")).unwrap_err();
        assert!(err.contains("5 jaar"), "{err}");
        let year = Period::new(day("2026-01-01"), day("2026-12-31")).unwrap();
        assert_eq!(year.buckets(Bucket::Month).len(), 12);
        assert_eq!(year.buckets(Bucket::Month)[1].to, day("2026-02-28"));
    }

    #[test]
    fn the_dwangsom_of_a_period_counts_its_own_days_at_their_rates() {
        use crate::domain::norms::Norms;
        use crate::domain::term::{DecisionTerm, DefaultNotice};
        let norms = Norms::default();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let (_, requests, _) = fixture();
        let mut late = requests[0].clone();
        late.status = RequestStatus::Pending;
        late.decided_at = None;
        late.term = DecisionTerm {
            default_notice: Some(DefaultNotice {
                received_on: d("2027-06-01"),
                recorded_by: "admin".into(),
            }),
            ..DecisionTerm::default()
        };
        let now: DateTime<Utc> = "2027-07-10T10:00:00Z".parse().unwrap();
        let june = Period::new(d("2027-06-01"), d("2027-06-30")).unwrap();
        let july = Period::new(d("2027-07-01"), d("2027-07-31")).unwrap();
        // Day 1 is 16 June: June holds days 1-15 (14 x 23 + 35 = 357).
        let figures = dwangsom_of_period(std::slice::from_ref(&late), june, now, &norms);
        assert_eq!(
            figures,
            DwangsomFigures {
                requests: 1,
                euros: 357,
                notices: 1
            }
        );
        // July up to today, the 10th, holds days 16-25: 10 x 35.
        let figures = dwangsom_of_period(std::slice::from_ref(&late), july, now, &norms);
        assert_eq!((figures.euros, figures.notices), (350, 0));
        // Before the notice nothing is owed; requests without one count not.
        let may = Period::new(d("2027-05-01"), d("2027-05-31")).unwrap();
        assert_eq!(
            dwangsom_of_period(&requests, may, now, &norms),
            DwangsomFigures::default()
        );
    }
}
