//! The demo municipality: a deterministic, seeded Krimpen aan den IJssel.
//!
//! About 11,800 households, of which about 13 % had a case in the past
//! year; 25 casusregisseurs across the moederorganisaties; the three
//! procesregisseurs, a procesmanager, a consulent and an administratief
//! medewerker. A year of history is simulated up to "now", so today's
//! state (late first contacts, unassigned referrals, requests near their
//! deadline, escalations) comes out of the same rules as real life would.
//! All names are fictitious; households are pseudonyms.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::calendar::{DayCounting, local_date};
use crate::domain::model::{
    Case, CaseDomain, CaseEvent, CaseStatus, CloseResult, Decision, EventKind, Household, Person,
    Request, RequestKind, RequestStatus, RiskFlag, Role, Source,
};
use crate::domain::norms::Norms;
use crate::server::http::token_hash;
use crate::server::store::Seed;

/// Krimpen aan den IJssel (seed 000): 11,824 households, 3,341 single.
pub const HOUSEHOLDS: usize = 11_824;
const SINGLE_HOUSEHOLDS: usize = 3_341;
/// About 13 % of households had a case in a year (seed 004's 13-14 %).
const CASES_PER_YEAR: f64 = 0.13 * HOUSEHOLDS as f64;

/// The demo token of a login: `demo-<login>`.
pub fn demo_token(login: &str) -> String {
    format!("demo-{login}")
}

/// The staff of the demo municipality.
pub fn people() -> Vec<Person> {
    let staff = |login: &str, name: &str, role, org: &str, capacity| Person {
        login: login.into(),
        display_name: name.into(),
        role,
        organisation: org.into(),
        specialism: None,
        capacity,
        active: true,
    };
    let mut people = vec![
        staff(
            "pr-jeugd",
            "P. de Vries",
            Role::ProcesregisseurJeugd,
            "gemeente",
            None,
        ),
        // The procesregisseur volwassenen directs a few small cases himself.
        staff(
            "pr-volw",
            "M. Jansen",
            Role::ProcesregisseurVolwassenen,
            "gemeente",
            Some(6),
        ),
        staff(
            "pr-dzm",
            "R. Bos",
            Role::ProcesregisseurDoorzettingsmacht,
            "gemeente",
            Some(8),
        ),
        staff("pm", "L. Visser", Role::Procesmanager, "gemeente", None),
        staff("consulent", "S. Mulder", Role::Consulent, "gemeente", None),
        staff(
            "admin",
            "K. de Boer",
            Role::Administratief,
            "gemeente",
            None,
        ),
    ];
    const CASUSREGISSEURS: [(&str, &str, &str, u32); 25] = [
        ("A. Bakker", "Kwadraad", "opvoeding en gezin", 16),
        ("J. Smit", "MEE", "licht verstandelijke beperking", 14),
        ("E. Meijer", "Kwadraad", "huiselijk geweld", 12),
        ("T. van Dijk", "ContourdeTwern", "jongerenwerk", 15),
        ("N. de Graaf", "Kwadraad", "schulden en armoede", 16),
        ("F. Hendriks", "MEE", "autisme", 14),
        ("I. Peters", "CJG Krimpen", "jeugdgezondheid", 12),
        ("B. Dekker", "ContourdeTwern", "ouderen", 18),
        ("W. Brouwer", "Kwadraad", "ggz", 12),
        ("C. de Wit", "MEE", "licht verstandelijke beperking", 14),
        ("D. Dijkstra", "ContourdeTwern", "mantelzorg", 16),
        ("H. Smits", "Kwadraad", "opvoeding en gezin", 16),
        ("Y. de Lange", "CJG Krimpen", "jonge kinderen", 12),
        ("G. Schouten", "Kwadraad", "verslaving", 12),
        ("O. Vos", "MEE", "autisme", 14),
        ("R. van Leeuwen", "ContourdeTwern", "jongerenwerk", 15),
        ("S. Kok", "Kwadraad", "huiselijk geweld", 12),
        ("L. Jacobs", "CJG Krimpen", "opvoeding en gezin", 14),
        ("M. Willems", "ContourdeTwern", "ouderen", 18),
        ("P. van der Linden", "Kwadraad", "schulden en armoede", 16),
        ("K. Koster", "MEE", "niet-aangeboren hersenletsel", 12),
        ("V. Prins", "CJG Krimpen", "jeugdgezondheid", 12),
        ("J. Post", "Kwadraad", "ggz", 12),
        ("E. Kuipers", "ContourdeTwern", "mantelzorg", 16),
        ("A. Verhoeven", "MEE", "licht verstandelijke beperking", 14),
    ];
    for (i, (name, org, specialism, capacity)) in CASUSREGISSEURS.iter().enumerate() {
        let mut person = staff(
            &format!("cr-{:02}", i + 1),
            name,
            Role::Casusregisseur,
            org,
            Some(*capacity),
        );
        person.specialism = Some((*specialism).into());
        people.push(person);
    }
    people
}

