//! The boards kept up to date one case at a time.
//!
//! [`boards`](super::boards) derives each board from the whole snapshot;
//! that is what an export or a new day needs. A desk that holds 100,000
//! cases cannot do that for every change a sync brings. [`Live`] keeps,
//! per board, the order of its rows (each row's sort key and id) and, for
//! the caseload, each holder's counts. A change to one case removes that
//! case's rows from each board and puts the new ones in by binary search,
//! and says so as [`Edit`]s: a desk applies the same edits to its own
//! list of drawn rows and rebuilds only the rows that changed. The result
//! is the same as a derivation from scratch, row for row (see the tests).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hash;

use chrono::{DateTime, Utc};

use super::boards::{
    self, CaseloadRow, CasesOfRank, DoorzettingsmachtRow, Focus, Index, MandateRow, Snapshot,
    StagnationRank, StagnationRow, WaakvlamRank, WaakvlamRow, caseload_order,
};
use super::model::{Case, Login, Person, Role};
use super::norms::Norms;

/// One step that turns a board's old order into its new one. Applied in
/// the order given, positions are those of the list as it is at that step.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit<R> {
    Remove(usize),
    Insert(usize, R),
}

/// A board's order: each row's sort key and id, sorted; and each id's key.
#[derive(Debug, Clone)]
struct Ranked<K, S> {
    order: Vec<(S, K)>,
    rank: HashMap<K, S>,
}

impl<K, S> Default for Ranked<K, S> {
    fn default() -> Self {
        Ranked {
            order: Vec::new(),
            rank: HashMap::new(),
        }
    }
}

impl<K: Ord + Hash + Clone, S: Ord + Clone> Ranked<K, S> {
    fn from_unsorted(mut order: Vec<(S, K)>) -> Self {
        order.sort_unstable();
        let rank = order.iter().map(|(s, k)| (k.clone(), s.clone())).collect();
        Ranked { order, rank }
    }

    /// Takes `key` out; returns where it stood.
    fn remove(&mut self, key: &K) -> Option<usize> {
        let rank = self.rank.remove(key)?;
        let at = self
            .order
            .binary_search_by(|(s, k)| (s, k).cmp(&(&rank, key)))
            .expect("a ranked key is in the order");
        self.order.remove(at);
        Some(at)
    }

    /// Puts `key` in at its place; returns where.
    fn insert(&mut self, key: K, rank: S) -> usize {
        debug_assert!(!self.rank.contains_key(&key), "a key is ranked once");
        let at = self
            .order
            .binary_search_by(|(s, k)| (s, k).cmp(&(&rank, &key)))
            .unwrap_or_else(|at| at);
        self.order.insert(at, (rank.clone(), key.clone()));
        self.rank.insert(key, rank);
        at
    }

    fn keys(&self) -> impl Iterator<Item = &K> {
        self.order.iter().map(|(_, k)| k)
    }
}

/// What changed on each board after [`Live::update`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub stagnation: Vec<Edit<StagnationRow>>,
    pub mandate: Vec<Edit<MandateRow>>,
    pub doorzettingsmacht: Vec<Edit<DoorzettingsmachtRow>>,
    /// The drill-down's cases, by id.
    pub cases_of: Vec<Edit<i64>>,
    /// The holders whose caseload row may have changed (`None`: the
    /// unassigned referrals); see [`Live::caseload_row`].
    pub holders: Vec<Option<Login>>,
    pub waakvlam: Vec<Edit<WaakvlamRow>>,
}

/// What one open case adds to the caseload board.
#[derive(Debug, Clone, PartialEq)]
struct Counted {
    holder: Option<Login>,
    focused: bool,
    signals: [u32; boards::SIGNAL_COUNTS],
}

/// One holder's share of the caseload board.
#[derive(Debug, Clone, Default)]
struct Held {
    cases: BTreeSet<i64>,
    focused: u32,
    signals: [u32; boards::SIGNAL_COUNTS],
}

/// The boards of one viewer with one focus, kept up to date per case.
#[derive(Debug, Clone)]
pub struct Live {
    viewer: Person,
    focus: Focus,
    stagnation: Ranked<i64, StagnationRank>,
    doorzettingsmacht: Ranked<i64, (bool, Option<DateTime<Utc>>, String)>,
    mandate: Ranked<i64, (DateTime<Utc>, String)>,
    /// The requests of each case on the mandate board.
    mandate_of_case: HashMap<i64, Vec<i64>>,
    counted: HashMap<i64, Counted>,
    held: BTreeMap<Option<Login>, Held>,
    /// Open referrals nobody holds (whatever the focus).
    unassigned: HashSet<i64>,
    /// The drill-down: whose cases, in their order.
    drill: Option<(Option<Login>, Ranked<i64, CasesOfRank>)>,
    waakvlam: Ranked<i64, WaakvlamRank>,
}

impl Live {
    /// Every board derived from scratch.
    pub fn new(
        snapshot: &Snapshot,
        index: &Index,
        viewer: &Person,
        focus: &Focus,
        norms: &Norms,
        now: DateTime<Utc>,
    ) -> Self {
        let mut live = Live {
            viewer: viewer.clone(),
            focus: focus.clone(),
            stagnation: Ranked::default(),
            doorzettingsmacht: Ranked::default(),
            mandate: Ranked::default(),
            mandate_of_case: HashMap::new(),
            counted: HashMap::new(),
            held: BTreeMap::new(),
            unassigned: HashSet::new(),
            drill: None,
            waakvlam: Ranked::default(),
        };
        let mut waakvlam = Vec::new();
        let mut stagnation = Vec::new();
        let mut doorzettingsmacht = Vec::new();
        let mut mandate = Vec::new();
        for case in snapshot.cases.values() {
            if boards::stagnation_row(case, index, focus).is_some() {
                stagnation.push((boards::stagnation_rank(case, index), case.id));
            }
            if let Some(row) = boards::doorzettingsmacht_row(case, index, focus) {
                doorzettingsmacht.push((dzm_rank(&row), case.id));
            }
            if let Some(row) = boards::waakvlam_row(case, norms, now, focus) {
                waakvlam.push((boards::waakvlam_rank_of(&row), case.id));
            }
            for request in snapshot.requests_of(case.id) {
                if boards::mandate_row(snapshot, request, viewer, norms, now, focus).is_some() {
                    mandate.push(((request.decide_by, request.number.clone()), request.id));
                    live.mandate_of_case
                        .entry(case.id)
                        .or_default()
                        .push(request.id);
                }
            }
            live.count(case, index);
        }
        live.stagnation = Ranked::from_unsorted(stagnation);
        live.doorzettingsmacht = Ranked::from_unsorted(doorzettingsmacht);
        live.mandate = Ranked::from_unsorted(mandate);
        live.waakvlam = Ranked::from_unsorted(waakvlam);
        live
    }

    /// Brings every board up to date after `touched` cases changed (and
    /// the index with them); says what moved.
    pub fn update(
        &mut self,
        snapshot: &Snapshot,
        index: &Index,
        touched: &[i64],
        norms: &Norms,
        now: DateTime<Utc>,
    ) -> Changes {
        let mut changes = Changes::default();
        // Every touched case's rows out first: a request that moved from
        // one case to another must leave before it enters.
        for &id in touched {
            if let Some(at) = self.stagnation.remove(&id) {
                changes.stagnation.push(Edit::Remove(at));
            }
            if let Some(at) = self.doorzettingsmacht.remove(&id) {
                changes.doorzettingsmacht.push(Edit::Remove(at));
            }
            if let Some(at) = self.waakvlam.remove(&id) {
                changes.waakvlam.push(Edit::Remove(at));
            }
            for request_id in self.mandate_of_case.remove(&id).unwrap_or_default() {
                if let Some(at) = self.mandate.remove(&request_id) {
                    changes.mandate.push(Edit::Remove(at));
                }
            }
            if let Some(counted) = self.counted.get(&id) {
                changes.holders.push(counted.holder.clone());
            }
            self.uncount(id);
            if let Some((_, ranked)) = &mut self.drill
                && let Some(at) = ranked.remove(&id)
            {
                changes.cases_of.push(Edit::Remove(at));
            }
        }
        // Then their rows as they are now.
        for case in touched.iter().filter_map(|id| snapshot.cases.get(id)) {
            let id = case.id;
            if let Some(row) = boards::stagnation_row(case, index, &self.focus) {
                let at = self
                    .stagnation
                    .insert(id, boards::stagnation_rank(case, index));
                changes.stagnation.push(Edit::Insert(at, row));
            }
            if let Some(row) = boards::doorzettingsmacht_row(case, index, &self.focus) {
                let at = self.doorzettingsmacht.insert(id, dzm_rank(&row));
                changes.doorzettingsmacht.push(Edit::Insert(at, row));
            }
            if let Some(row) = boards::waakvlam_row(case, norms, now, &self.focus) {
                let at = self.waakvlam.insert(id, boards::waakvlam_rank_of(&row));
                changes.waakvlam.push(Edit::Insert(at, row));
            }
            for request in snapshot.requests_of(id) {
                if let Some(row) =
                    boards::mandate_row(snapshot, request, &self.viewer, norms, now, &self.focus)
                {
                    let rank = (request.decide_by, request.number.clone());
                    let at = self.mandate.insert(request.id, rank);
                    self.mandate_of_case.entry(id).or_default().push(request.id);
                    changes.mandate.push(Edit::Insert(at, row));
                }
            }
            self.count(case, index);
            if let Some(counted) = self.counted.get(&id) {
                changes.holders.push(counted.holder.clone());
            }
            if let Some((login, ranked)) = &mut self.drill
                && case.is_open()
                && case.casusregisseur == *login
            {
                let at = ranked.insert(id, boards::cases_of_rank(case, index));
                changes.cases_of.push(Edit::Insert(at, id));
            }
        }
        changes.holders.sort();
        changes.holders.dedup();
        changes
    }