/// Picks from `(item, weight)` pairs.
fn weighted<T: Copy, R: Rng>(rng: &mut R, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for (item, weight) in items {
        if pick < *weight {
            return *item;
        }
        pick -= weight;
    }
    items[items.len() - 1].0
}

/// A moment during office hours (08:30-17:00 local) on `date`.
fn office_time<R: Rng>(rng: &mut R, date: NaiveDate) -> DateTime<Utc> {
    let minutes = rng.random_range(8 * 60 + 30..17 * 60);
    let local =
        date.and_time(NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).expect("valid time"));
    Amsterdam
        .from_local_datetime(&local)
        .earliest()
        .expect("office hours exist on every day")
        .with_timezone(&Utc)
}

const PSEUDONYM_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

fn households<R: Rng>(rng: &mut R) -> Vec<Household> {
    let mut seen = HashSet::new();
    (1..=HOUSEHOLDS as i64)
        .map(|id| {
            let pseudonym = loop {
                let code: String = (0..4)
                    .map(|_| {
                        PSEUDONYM_ALPHABET[rng.random_range(0..PSEUDONYM_ALPHABET.len())] as char
                    })
                    .collect();
                let candidate = format!("H-{code}");
                if seen.insert(candidate.clone()) {
                    break candidate;
                }
            };
            let members = if (id as usize) <= SINGLE_HOUSEHOLDS {
                1
            } else {
                weighted(rng, &[(2, 40), (3, 25), (4, 22), (5, 9), (6, 4)])
            };
            Household {
                id,
                pseudonym,
                members,
            }
        })
        .collect()
}

const JEUGD_SOURCES: &[(Source, u32)] = &[
    (Source::Cjg, 25),
    (Source::Huisarts, 20),
    (Source::School, 15),
    (Source::Consultatiebureau, 8),
    (Source::VeiligThuis, 8),
    (Source::Politie, 6),
    (Source::Jongerenwerk, 5),
    (Source::Justitie, 3),
    (Source::Balie, 6),
    (Source::Zelf, 4),
];

const VOLWASSENEN_SOURCES: &[(Source, u32)] = &[
    (Source::Balie, 30),
    (Source::Huisarts, 25),
    (Source::Politie, 12),
    (Source::VeiligThuis, 8),
    (Source::Zelf, 15),
    (Source::Justitie, 5),
    (Source::Cjg, 5),
];

const JEUGD_PROVISIONS: &[&str] = &[
    "ambulante gezinsbegeleiding",
    "jeugd-GGZ behandeling",
    "dagbehandeling",
    "pleegzorg",
    "logeeropvang",
    "ouderbegeleiding",
    "intensieve ambulante hulp",
];

const WMO_PROVISIONS: &[&str] = &[
    "huishoudelijke ondersteuning",
    "individuele begeleiding",
    "dagbesteding",
    "woningaanpassing",
    "vervoersvoorziening",
    "beschermd wonen",
    "opvang huiselijk geweld",
];

const ACTIVITY_NOTES: &[&str] = &[
    "huisbezoek",
    "telefonisch contact",
    "overleg met school",
    "netwerkberaad",
    "overleg met huisarts",
    "evaluatie van het plan",
    "gesprek met jongere",
];

/// Risk flags for a new case, in rough proportion to the seeds' figures
/// (child safety at risk: 54 of about 620 youth cases).
fn risk_flags<R: Rng>(rng: &mut R, domain: CaseDomain, source: Source) -> Vec<RiskFlag> {
    let mut flags = Vec::new();
    let violence_source = matches!(source, Source::VeiligThuis | Source::Politie);
    if domain == CaseDomain::Jeugd && rng.random_bool(if violence_source { 0.5 } else { 0.07 }) {
        flags.push(RiskFlag::ChildSafety);
    }
    if rng.random_bool(if violence_source { 0.6 } else { 0.04 }) {
        flags.push(RiskFlag::DomesticViolence);
    }
    if domain == CaseDomain::Volwassenen && rng.random_bool(0.08) {
        flags.push(RiskFlag::CareAvoider);
    }
    if rng.random_bool(0.02) {
        flags.push(RiskFlag::Aggression);
    }
    if rng.random_bool(0.01) {
        flags.push(RiskFlag::PressPolitical);
    }
    if source == Source::Justitie || rng.random_bool(0.02) {
        flags.push(RiskFlag::Justice);
    }
    flags.sort();
    flags.dedup();
    flags
}

/// Adds a line to a case's history; every line is a change, so a version.
/// Returns the line, for the fields only some kinds have.
fn record<'h>(
    case: &mut Case,
    history: &'h mut Vec<CaseEvent>,
    at: DateTime<Utc>,
    actor: &str,
    kind: EventKind,
    note: Option<String>,
    request_id: Option<i64>,
) -> &'h mut CaseEvent {
    case.version += 1;
    history.push(CaseEvent {
        request_id,
        ..CaseEvent::new(at, actor, kind, note)
    });
    history.last_mut().expect("just pushed")
}

/// Per casusregisseur, the periods they held cases: to balance the load as
/// a procesregisseur would.
struct Loads {
    held: HashMap<String, Vec<Period>>,
}

/// From when to when someone held a case.
type Period = (DateTime<Utc>, DateTime<Utc>);

impl Loads {
    fn at(&self, login: &str, t: DateTime<Utc>) -> usize {
        self.held.get(login).map_or(0, |periods| {
            periods
                .iter()
                .filter(|(from, to)| *from <= t && t < *to)
                .count()
        })
    }
}