    /// Adds an open case to its holder's counts on the caseload board.
    fn count(&mut self, case: &Case, index: &Index) {
        if !case.is_open() {
            return;
        }
        if case.casusregisseur.is_none() {
            self.unassigned.insert(case.id);
        }
        let only = (self.viewer.role == Role::Casusregisseur).then_some(self.viewer.login.as_str());
        if only.is_some() && case.casusregisseur.as_deref() != only {
            return;
        }
        let focused = self.focus.includes(case);
        // Unassigned referrals outside the focus are someone else's work.
        if case.casusregisseur.is_none() && !focused {
            return;
        }
        let signals = if focused {
            boards::signal_counts(case, index)
        } else {
            [0; boards::SIGNAL_COUNTS]
        };
        let held = self.held.entry(case.casusregisseur.clone()).or_default();
        held.cases.insert(case.id);
        held.focused += u32::from(focused);
        for (sum, n) in held.signals.iter_mut().zip(signals) {
            *sum += n;
        }
        self.counted.insert(
            case.id,
            Counted {
                holder: case.casusregisseur.clone(),
                focused,
                signals,
            },
        );
    }

    /// Takes a case's earlier share out of the caseload board.
    fn uncount(&mut self, id: i64) {
        self.unassigned.remove(&id);
        let Some(counted) = self.counted.remove(&id) else {
            return;
        };
        if let Some(held) = self.held.get_mut(&counted.holder) {
            held.cases.remove(&id);
            held.focused -= u32::from(counted.focused);
            for (sum, n) in held.signals.iter_mut().zip(counted.signals) {
                *sum -= n;
            }
            if held.cases.is_empty() {
                self.held.remove(&counted.holder);
            }
        }
    }

    /// Opens (`Some`) or closes the drill-down into one holder's cases.
    pub fn drill(&mut self, snapshot: &Snapshot, index: &Index, login: Option<Option<&str>>) {
        self.drill = login.map(|login| {
            let order = snapshot
                .cases
                .values()
                .filter(|c| c.is_open() && c.casusregisseur.as_deref() == login)
                .map(|c| (boards::cases_of_rank(c, index), c.id))
                .collect();
            (login.map(str::to_string), Ranked::from_unsorted(order))
        });
    }

    /// The stagnation board's rows, in order.
    pub fn stagnation(&self, snapshot: &Snapshot, index: &Index) -> Vec<StagnationRow> {
        self.stagnation
            .keys()
            .filter_map(|id| snapshot.cases.get(id))
            .filter_map(|c| boards::stagnation_row(c, index, &self.focus))
            .collect()
    }

    pub fn doorzettingsmacht(
        &self,
        snapshot: &Snapshot,
        index: &Index,
    ) -> Vec<DoorzettingsmachtRow> {
        self.doorzettingsmacht
            .keys()
            .filter_map(|id| snapshot.cases.get(id))
            .filter_map(|c| boards::doorzettingsmacht_row(c, index, &self.focus))
            .collect()
    }

    pub fn mandate(
        &self,
        snapshot: &Snapshot,
        norms: &Norms,
        now: DateTime<Utc>,
    ) -> Vec<MandateRow> {
        self.mandate
            .keys()
            .filter_map(|id| snapshot.requests.get(id))
            .filter_map(|r| boards::mandate_row(snapshot, r, &self.viewer, norms, now, &self.focus))
            .collect()
    }

    /// The waakvlam board's rows, in order.
    pub fn waakvlam(
        &self,
        snapshot: &Snapshot,
        norms: &Norms,
        now: DateTime<Utc>,
    ) -> Vec<WaakvlamRow> {
        self.waakvlam
            .keys()
            .filter_map(|id| snapshot.cases.get(id))
            .filter_map(|c| boards::waakvlam_row(c, norms, now, &self.focus))
            .collect()
    }

    /// Follow-ups on the waakvlam board that are overdue or due soon.
    pub fn waakvlam_urgent(&self) -> usize {
        self.waakvlam
            .order
            .partition_point(|((urgency, _, _), _)| *urgency != boards::WaakvlamUrgency::Later)
    }

    /// The drill-down's cases, in order (empty when none is open).
    pub fn cases_of<'a>(&self, snapshot: &'a Snapshot) -> Vec<&'a Case> {
        self.drill
            .iter()
            .flat_map(|(_, ranked)| ranked.keys())
            .filter_map(|id| snapshot.cases.get(id))
            .collect()
    }

    /// Open referrals nobody holds yet, whatever the focus.
    pub fn unassigned_open(&self) -> usize {
        self.unassigned.len()
    }

    /// The caseload board (see [`boards::caseload`]), from the counts kept
    /// per holder: a row per person, not a pass over the cases.
    pub fn caseload(&self, snapshot: &Snapshot) -> Vec<CaseloadRow> {
        let mut rows: BTreeMap<Option<Login>, CaseloadRow> = BTreeMap::new();
        for person in self.listed(snapshot) {
            rows.insert(
                Some(person.login.clone()),
                self.person_row(person, self.held.get(&Some(person.login.clone()))),
            );
        }
        for (holder, held) in &self.held {
            if !rows.contains_key(holder)
                && let Some(row) = self.holder_row(snapshot, holder, held)
            {
                rows.insert(holder.clone(), row);
            }
        }
        let mut rows: Vec<CaseloadRow> = rows.into_values().filter(|r| self.shown(r)).collect();
        rows.sort_by(caseload_order);
        rows
    }
}

impl Live {
    /// The people listed on the caseload board whether they hold cases or
    /// not: active, with a capacity (a casusregisseur sees only themself).
    fn listed<'a>(&'a self, snapshot: &'a Snapshot) -> impl Iterator<Item = &'a Person> {
        snapshot.people.values().filter(|p| self.is_listed(p))
    }

    fn is_listed(&self, person: &Person) -> bool {
        person.active
            && person.capacity.is_some()
            && (self.viewer.role != Role::Casusregisseur || person.login == self.viewer.login)
    }

    fn person_row(&self, person: &Person, held: Option<&Held>) -> CaseloadRow {
        let mut row = CaseloadRow::of_person(person);
        if let Some(held) = held {
            row.open = held.cases.len() as u32;
            row.add_signals(held.signals, 1);
        }
        row
    }

    /// The row of someone not listed who holds cases (or of the
    /// unassigned referrals): named after them, with the organisation of
    /// their first case.
    fn holder_row(
        &self,
        snapshot: &Snapshot,
        holder: &Option<Login>,
        held: &Held,
    ) -> Option<CaseloadRow> {
        let first = held.cases.first()?;
        let mut row = CaseloadRow::empty(
            holder.clone(),
            holder
                .as_deref()
                .map_or_else(|| "niet toegewezen".to_string(), |l| snapshot.name_of(l)),
            snapshot
                .cases
                .get(first)
                .and_then(|c| c.organisation.clone())
                .unwrap_or_default(),
        );
        row.open = held.cases.len() as u32;
        row.add_signals(held.signals, 1);
        Some(row)
    }

    /// Whether a row is on the board: with a focus, who holds cases only
    /// outside it is not.
    fn shown(&self, row: &CaseloadRow) -> bool {
        row.open == 0 || self.held.get(&row.login).is_some_and(|h| h.focused > 0)
    }