/// Builds the whole demo municipality as of `now`.
pub fn build(now: DateTime<Utc>, norms: &Norms) -> Seed {
    let mut rng = ChaCha8Rng::seed_from_u64(2014);
    let people = people();
    let households = households(&mut rng);
    let cal = &norms.calendar;
    let casusregisseurs: Vec<&Person> = people
        .iter()
        .filter(|p| p.role == Role::Casusregisseur)
        .collect();
    let mut loads = Loads {
        held: HashMap::new(),
    };
    let mut open_until: HashMap<i64, DateTime<Utc>> = HashMap::new();
    let mut numbers: HashMap<String, u32> = HashMap::new();
    let mut number = |prefix: &str, at: DateTime<Utc>| {
        let year = local_date(at).year();
        let n = numbers.entry(format!("{prefix}-{year}")).or_default();
        *n += 1;
        format!("{prefix}-{year}-{:04}", *n)
    };

    let mut cases = Vec::new();
    let mut requests = Vec::new();
    let mut events: Vec<(i64, CaseEvent)> = Vec::new();
    let start = local_date(now) - Days::new(365);
    let today = local_date(now);
    let per_working_day = CASES_PER_YEAR / 254.0;

    let mut day = start;
    while day <= today {
        if !cal.is_working_day(day) {
            day = day.succ_opt().expect("date in range");
            continue;
        }
        // Referrals per working day: 0..=2*mean, uniform, deterministic.
        let count = rng.random_range(0..=(2.0 * per_working_day).round() as u32);
        let mut arrivals: Vec<DateTime<Utc>> =
            (0..count).map(|_| office_time(&mut rng, day)).collect();
        arrivals.sort();
        for referred_at in arrivals.into_iter().filter(|t| *t <= now) {
            // A household without an open case at that moment.
            let household = loop {
                let h = &households[rng.random_range(0..households.len())];
                if open_until
                    .get(&h.id)
                    .is_none_or(|until| *until <= referred_at)
                {
                    break h;
                }
            };
            let id = cases.len() as i64 + 1;
            let domain = weighted(
                &mut rng,
                &[(CaseDomain::Jeugd, 60), (CaseDomain::Volwassenen, 40)],
            );
            let sources = match domain {
                CaseDomain::Jeugd => JEUGD_SOURCES,
                CaseDomain::Volwassenen => VOLWASSENEN_SOURCES,
            };
            let source = weighted(&mut rng, sources);
            let risk = risk_flags(&mut rng, domain, source);
            let mut case = Case::referral(
                id,
                number("KST", referred_at),
                household,
                domain,
                source,
                risk,
                referred_at,
            );
            let mut history = vec![CaseEvent::new(
                referred_at,
                "admin",
                EventKind::Referred,
                Some(source.to_string()),
            )];
            let referral_day = local_date(referred_at);
            let lead = |rng: &mut ChaCha8Rng, weights: &[(u32, u32)]| weighted(rng, weights);

            // Some referrals turn out to need no case at all.
            if rng.random_bool(0.05) {
                let at = office_time(
                    &mut rng,
                    cal.nth_day_after(referral_day, 1, DayCounting::WorkingDays),
                );
                if at <= now {
                    case.status = CaseStatus::Closed;
                    case.closed_at = Some(at);
                    case.close_result = Some(CloseResult::NoCaseNeeded);
                    record(
                        &mut case,
                        &mut history,
                        at,
                        "pr-jeugd",
                        EventKind::Closed,
                        Some("no_case_needed".into()),
                        None,
                    );
                }
                open_until.insert(
                    household.id,
                    case.closed_at.unwrap_or(DateTime::<Utc>::MAX_UTC),
                );
                events.extend(history.into_iter().map(|e| (id, e)));
                cases.push(case);
                continue;
            }

            // Assignment: mostly the same or next working day; sometimes a
            // referral waits.
            let assign_day = cal.nth_day_after(
                referral_day,
                lead(
                    &mut rng,
                    &[(0, 40), (1, 35), (2, 12), (3, 7), (5, 4), (8, 2)],
                ),
                DayCounting::WorkingDays,
            );
            let assigned_at = office_time(&mut rng, assign_day).max(referred_at);
            let procesregisseur = match domain {
                CaseDomain::Jeugd => "pr-jeugd",
                CaseDomain::Volwassenen => "pr-volw",
            };
            // Three candidates, the least loaded relative to capacity wins.
            let holder: &Person = if domain == CaseDomain::Volwassenen
                && case.risk_flags.is_empty()
                && rng.random_bool(0.03)
            {
                people
                    .iter()
                    .find(|p| p.login == "pr-volw")
                    .expect("pr-volw exists")
            } else {
                (0..3)
                    .map(|_| casusregisseurs[rng.random_range(0..casusregisseurs.len())])
                    .min_by_key(|p| {
                        loads.at(&p.login, assigned_at) * 100
                            / p.capacity.unwrap_or(1).max(1) as usize
                    })
                    .expect("three candidates")
            };
            // First contact: about 80 % within the norm (seed 004's target).
            let contact_day = cal.nth_day_after(
                assign_day,
                lead(
                    &mut rng,
                    &[(0, 18), (1, 37), (2, 25), (3, 10), (4, 5), (6, 3), (9, 2)],
                ),
                DayCounting::WorkingDays,
            );
            // Execution length decides when the case closes.
            let plan_day = cal.nth_day_after(
                contact_day,
                rng.random_range(3..16),
                DayCounting::WorkingDays,
            );
            let close_day = plan_day + Days::new(rng.random_range(20..130));
            let closed_at = office_time(&mut rng, close_day);
            loads
                .held
                .entry(holder.login.clone())
                .or_default()
                .push((assigned_at, closed_at));
            open_until.insert(household.id, closed_at);

            if assigned_at > now {
                events.extend(history.into_iter().map(|e| (id, e)));
                cases.push(case);
                continue;
            }
            case.status = CaseStatus::Assigned;
            case.casusregisseur = Some(holder.login.clone());
            case.organisation = Some(holder.organisation.clone());
            case.assigned_at = Some(assigned_at);
            case.first_contact_due_at = Some(norms.first_contact_due(assigned_at));
            case.last_activity_at = assigned_at;
            record(
                &mut case,
                &mut history,
                assigned_at,
                procesregisseur,
                EventKind::Assigned,
                None,
                None,
            )
            .to = Some(holder.login.clone());

            let contact_at = office_time(&mut rng, contact_day).max(assigned_at);
            if contact_at <= now {
                case.status = CaseStatus::Contacted;
                case.first_contact_at = Some(contact_at);
                case.last_activity_at = contact_at;
                record(
                    &mut case,
                    &mut history,
                    contact_at,
                    &holder.login,
                    EventKind::FirstContact,
                    None,
                    None,
                );
            }
            let plan_at = office_time(&mut rng, plan_day);
            // A few cases never get their plan in time.
            let plan_stalls = rng.random_bool(0.04);
            if plan_at <= now && case.first_contact_at.is_some() && !plan_stalls {
                case.status = CaseStatus::Plan;
                case.plan_at = Some(plan_at);
                case.last_activity_at = plan_at;
                record(
                    &mut case,
                    &mut history,
                    plan_at,
                    &holder.login,
                    EventKind::Plan,
                    Some("gezinsplan vastgesteld".into()),
                    None,
                );
            }

            // Execution: activity every one to three weeks; some cases go quiet.
            let goes_quiet = rng.random_bool(0.08);
            if case.plan_at.is_some() {
                let mut t = plan_at;
                loop {
                    t += chrono::Duration::days(rng.random_range(5..22));
                    if t > now
                        || t >= closed_at
                        || (goes_quiet && t > now - chrono::Duration::days(40))
                    {
                        break;
                    }
                    case.status = CaseStatus::Execution;
                    case.last_activity_at = t;
                    let note = ACTIVITY_NOTES[rng.random_range(0..ACTIVITY_NOTES.len())];
                    record(
                        &mut case,
                        &mut history,
                        t,
                        &holder.login,
                        EventKind::Activity,
                        Some(note.into()),
                        None,
                    );
                }
            }

            // About four in ten plans include a request for specialist care.
            if case.plan_at.is_some() && rng.random_bool(0.4) {
                let filed_at = plan_at + chrono::Duration::hours(rng.random_range(2..200));
                if filed_at <= now && filed_at < closed_at {
                    let kind = match domain {
                        CaseDomain::Jeugd => RequestKind::Jeugdhulp,
                        CaseDomain::Volwassenen => RequestKind::WmoMaatwerk,
                    };
                    let provisions = match kind {
                        RequestKind::Jeugdhulp => JEUGD_PROVISIONS,
                        RequestKind::WmoMaatwerk => WMO_PROVISIONS,
                    };
                    let provision = provisions[rng.random_range(0..provisions.len())];
                    let decide_by = norms.decide_by(kind, filed_at);
                    let term_days = (decide_by - filed_at).num_days().max(1);
                    // Most decisions well in time, some late.
                    let decision_days = if rng.random_bool(0.1) {
                        term_days + rng.random_range(1..10)
                    } else {
                        rng.random_range(1..=term_days)
                    };
                    let decided_at = filed_at + chrono::Duration::days(decision_days);
                    let request_id = requests.len() as i64 + 1;
                    let decider = match kind {
                        RequestKind::Jeugdhulp => {
                            if rng.random_bool(0.1) {
                                "pr-dzm"
                            } else {
                                "pr-jeugd"
                            }
                        }
                        RequestKind::WmoMaatwerk => {
                            if holder.login != "pr-volw" && rng.random_bool(0.4) {
                                "pr-volw"
                            } else {
                                "consulent"
                            }
                        }
                    };
                    let mut request = Request {
                        id: request_id,
                        number: number("AV", filed_at),
                        case_id: id,
                        kind,
                        provision: provision.into(),
                        motivation: format!(
                            "Inzet van {provision} is nodig om de doelen van het gezinsplan te halen; voorliggende voorzieningen zijn benut."
                        ),
                        in_plan: rng.random_bool(0.95),
                        filed_by: holder.login.clone(),
                        filed_at,
                        decide_by,
                        status: RequestStatus::Pending,
                        decided_by: None,
                        decided_at: None,
                        reason: None,
                        version: 1,
                    };
                    record(
                        &mut case,
                        &mut history,
                        filed_at,
                        &holder.login,
                        EventKind::RequestFiled,
                        Some(provision.into()),
                        Some(request_id),
                    );
                    case.status = CaseStatus::Execution;
                    case.last_activity_at = case.last_activity_at.max(filed_at);
                    if decided_at <= now {
                        let approve = request.in_plan && rng.random_bool(0.85);
                        request.status = if approve {
                            RequestStatus::Approved
                        } else {
                            RequestStatus::Rejected
                        };
                        request.decided_by = Some(decider.into());
                        request.decided_at = Some(decided_at);
                        request.reason =
                            (!approve).then(|| "voorliggende voorziening volstaat".to_string());
                        request.version = 2;
                        record(
                            &mut case,
                            &mut history,
                            decided_at,
                            decider,
                            EventKind::RequestDecided,
                            request.reason.clone(),
                            Some(request_id),
                        )
                        .decision = Some(if approve {
                            Decision::Approve
                        } else {
                            Decision::Reject
                        });
                    }
                    requests.push(request);
                }
            }

            // Today's worries among the open cases: stuck, escalated.
            let still_open = closed_at > now;
            if still_open && case.first_contact_at.is_some() && rng.random_bool(0.05) {
                let at = (now - chrono::Duration::days(rng.random_range(1..15)))
                    .max(case.last_activity_at);
                case.stuck_reported = true;
                case.stuck_reported_at = Some(at);
                // The report is the casusregisseur's own record: activity.
                case.last_activity_at = at;
                record(
                    &mut case,
                    &mut history,
                    at,
                    &holder.login,
                    EventKind::Stuck,
                    Some("gezin houdt de deur dicht".into()),
                    None,
                );
            }
            if still_open && case.is_high_risk() && rng.random_bool(0.3) {
                let at = (now - chrono::Duration::days(rng.random_range(1..30))).max(assigned_at);
                case.escalated = true;
                case.escalated_at = Some(at);
                case.escalated_by = Some(procesregisseur.into());
                case.escalation_reason = Some("hoog risico, partijen oneens over de aanpak".into());
                let reason = case.escalation_reason.clone();
                record(
                    &mut case,
                    &mut history,
                    at,
                    procesregisseur,
                    EventKind::Escalated,
                    reason,
                    None,
                );
                if rng.random_bool(0.25) {
                    let later = (at + chrono::Duration::hours(rng.random_range(2..72))).min(now);
                    let from = case.casusregisseur.clone();
                    case.taken_over = true;
                    case.casusregisseur = Some("pr-dzm".into());
                    case.organisation = Some("gemeente".into());
                    case.assigned_at = Some(later);
                    case.stuck_reported = false;
                    case.stuck_reported_at = None;
                    let line = record(
                        &mut case,
                        &mut history,
                        later,
                        "pr-dzm",
                        EventKind::TakenOver,
                        Some("doorzettingsmacht".into()),
                        None,
                    );
                    line.from = from;
                    line.to = Some("pr-dzm".into());
                }
            }

            if !still_open {
                let result = weighted(
                    &mut rng,
                    &[
                        (CloseResult::GoalsMet, 55),
                        (CloseResult::ReferredOn, 20),
                        (CloseResult::Refused, 12),
                        (CloseResult::Moved, 5),
                        (CloseResult::NoCaseNeeded, 8),
                    ],
                );
                // Pending requests are decided before a case closes.
                for r in requests
                    .iter_mut()
                    .filter(|r| r.case_id == id && r.status == RequestStatus::Pending)
                {
                    r.status = RequestStatus::Rejected;
                    r.decided_by = Some("consulent".into());
                    r.decided_at = Some(closed_at);
                    r.reason = Some("zaak gesloten".into());
                    r.version = 2;
                }
                case.closed_at = Some(closed_at);
                case.close_result = Some(result);
                case.stuck_reported = false;
                case.stuck_reported_at = None;
                case.escalated = false;
                case.status = CaseStatus::Closed;
                if result == CloseResult::Refused {
                    case.status = CaseStatus::Waakvlam;
                    case.waakvlam_until =
                        Some(local_date(closed_at) + Days::new(rng.random_range(60..180)));
                }
                let closer = case.casusregisseur.clone().expect("assigned");
                record(
                    &mut case,
                    &mut history,
                    closed_at,
                    &closer,
                    EventKind::Closed,
                    Some(result.to_string()),
                    None,
                );
            }
            history.sort_by_key(|e| e.at);
            events.extend(history.into_iter().map(|e| (id, e)));
            cases.push(case);
        }
        day = day.succ_opt().expect("date in range");
    }

    let tokens = people
        .iter()
        .map(|p| (p.login.clone(), token_hash(&demo_token(&p.login))))
        .collect();
    Seed {
        people,
        tokens,
        households,
        cases,
        requests,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-24T13:30:00Z".parse().unwrap()
    }

    #[test]
    fn the_demo_is_deterministic() {
        let a = build(now(), &Norms::default());
        let b = build(now(), &Norms::default());
        assert_eq!(a.cases, b.cases);
        assert_eq!(a.requests, b.requests);
        assert_eq!(a.households, b.households);
    }

    #[test]
    fn the_demo_is_sized_like_krimpen() {
        let seed = build(now(), &Norms::default());
        assert_eq!(seed.households.len(), HOUSEHOLDS);
        let share = seed.cases.len() as f64 / HOUSEHOLDS as f64;
        assert!(
            (0.10..=0.16).contains(&share),
            "share of households with a case: {share}"
        );
        let casusregisseurs = seed
            .people
            .iter()
            .filter(|p| p.role == Role::Casusregisseur)
            .count();
        assert_eq!(casusregisseurs, 25);
        for login in [
            "pr-jeugd",
            "pr-volw",
            "pr-dzm",
            "pm",
            "consulent",
            "admin",
            "cr-01",
            "cr-25",
        ] {
            assert!(seed.people.iter().any(|p| p.login == login), "{login}");
        }
    }

    #[test]
    fn the_demo_keeps_the_invariants() {
        let seed = build(now(), &Norms::default());
        let mut open_per_household = HashMap::new();
        for case in &seed.cases {
            assert!(case.referred_at <= now());
            if case.is_open() {
                *open_per_household.entry(case.household_id).or_insert(0) += 1;
                assert_eq!(
                    case.status == CaseStatus::Referred,
                    case.casusregisseur.is_none(),
                    "{}",
                    case.number
                );
            }
            assert_eq!(case.closed_at.is_some(), !case.is_open());
        }
        assert!(open_per_household.values().all(|n| *n == 1));
        for (case_id, event) in &seed.events {
            assert!(event.at <= now(), "event in the future on case {case_id}");
        }
        let pseudonyms: HashSet<_> = seed.households.iter().map(|h| &h.pseudonym).collect();
        assert_eq!(pseudonyms.len(), seed.households.len());
        // Nobody decided a request they filed.
        assert!(
            seed.requests
                .iter()
                .all(|r| r.decided_by.as_ref() != Some(&r.filed_by))
        );
    }

    #[test]
    fn today_has_something_to_worry_about() {
        let norms = Norms::default();
        let seed = build(now(), &norms);
        let open: Vec<_> = seed.cases.iter().filter(|c| c.is_open()).collect();
        assert!(
            (250..=550).contains(&open.len()),
            "open cases: {}",
            open.len()
        );
        let stagnant: Vec<_> = open
            .iter()
            .flat_map(|c| {
                let requests: Vec<_> = seed
                    .requests
                    .iter()
                    .filter(|r| r.case_id == c.id)
                    .cloned()
                    .collect();
                norms.stagnation(c, &requests, now())
            })
            .map(|s| s.kind)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        assert!(
            stagnant.len() >= 5,
            "faces of stagnation present: {stagnant:?}"
        );
        assert!(open.iter().any(|c| c.escalated && c.is_high_risk()));
        assert!(
            seed.requests
                .iter()
                .any(|r| r.status == RequestStatus::Pending)
        );
        assert!(seed.cases.iter().any(|c| c.status == CaseStatus::Waakvlam));
    }
}