    /// One holder's row on the caseload board as it is now (`None`: not
    /// on the board).
    pub fn caseload_row(&self, snapshot: &Snapshot, holder: &Option<Login>) -> Option<CaseloadRow> {
        let held = self.held.get(holder);
        let row = match holder
            .as_deref()
            .and_then(|login| snapshot.people.get(login))
            .filter(|p| self.is_listed(p))
        {
            Some(person) => self.person_row(person, held),
            None => self.holder_row(snapshot, holder, held?)?,
        };
        self.shown(&row).then_some(row)
    }
}

/// Where a row stands on the doorzettingsmacht board: escalated first,
/// longest escalated first, then by number.
fn dzm_rank(row: &DoorzettingsmachtRow) -> (bool, Option<DateTime<Utc>>, String) {
    (!row.escalated, row.escalated_at, row.number.clone())
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::domain::boards::{
        Delta, caseload, cases_of, doorzettingsmacht, mandate, stagnation, waakvlam,
    };
    use crate::domain::model::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// Applies edits to a list in board order (what a desk does with its rows).
    fn apply_edits<R, T>(list: &mut Vec<T>, edits: Vec<Edit<R>>, mut make: impl FnMut(R) -> T) {
        for edit in edits {
            match edit {
                Edit::Remove(at) => {
                    list.remove(at);
                }
                Edit::Insert(at, row) => list.insert(at, make(row)),
            }
        }
    }

    const NOW: &str = "2026-11-24T13:30:00Z";
    const HOLDERS: [&str; 5] = ["cr-01", "cr-02", "cr-03", "pr-volw", "gone"];

    fn person(login: &str, role: Role, capacity: Option<u32>) -> Person {
        Person {
            login: login.into(),
            display_name: format!("Naam {login}"),
            role,
            organisation: "org".into(),
            specialism: None,
            capacity,
            active: true,
        }
    }

    fn people() -> Vec<Person> {
        vec![
            person("cr-01", Role::Casusregisseur, Some(3)),
            person("cr-02", Role::Casusregisseur, Some(10)),
            person("cr-03", Role::Casusregisseur, Some(4)),
            person("pr-volw", Role::ProcesregisseurVolwassenen, Some(6)),
            person("pr-jeugd", Role::ProcesregisseurJeugd, None),
            person("pr-dzm", Role::ProcesregisseurDoorzettingsmacht, None),
            person("consulent", Role::Consulent, None),
        ]
    }

    /// Some moment in the weeks before now.
    fn moment(rng: &mut ChaCha8Rng) -> DateTime<Utc> {
        at(NOW) - chrono::Duration::minutes(rng.random_range(0..60 * 24 * 40))
    }

    fn random_case(rng: &mut ChaCha8Rng, id: i64) -> Case {
        let household = Household {
            id,
            pseudonym: format!("H-{id:04}"),
            members: 2,
        };
        let flags = [
            RiskFlag::ChildSafety,
            RiskFlag::DomesticViolence,
            RiskFlag::CareAvoider,
            RiskFlag::Aggression,
            RiskFlag::PressPolitical,
            RiskFlag::Justice,
        ];
        let risk = flags
            .into_iter()
            .filter(|_| rng.random_bool(0.15))
            .collect();
        let domain = if rng.random_bool(0.5) {
            CaseDomain::Jeugd
        } else {
            CaseDomain::Volwassenen
        };
        // Numbers not in id order, so the tie-break by number is tested.
        let number = format!("KST-2026-{:04}", rng.random_range(0..10_000) * 100 + id);
        let mut c = Case::referral(
            id,
            number,
            &household,
            domain,
            Source::Cjg,
            risk,
            moment(rng),
        );
        let statuses = [
            CaseStatus::Referred,
            CaseStatus::Assigned,
            CaseStatus::Contacted,
            CaseStatus::Plan,
            CaseStatus::Execution,
            CaseStatus::Closed,
            CaseStatus::Waakvlam,
        ];
        c.status = statuses[rng.random_range(0..statuses.len())];
        if c.status != CaseStatus::Referred && rng.random_bool(0.9) {
            c.casusregisseur = Some(HOLDERS[rng.random_range(0..HOLDERS.len())].into());
            c.organisation = Some(format!("org-{}", rng.random_range(0..3)));
            c.assigned_at = Some(moment(rng));
            c.first_contact_due_at = Some(moment(rng));
            c.first_contact_at = rng.random_bool(0.6).then(|| moment(rng));
            c.plan_at = rng.random_bool(0.4).then(|| moment(rng));
        }
        c.last_activity_at = moment(rng);
        c.stuck_reported = rng.random_bool(0.2);
        c.stuck_reported_at = c.stuck_reported.then(|| moment(rng));
        c.escalated = rng.random_bool(0.15);
        c.escalated_at = c.escalated.then(|| moment(rng));
        c.escalated_by = c.escalated.then(|| "pr-jeugd".into());
        c.taken_over = c.escalated && rng.random_bool(0.5);
        if !c.is_open() {
            c.closed_at = Some(moment(rng));
        }
        if c.status == CaseStatus::Waakvlam {
            // Past, today, soon and later follow-ups.
            let days = rng.random_range(-20..40);
            c.waakvlam_until =
                Some(crate::domain::calendar::local_date(at(NOW)) + chrono::Duration::days(days));
        }
        c.version = rng.random_range(1..100);
        c
    }

    fn random_request(rng: &mut ChaCha8Rng, id: i64, cases: i64) -> Request {
        let filers = ["cr-01", "cr-02", "pr-jeugd", "pr-volw"];
        let statuses = [
            RequestStatus::Pending,
            RequestStatus::Pending,
            RequestStatus::Approved,
            RequestStatus::Rejected,
        ];
        Request {
            id,
            number: format!("AV-2026-{:04}", rng.random_range(0..10_000) * 100 + id),
            case_id: rng.random_range(1..=cases),
            kind: if rng.random_bool(0.5) {
                RequestKind::Jeugdhulp
            } else {
                RequestKind::WmoMaatwerk
            },
            provision: "p".into(),
            motivation: "m".into(),
            in_plan: true,
            filed_by: filers[rng.random_range(0..filers.len())].into(),
            filed_at: moment(rng),
            decide_by: moment(rng) + chrono::Duration::days(rng.random_range(0..40)),
            status: statuses[rng.random_range(0..statuses.len())],
            decided_by: None,
            decided_at: None,
            reason: None,
            version: 1,
            term: Default::default(),
        }
    }

    /// The incremental boards equal a derivation from scratch, and the
    /// edits they reported turn the old rows into the new ones.
    fn check(
        live: &Live,
        mirror: &Mirror,
        snapshot: &Snapshot,
        index: &Index,
        viewer: &Person,
        focus: &Focus,
        step: usize,
    ) {
        let norms = Norms::default();
        let now = at(NOW);
        let expected = stagnation(snapshot, index, focus);
        assert_eq!(live.stagnation(snapshot, index), expected, "step {step}");
        assert_eq!(mirror.stagnation, expected, "step {step}: edits");
        let expected = doorzettingsmacht(snapshot, index, focus);
        assert_eq!(
            live.doorzettingsmacht(snapshot, index),
            expected,
            "step {step}"
        );
        assert_eq!(mirror.doorzettingsmacht, expected, "step {step}: edits");
        let expected = mandate(snapshot, viewer, &norms, now, focus);
        assert_eq!(live.mandate(snapshot, &norms, now), expected, "step {step}");
        assert_eq!(mirror.mandate, expected, "step {step}: edits");
        let expected = waakvlam(snapshot, &norms, now, focus);
        assert_eq!(
            live.waakvlam(snapshot, &norms, now),
            expected,
            "step {step}"
        );
        assert_eq!(mirror.waakvlam, expected, "step {step}: edits");
        assert_eq!(
            live.caseload(snapshot),
            caseload(snapshot, index, viewer, focus),
            "step {step}"
        );
        let rows = caseload(snapshot, index, viewer, focus);
        for holder in HOLDERS
            .iter()
            .map(|h| Some(h.to_string()))
            .chain(snapshot.people.keys().cloned().map(Some))
            .chain([None])
        {
            assert_eq!(
                live.caseload_row(snapshot, &holder).as_ref(),
                rows.iter().find(|r| r.login == holder),
                "step {step}: {holder:?}"
            );
        }
        let ids = |cases: Vec<&Case>| cases.iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(
            ids(live.cases_of(snapshot)),
            ids(cases_of(snapshot, index, Some("cr-02"))),
            "step {step}"
        );
        assert_eq!(
            mirror.cases_of,
            ids(live.cases_of(snapshot)),
            "step {step}: edits"
        );
        let unassigned = snapshot
            .cases
            .values()
            .filter(|c| c.is_open() && c.casusregisseur.is_none())
            .count();
        assert_eq!(live.unassigned_open(), unassigned);
    }

    /// What a desk keeps: the rows, changed only through the edits.
    #[derive(Default)]
    struct Mirror {
        stagnation: Vec<StagnationRow>,
        mandate: Vec<MandateRow>,
        doorzettingsmacht: Vec<DoorzettingsmachtRow>,
        cases_of: Vec<i64>,
        waakvlam: Vec<WaakvlamRow>,
    }

    #[test]
    fn applying_random_deltas_one_by_one_equals_deriving_from_scratch() {
        let norms = Norms::default();
        let now = at(NOW);
        let viewers = [
            person("pr-jeugd", Role::ProcesregisseurJeugd, None),
            person("pr-dzm", Role::ProcesregisseurDoorzettingsmacht, None),
            person("cr-02", Role::Casusregisseur, Some(10)),
        ];
        let focuses = [
            Focus::default(),
            Focus {
                domains: vec![CaseDomain::Volwassenen],
            },
        ];
        for seed in 0..6u64 {
            let viewer = &viewers[seed as usize % viewers.len()];
            let focus = &focuses[seed as usize % focuses.len()];
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let cases = 80;
            let mut snapshot = Snapshot::default();
            let mut next_request = 1;
            let delta = Delta {
                cases: (1..=cases).map(|id| random_case(&mut rng, id)).collect(),
                requests: (0..40)
                    .map(|_| {
                        next_request += 1;
                        random_request(&mut rng, next_request, cases)
                    })
                    .collect(),
                people: people(),
                removed_cases: vec![],
                absences: Default::default(),
                reminders: None,
            };
            let touched = snapshot.apply(delta);
            let mut index = Index::default();
            index.refresh(&snapshot, &touched, &norms, now);
            let mut live = Live::new(&snapshot, &index, viewer, focus, &norms, now);
            live.drill(&snapshot, &index, Some(Some("cr-02")));
            let mut mirror = Mirror {
                stagnation: live.stagnation(&snapshot, &index),
                mandate: live.mandate(&snapshot, &norms, now),
                doorzettingsmacht: live.doorzettingsmacht(&snapshot, &index),
                cases_of: live.cases_of(&snapshot).iter().map(|c| c.id).collect(),
                waakvlam: live.waakvlam(&snapshot, &norms, now),
            };
            check(&live, &mirror, &snapshot, &index, viewer, focus, 0);
            for step in 1..=150 {
                // One to three changed cases, sometimes a removal or a
                // request, as a sync brings them.
                let mut delta = Delta::default();
                for _ in 0..rng.random_range(1..=3) {
                    let id = rng.random_range(1..=cases + 5);
                    match rng.random_range(0..10) {
                        0 => delta.removed_cases.push(id),
                        1..=2 => {
                            next_request += 1;
                            let mut request = random_request(&mut rng, next_request, cases);
                            request.case_id = id.min(cases);
                            delta.requests.push(request);
                        }
                        3 => {
                            // An existing request changes (decided, moved).
                            let existing: Vec<i64> = snapshot.requests.keys().copied().collect();
                            if let Some(&rid) =
                                existing.get(rng.random_range(0..existing.len().max(1)))
                            {
                                let mut request = random_request(&mut rng, rid, cases);
                                request.number = snapshot.requests[&rid].number.clone();
                                delta.requests.push(request);
                            }
                        }
                        _ => delta.cases.push(random_case(&mut rng, id)),
                    }
                }
                let touched = snapshot.apply(delta);
                assert!(!index.refresh(&snapshot, &touched, &norms, now));
                let changes = live.update(&snapshot, &index, &touched, &norms, now);
                apply_edits(&mut mirror.stagnation, changes.stagnation, |r| r);
                apply_edits(&mut mirror.mandate, changes.mandate, |r| r);
                apply_edits(
                    &mut mirror.doorzettingsmacht,
                    changes.doorzettingsmacht,
                    |r| r,
                );
                apply_edits(&mut mirror.cases_of, changes.cases_of, |r| r);
                apply_edits(&mut mirror.waakvlam, changes.waakvlam, |r| r);
                check(&live, &mirror, &snapshot, &index, viewer, focus, step);
            }
        }
    }
}
