//! The demo municipality: a deterministic, seeded Krimpen aan den IJssel.
//!
//! About 11,800 households, of which about 13 % had a case in the past
//! year; 25 casusregisseurs across the moederorganisaties; the three
//! procesregisseurs, a procesmanager, a consulent and an administratief
//! medewerker: the logins of the demo desk. Next to them a few
//! [`COLLEAGUES`] (a second procesregisseur jeugd and volwassenen, consulent
//! and administratief medewerker), whom the simulator plays, so that the
//! user at the desk never finds their own name on something they did not
//! do. A year of history is simulated up to "now", so today's state (late
//! first contacts, unassigned referrals, requests near their deadline,
//! escalations) comes out of the same rules as real life would. Staff act
//! in office hours on working days; most casusregisseurs carry 70 to 100 %
//! of their capacity and a few carry more.
//! All names are fictitious; households are pseudonyms.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Amsterdam;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::calendar::{Calendar, DayCounting, OFFICE_HOURS, local_date, start_of_day};
use crate::domain::lifecycle;
use crate::domain::model::{
    Case, CaseDomain, CaseEvent, CaseStatus, CloseResult, Decision, EventKind, FollowUpResult,
    Household, Person, Request, RequestKind, RequestStatus, RiskFlag, Role, Source,
};
use crate::domain::norms::Norms;
use crate::server::http::token_hash;
use crate::server::store::Seed;

/// Krimpen aan den IJssel (seed 000): 11,824 households, 3,341 single.
pub const HOUSEHOLDS: usize = 11_824;
const SINGLE_HOUSEHOLDS: usize = 3_341;
/// About 13 % of households had a case in a year (seed 004's 13-14 %).
const CASES_PER_YEAR: f64 = 0.13 * HOUSEHOLDS as f64;

/// The colleagues the simulator plays. They have demo tokens (the
/// simulator works through the API like anyone else) but are not offered
/// as logins of the demo desk.
pub const COLLEAGUES: [&str; 4] = ["pr-jeugd-2", "pr-volw-2", "consulent-2", "admin-2"];

/// Casusregisseurs who carry more than their capacity: their specialism
/// is in demand and the procesregisseurs lean on them.
const STRETCHED: [&str; 3] = ["cr-03", "cr-09", "cr-20"];
/// How far beyond their capacity the procesregisseurs load them.
const STRETCH: f64 = 1.6;

/// The casusregisseurs of one district: name, organisation, specialism and
/// capacity (maximum open cases) as agreed with each moederorganisatie.
const CASUSREGISSEURS: [(&str, &str, &str, u32); 25] = [
    ("A. Bakker", "Kwadraad", "opvoeding en gezin", 16),
    ("J. Smit", "MEE", "licht verstandelijke beperking", 14),
    ("E. Meijer", "Kwadraad", "huiselijk geweld", 14),
    ("T. van Dijk", "ContourdeTwern", "jongerenwerk", 16),
    ("N. de Graaf", "Kwadraad", "schulden en armoede", 18),
    ("F. Hendriks", "MEE", "autisme", 14),
    ("I. Peters", "CJG Krimpen", "jeugdgezondheid", 14),
    ("B. Dekker", "ContourdeTwern", "ouderen", 20),
    ("W. Brouwer", "Kwadraad", "ggz", 12),
    ("C. de Wit", "MEE", "licht verstandelijke beperking", 14),
    ("D. Dijkstra", "ContourdeTwern", "mantelzorg", 18),
    ("H. Smits", "Kwadraad", "opvoeding en gezin", 16),
    ("Y. de Lange", "CJG Krimpen", "jonge kinderen", 14),
    ("G. Schouten", "Kwadraad", "verslaving", 14),
    ("O. Vos", "MEE", "autisme", 14),
    ("R. van Leeuwen", "ContourdeTwern", "jongerenwerk", 16),
    ("S. Kok", "Kwadraad", "huiselijk geweld", 14),
    ("L. Jacobs", "CJG Krimpen", "opvoeding en gezin", 16),
    ("M. Willems", "ContourdeTwern", "ouderen", 20),
    ("P. van der Linden", "Kwadraad", "schulden en armoede", 14),
    ("K. Koster", "MEE", "niet-aangeboren hersenletsel", 14),
    ("V. Prins", "CJG Krimpen", "jeugdgezondheid", 14),
    ("J. Post", "Kwadraad", "ggz", 14),
    ("E. Kuipers", "ContourdeTwern", "mantelzorg", 18),
    ("A. Verhoeven", "MEE", "licht verstandelijke beperking", 14),
];

/// Whether a casusregisseur is one of the [`STRETCHED`], in any district:
/// `cr-28` in the second district holds the place of `cr-03`.
fn stretched(login: &str) -> bool {
    login
        .strip_prefix("cr-")
        .and_then(|n| n.parse::<usize>().ok())
        .is_some_and(|n| {
            let place = (n - 1) % CASUSREGISSEURS.len() + 1;
            STRETCHED.contains(&format!("cr-{place:02}").as_str())
        })
}

/// The demo token of a login: `demo-<login>`.
pub fn demo_token(login: &str) -> String {
    format!("demo-{login}")
}

/// The staff of the demo municipality: the demo desk's logins first, then
/// the [`COLLEAGUES`].
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
        staff("fg", "R. Hendriks", Role::Privacy, "gemeente", None),
        staff("consulent", "S. Mulder", Role::Consulent, "gemeente", None),
        staff(
            "admin",
            "K. de Boer",
            Role::Administratief,
            "gemeente",
            None,
        ),
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
    people.extend([
        staff(
            "pr-jeugd-2",
            "N. Timmermans",
            Role::ProcesregisseurJeugd,
            "gemeente",
            None,
        ),
        staff(
            "pr-volw-2",
            "G. Hermans",
            Role::ProcesregisseurVolwassenen,
            "gemeente",
            Some(4),
        ),
        staff(
            "consulent-2",
            "B. van den Berg",
            Role::Consulent,
            "gemeente",
            None,
        ),
        staff(
            "admin-2",
            "W. Sanders",
            Role::Administratief,
            "gemeente",
            None,
        ),
    ]);
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

/// Picks one of `items`.
fn one_of<'t, R: Rng>(rng: &mut R, items: &[&'t str]) -> &'t str {
    items[rng.random_range(0..items.len())]
}

/// The minutes of the day (local) in which the seed has staff act:
/// 08:30-17:00, inside [`OFFICE_HOURS`] with room to spare.
const SEED_DAY: std::ops::Range<u32> = 8 * 60 + 30..17 * 60;

/// `date` at `minutes` past midnight, Europe/Amsterdam.
fn local_moment(date: NaiveDate, minutes: u32) -> DateTime<Utc> {
    let local =
        date.and_time(NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).expect("valid time"));
    Amsterdam
        .from_local_datetime(&local)
        .earliest()
        .expect("office hours exist on every day")
        .with_timezone(&Utc)
}

/// Moments at which staff can act: working days, in office hours.
struct Office<'c> {
    cal: &'c Calendar,
}

impl Office<'_> {
    /// A moment in office hours on `date`, or on the next working day.
    fn on<R: Rng>(&self, rng: &mut R, date: NaiveDate) -> DateTime<Utc> {
        local_moment(
            self.cal.on_or_next_working_day(date),
            rng.random_range(SEED_DAY),
        )
    }

    /// `t` when the office is open then, else a moment on the next day it is.
    fn from<R: Rng>(&self, rng: &mut R, t: DateTime<Utc>) -> DateTime<Utc> {
        if self.cal.is_office_hours(t) {
            return t;
        }
        let local = t.with_timezone(&Amsterdam);
        let date = local.date_naive();
        let day = if self.cal.is_working_day(date) && local.hour() < OFFICE_HOURS.start {
            date
        } else {
            self.cal.nth_day_after(date, 1, DayCounting::WorkingDays)
        };
        self.on(rng, day)
    }

    /// `t` when the office is open then, else a moment in the last hour
    /// the office was open before it.
    fn until<R: Rng>(&self, rng: &mut R, t: DateTime<Utc>) -> DateTime<Utc> {
        if self.cal.is_office_hours(t) {
            return t;
        }
        let local = t.with_timezone(&Amsterdam);
        let date = local.date_naive();
        let mut day = if self.cal.is_working_day(date) && local.hour() >= OFFICE_HOURS.end {
            date
        } else {
            date.pred_opt().expect("date in range")
        };
        while !self.cal.is_working_day(day) {
            day = day.pred_opt().expect("date in range");
        }
        local_moment(day, rng.random_range(16 * 60..17 * 60))
    }
}

const PSEUDONYM_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// The households of district `district`, ids after those of the districts
/// before it. Pseudonyms are four random letters or digits; from the second
/// district on they start with the district's own code, so they are unique
/// across districts without one district waiting for another.
fn households<R: Rng>(rng: &mut R, district: u32) -> Vec<Household> {
    let first = i64::from(district) * HOUSEHOLDS as i64;
    let mut prefix = String::new();
    let mut rest = district;
    while rest > 0 {
        prefix.insert(0, PSEUDONYM_ALPHABET[(rest % 32) as usize] as char);
        rest /= 32;
    }
    let mut seen = HashSet::new();
    (1..=HOUSEHOLDS as i64)
        .map(|local| {
            let id = first + local;
            let pseudonym = loop {
                let code: String = (0..4)
                    .map(|_| {
                        PSEUDONYM_ALPHABET[rng.random_range(0..PSEUDONYM_ALPHABET.len())] as char
                    })
                    .collect();
                let candidate = format!("H-{prefix}{code}");
                if seen.insert(candidate.clone()) {
                    break candidate;
                }
            };
            let members = if (local as usize) <= SINGLE_HOUSEHOLDS {
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

/// What a casusregisseur writes down after working on a case.
pub(crate) const ACTIVITY_NOTES: &[&str] = &[
    "huisbezoek",
    "telefonisch contact",
    "netwerkberaad",
    "overleg met huisarts",
    "evaluatie van het plan",
    "overleg met de aanbieder",
];

/// Activity that only fits a youth case.
const JEUGD_ACTIVITY_NOTES: &[&str] = &[
    "overleg met school",
    "gesprek met jongere",
    "overleg met jeugdarts",
];

/// Why a casusregisseur reports a case stuck.
pub(crate) const STUCK_NOTES: &[&str] = &[
    "gezin houdt de deur dicht",
    "ouders zeggen afspraken steeds af",
    "geen passende plek bij de aanbieder",
    "partijen komen niet tot overeenstemming",
    "netwerk haakt af, plan loopt niet",
    "cliënt weigert verdere hulp",
];

/// Why a procesregisseur escalates to the doorzettingsmacht, by the risk
/// the case carries; `None` fits any case.
const ESCALATION_REASONS: &[(Option<RiskFlag>, &str)] = &[
    (
        Some(RiskFlag::ChildSafety),
        "veiligheid kinderen niet geborgd",
    ),
    (
        Some(RiskFlag::ChildSafety),
        "ouders werken niet mee aan het veiligheidsplan",
    ),
    (
        Some(RiskFlag::DomesticViolence),
        "huiselijk geweld houdt aan ondanks het veiligheidsplan",
    ),
    (
        Some(RiskFlag::DomesticViolence),
        "Veilig Thuis en wijkteam oneens over de aanpak",
    ),
    (
        Some(RiskFlag::Aggression),
        "agressie tegen hulpverlener, huisbezoek alleen met z'n tweeën",
    ),
    (
        Some(RiskFlag::CareAvoider),
        "zorgmijdend gezin, geen contact na drie pogingen",
    ),
    (
        Some(RiskFlag::Justice),
        "reclassering en wijkteam werken langs elkaar heen",
    ),
    (
        Some(RiskFlag::PressPolitical),
        "vragen van pers en raad, regie moet strak",
    ),
    (None, "partijen oneens over de aanpak"),
    (
        None,
        "wachtlijst specialistische jeugdhulp, situatie verslechtert",
    ),
    (None, "aanbieder weigert het gezin op te nemen"),
    (None, "gezin weigert hulp terwijl de risico's groot zijn"),
];

/// A plausible reason to escalate a case of `domain` with these risk flags.
pub(crate) fn escalation_reason<R: Rng>(
    rng: &mut R,
    domain: CaseDomain,
    flags: &[RiskFlag],
) -> &'static str {
    let fitting: Vec<&str> = ESCALATION_REASONS
        .iter()
        .filter(|(flag, reason)| {
            flag.is_none_or(|f| flags.contains(&f))
                // A waiting list for youth care holds up youth cases only.
                && (domain == CaseDomain::Jeugd || !reason.contains("jeugdhulp"))
        })
        .map(|(_, reason)| *reason)
        .collect();
    one_of(rng, &fitting)
}

/// Why the doorzettingsmacht regisseur ends an escalation.
const DEESCALATION_REASONS: &[&str] = &[
    "afspraken gemaakt met gezin en aanbieder",
    "veiligheidsplan staat, casusregisseur kan verder",
    "plek bij de aanbieder geregeld",
    "partijen eens over de aanpak",
];

/// Why a procesregisseur hands a case to someone else.
const REASSIGNMENT_REASONS: &[&str] = &[
    "ziekte casusregisseur",
    "specialisme past beter bij de vraag",
    "werkvoorraad verdeeld",
    "zwangerschapsverlof casusregisseur",
    "gezin vraagt om een andere casusregisseur",
];

/// Why a request is rejected.
const REJECTION_REASONS: &[&str] = &[
    "voorliggende voorziening volstaat",
    "eigen kracht en netwerk zijn nog niet benut",
    "niet onderbouwd vanuit het gezinsplan",
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

/// Per person, the periods they held cases.
#[derive(Default)]
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

    fn hold(&mut self, login: &str, from: DateTime<Utc>, to: DateTime<Utc>) {
        self.held
            .entry(login.to_string())
            .or_default()
            .push((from, to));
    }
}

/// Which hands of a case a [`Pick`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Hands {
    /// The first assignment.
    First,
    /// A reassignment on the way.
    Second,
}

/// A procesregisseur choosing who gets a case at `at`, to hold it until
/// `until`. The choices are made after the whole year's timeline is drawn,
/// in time order, so that each one sees the loads of its moment (a case
/// drawn earlier may be assigned later than one drawn after it).
#[derive(Debug, Clone, Copy)]
struct Pick {
    case_id: i64,
    hands: Hands,
    at: DateTime<Utc>,
    until: DateTime<Utc>,
    /// The procesregisseurs volwassenen rather than a casusregisseur.
    small_case: bool,
}

/// How many casusregisseurs a procesregisseur weighs for a new case.
const CANDIDATES: usize = 8;

/// Makes the picks in time order, balancing the load as a procesregisseur
/// would: the least full of a few casusregisseurs, or of everyone when
/// those few are full. `STRETCHED` people are full later.
fn choose_holders<'a>(
    people: &'a [Person],
    mut picks: Vec<Pick>,
    district: u32,
) -> HashMap<(i64, Hands), &'a Person> {
    let mut rng = ChaCha8Rng::seed_from_u64(1995 + u64::from(district));
    let casusregisseurs: Vec<&Person> = people
        .iter()
        .filter(|p| p.role == Role::Casusregisseur)
        .collect();
    // The procesregisseurs volwassenen direct small cases in the first
    // district only; elsewhere a casusregisseur takes them.
    let small: Vec<&Person> = people
        .iter()
        .filter(|p| p.role == Role::ProcesregisseurVolwassenen && district == 0)
        .collect();
    let mut loads = Loads::default();
    let fullness = |loads: &Loads, person: &Person, t| {
        let stretch = if stretched(&person.login) {
            STRETCH
        } else {
            1.0
        };
        let capacity = f64::from(person.capacity.unwrap_or(1).max(1));
        loads.at(&person.login, t) as f64 / (capacity * stretch)
    };
    let least_full = |loads: &Loads, among: &[&'a Person], t| -> &'a Person {
        among
            .iter()
            .copied()
            .min_by(|a, b| fullness(loads, a, t).total_cmp(&fullness(loads, b, t)))
            .expect("someone to choose")
    };
    picks.sort_by_key(|p| (p.at, p.case_id, p.hands == Hands::Second));
    let mut holders: HashMap<(i64, Hands), &'a Person> = HashMap::new();
    for pick in picks {
        let not = match pick.hands {
            Hands::First => None,
            Hands::Second => holders.get(&(pick.case_id, Hands::First)).copied(),
        };
        let eligible: Vec<&'a Person> = if pick.small_case && !small.is_empty() {
            small.clone()
        } else {
            casusregisseurs
                .iter()
                .copied()
                .filter(|p| not.is_none_or(|n| n.login != p.login))
                .collect()
        };
        let candidates: Vec<&'a Person> = (0..CANDIDATES)
            .map(|_| eligible[rng.random_range(0..eligible.len())])
            .collect();
        let mut holder = least_full(&loads, &candidates, pick.at);
        if fullness(&loads, holder, pick.at) >= 1.0 {
            holder = least_full(&loads, &eligible, pick.at);
        }
        loads.hold(&holder.login, pick.at, pick.until);
        holders.insert((pick.case_id, pick.hands), holder);
    }
    holders
}

/// The year of history, one referral at a time.
struct Builder<'a> {
    rng: ChaCha8Rng,
    now: DateTime<Utc>,
    norms: &'a Norms,
    office: Office<'a>,
    people: &'a [Person],
    /// Filled while drawing the timeline; see [`Pick`].
    picks: Vec<Pick>,
    /// The outcome of the picks, once made; until then every case goes to
    /// a stand-in, and nothing else depends on who holds a case.
    holders: HashMap<(i64, Hands), &'a Person>,
    numbers: HashMap<String, u32>,
    /// Per household, until when its current case is open.
    open_until: HashMap<i64, DateTime<Utc>>,
    cases: Vec<Case>,
    requests: Vec<Request>,
    events: Vec<(i64, CaseEvent)>,
}

impl<'a> Builder<'a> {
    fn number(&mut self, prefix: &str, at: DateTime<Utc>) -> String {
        let year = local_date(at).year();
        let n = self.numbers.entry(format!("{prefix}-{year}")).or_default();
        *n += 1;
        format!("{prefix}-{year}-{:04}", *n)
    }

    /// Who holds the case from `pick.at`: the outcome of the pick, or a
    /// stand-in while the timeline is being drawn.
    fn holder(&mut self, pick: Pick) -> &'a Person {
        if let Some(person) = self.holders.get(&(pick.case_id, pick.hands)) {
            return person;
        }
        self.picks.push(pick);
        let people: &'a [Person] = self.people;
        people
            .iter()
            .find(|p| p.role == Role::Casusregisseur)
            .expect("a casusregisseur")
    }

    /// Who decides a request of `kind` filed by `filer`: someone with the
    /// mandate, never the filer (four eyes).
    fn decider(&mut self, kind: RequestKind, filer: &str) -> &'static str {
        let holders: &[(&'static str, u32)] = match kind {
            RequestKind::Jeugdhulp => &[("pr-jeugd", 55), ("pr-jeugd-2", 35), ("pr-dzm", 10)],
            RequestKind::WmoMaatwerk => &[
                ("consulent", 35),
                ("consulent-2", 25),
                ("pr-volw", 25),
                ("pr-volw-2", 15),
            ],
        };
        let allowed: Vec<(&'static str, u32)> = holders
            .iter()
            .copied()
            .filter(|(login, _)| *login != filer)
            .collect();
        weighted(&mut self.rng, &allowed)
    }

    /// The case's history in time order, into the seed.
    fn finish(&mut self, mut case: Case, mut history: Vec<CaseEvent>) {
        super::demo_goals::evaluate_demo_case(&mut case, &mut history, self.now, self.norms);
        history.sort_by_key(|e| e.at);
        self.events
            .extend(history.into_iter().map(|e| (case.id, e)));
        self.cases.push(case);
    }

    /// One referral and everything that followed it up to `now`.
    fn referral(&mut self, household: &Household, referred_at: DateTime<Utc>) {
        let now = self.now;
        let cal = self.office.cal;
        let id = self.cases.len() as i64 + 1;
        let domain = weighted(
            &mut self.rng,
            &[(CaseDomain::Jeugd, 60), (CaseDomain::Volwassenen, 40)],
        );
        let sources = match domain {
            CaseDomain::Jeugd => JEUGD_SOURCES,
            CaseDomain::Volwassenen => VOLWASSENEN_SOURCES,
        };
        let source = weighted(&mut self.rng, sources);
        let risk = risk_flags(&mut self.rng, domain, source);
        let number = self.number("KST", referred_at);
        let mut case = Case::referral(id, number, household, domain, source, risk, referred_at);
        let intake = if self.rng.random_bool(0.7) {
            "admin"
        } else {
            "admin-2"
        };
        let mut history = vec![CaseEvent::new(
            referred_at,
            intake,
            EventKind::Referred,
            Some(source.to_string()),
        )];
        // One procesregisseur of the domain directs the case throughout.
        let procesregisseur = match (domain, self.rng.random_bool(0.6)) {
            (CaseDomain::Jeugd, true) => "pr-jeugd",
            (CaseDomain::Jeugd, false) => "pr-jeugd-2",
            (CaseDomain::Volwassenen, true) => "pr-volw",
            (CaseDomain::Volwassenen, false) => "pr-volw-2",
        };
        let referral_day = local_date(referred_at);

        // Some referrals turn out to need no case at all.
        if self.rng.random_bool(0.05) {
            let day = cal.nth_day_after(referral_day, 1, DayCounting::WorkingDays);
            let at = self.office.on(&mut self.rng, day);
            if at <= now {
                case.status = CaseStatus::Closed;
                case.closed_at = Some(at);
                case.close_result = Some(CloseResult::NoCaseNeeded);
                record(
                    &mut case,
                    &mut history,
                    at,
                    procesregisseur,
                    EventKind::Closed,
                    Some(CloseResult::NoCaseNeeded.to_string()),
                    None,
                );
            }
            self.open_until.insert(
                household.id,
                case.closed_at.unwrap_or(DateTime::<Utc>::MAX_UTC),
            );
            self.finish(case, history);
            return;
        }

        // Assignment: mostly the same or next working day; sometimes a
        // referral waits.
        let wait = weighted(
            &mut self.rng,
            &[(0, 40), (1, 35), (2, 12), (3, 7), (5, 4), (8, 2)],
        );
        let assign_day = cal.nth_day_after(referral_day, wait, DayCounting::WorkingDays);
        let assigned_at = self.office.on(&mut self.rng, assign_day).max(referred_at);
        // The procesregisseurs volwassenen direct a few small cases themselves.
        let small_case = domain == CaseDomain::Volwassenen
            && case.risk_flags.is_empty()
            && self.rng.random_bool(0.04);
        // First contact: about 80 % within the norm (seed 004's target).
        let contact_wait = weighted(
            &mut self.rng,
            &[(0, 18), (1, 37), (2, 25), (3, 10), (4, 5), (6, 3), (9, 2)],
        );
        let contact_day = cal.nth_day_after(assign_day, contact_wait, DayCounting::WorkingDays);
        // Execution length decides when the case closes.
        let plan_wait = self.rng.random_range(3..16);
        let plan_day = cal.nth_day_after(contact_day, plan_wait, DayCounting::WorkingDays);
        let close_day = plan_day + Days::new(self.rng.random_range(20..130));
        let closed_at = self.office.on(&mut self.rng, close_day);
        // A few cases change hands on the way (illness, a better fit).
        let handover_day = contact_day + Days::new(self.rng.random_range(3..45));
        let handover = if self.rng.random_bool(0.06) {
            let at = self.office.on(&mut self.rng, handover_day);
            (at < closed_at && at <= now).then_some(at)
        } else {
            None
        };
        let first = self.holder(Pick {
            case_id: id,
            hands: Hands::First,
            at: assigned_at,
            until: handover.unwrap_or(closed_at),
            small_case,
        });
        let second = handover.map(|at| {
            let pick = Pick {
                case_id: id,
                hands: Hands::Second,
                at,
                until: closed_at,
                small_case: false,
            };
            (at, self.holder(pick))
        });
        self.open_until.insert(household.id, closed_at);
        if assigned_at > now {
            self.finish(case, history);
            return;
        }
        let holder_at = move |t: DateTime<Utc>| match second {
            Some((at, to)) if t >= at => to,
            _ => first,
        };

        case.status = CaseStatus::Assigned;
        case.casusregisseur = Some(first.login.clone());
        case.organisation = Some(first.organisation.clone());
        case.assigned_at = Some(assigned_at);
        case.first_contact_due_at = Some(self.norms.first_contact_due(assigned_at));
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
        .to = Some(first.login.clone());

        let contact_at = self.office.on(&mut self.rng, contact_day).max(assigned_at);
        if contact_at <= now {
            case.status = CaseStatus::Contacted;
            case.first_contact_at = Some(contact_at);
            case.last_activity_at = contact_at;
            record(
                &mut case,
                &mut history,
                contact_at,
                &first.login,
                EventKind::FirstContact,
                None,
                None,
            );
        }
        let plan_at = self.office.on(&mut self.rng, plan_day);
        // A few cases never get their plan in time.
        let plan_stalls = self.rng.random_bool(0.04);
        if plan_at <= now && case.first_contact_at.is_some() && !plan_stalls {
            case.status = CaseStatus::Plan;
            case.plan_at = Some(plan_at);
            case.last_activity_at = plan_at;
            record(
                &mut case,
                &mut history,
                plan_at,
                &holder_at(plan_at).login,
                EventKind::Plan,
                Some("gezinsplan vastgesteld".into()),
                None,
            );
        }
        if let Some((at, to)) = second {
            // Changing hands is not activity: `last_activity_at` stays.
            let reason = one_of(&mut self.rng, REASSIGNMENT_REASONS);
            case.casusregisseur = Some(to.login.clone());
            case.organisation = Some(to.organisation.clone());
            case.assigned_at = Some(at);
            let line = record(
                &mut case,
                &mut history,
                at,
                procesregisseur,
                EventKind::Reassigned,
                Some(reason.into()),
                None,
            );
            line.from = Some(first.login.clone());
            line.to = Some(to.login.clone());
        }

        // Execution: activity every one to three weeks; some cases go quiet.
        let goes_quiet = self.rng.random_bool(0.08);
        if case.plan_at.is_some() {
            let mut day = plan_day;
            loop {
                day = cal.on_or_next_working_day(day + Days::new(self.rng.random_range(5..22)));
                let t = self.office.on(&mut self.rng, day);
                if t > now || t >= closed_at || (goes_quiet && t > now - chrono::Duration::days(40))
                {
                    break;
                }
                case.status = CaseStatus::Execution;
                case.last_activity_at = t;
                let note = if domain == CaseDomain::Jeugd && self.rng.random_bool(0.35) {
                    one_of(&mut self.rng, JEUGD_ACTIVITY_NOTES)
                } else {
                    one_of(&mut self.rng, ACTIVITY_NOTES)
                };
                record(
                    &mut case,
                    &mut history,
                    t,
                    &holder_at(t).login,
                    EventKind::Activity,
                    Some(note.into()),
                    None,
                );
            }
        }

        // About four in ten plans include a request for specialist care.
        if case.plan_at.is_some() && self.rng.random_bool(0.4) {
            let after = chrono::Duration::hours(self.rng.random_range(2..200));
            let filed_at = self.office.from(&mut self.rng, plan_at + after);
            if filed_at <= now && filed_at < closed_at {
                let filer = holder_at(filed_at);
                let kind = match domain {
                    CaseDomain::Jeugd => RequestKind::Jeugdhulp,
                    CaseDomain::Volwassenen => RequestKind::WmoMaatwerk,
                };
                let provisions = match kind {
                    RequestKind::Jeugdhulp => JEUGD_PROVISIONS,
                    RequestKind::WmoMaatwerk => WMO_PROVISIONS,
                };
                let provision = one_of(&mut self.rng, provisions);
                let decide_by = self.norms.decide_by(kind, filed_at);
                let term_days = (decide_by - filed_at).num_days().max(1);
                // Most decisions well in time, some late.
                let decision_days = if self.rng.random_bool(0.1) {
                    term_days + self.rng.random_range(1..10)
                } else {
                    self.rng.random_range(1..=term_days)
                };
                let decided_at = self
                    .office
                    .from(
                        &mut self.rng,
                        filed_at + chrono::Duration::days(decision_days),
                    )
                    .min(closed_at);
                let request_id = self.requests.len() as i64 + 1;
                let decider = self.decider(kind, &filer.login);
                let number = self.number("AV", filed_at);
                let mut request = Request {
                    id: request_id,
                    number,
                    case_id: id,
                    kind,
                    provision: provision.into(),
                    motivation: format!(
                        "Inzet van {provision} is nodig om de doelen van het gezinsplan te halen; voorliggende voorzieningen zijn benut."
                    ),
                    in_plan: self.rng.random_bool(0.95),
                    filed_by: filer.login.clone(),
                    filed_at,
                    decide_by,
                    status: RequestStatus::Pending,
                    decided_by: None,
                    decided_at: None,
                    reason: None,
                    version: 1,
                    term: Default::default(),
                };
                record(
                    &mut case,
                    &mut history,
                    filed_at,
                    &filer.login,
                    EventKind::RequestFiled,
                    Some(provision.into()),
                    Some(request_id),
                );
                case.status = CaseStatus::Execution;
                case.last_activity_at = case.last_activity_at.max(filed_at);
                if decided_at <= now {
                    let approve = request.in_plan && self.rng.random_bool(0.85);
                    let (status, decision) = if approve {
                        (RequestStatus::Approved, Decision::Approve)
                    } else {
                        (RequestStatus::Rejected, Decision::Reject)
                    };
                    request.status = status;
                    request.decided_by = Some(decider.into());
                    request.decided_at = Some(decided_at);
                    request.reason =
                        (!approve).then(|| one_of(&mut self.rng, REJECTION_REASONS).to_string());
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
                    .decision = Some(decision);
                }
                self.requests.push(request);
            }
        }

        // Today's worries among the open cases: stuck, escalated.
        let still_open = closed_at > now;
        if still_open && case.first_contact_at.is_some() && self.rng.random_bool(0.05) {
            let back = chrono::Duration::days(self.rng.random_range(1..15));
            let at = self
                .office
                .until(&mut self.rng, now - back)
                .max(case.last_activity_at)
                .max(case.assigned_at.expect("assigned"));
            let holder = case.casusregisseur.clone().expect("assigned");
            case.stuck_reported = true;
            case.stuck_reported_at = Some(at);
            // The report is the casusregisseur's own record: activity.
            case.last_activity_at = at;
            let note = one_of(&mut self.rng, STUCK_NOTES);
            record(
                &mut case,
                &mut history,
                at,
                &holder,
                EventKind::Stuck,
                Some(note.into()),
                None,
            );
        }
        let worrying = case.is_high_risk()
            || (case.stuck_reported && case.risk_flags.contains(&RiskFlag::CareAvoider));
        if still_open && worrying && self.rng.random_bool(0.3) {
            let back = chrono::Duration::days(self.rng.random_range(1..30));
            let at = self
                .office
                .until(&mut self.rng, now - back)
                .max(assigned_at);
            let reason = escalation_reason(&mut self.rng, domain, &case.risk_flags);
            case.escalated = true;
            case.escalated_at = Some(at);
            case.escalated_by = Some(procesregisseur.into());
            case.escalation_reason = Some(reason.into());
            record(
                &mut case,
                &mut history,
                at,
                procesregisseur,
                EventKind::Escalated,
                Some(reason.into()),
                None,
            );
            if self.rng.random_bool(0.15) {
                let after = chrono::Duration::hours(self.rng.random_range(2..72));
                let mut later = self.office.from(&mut self.rng, at + after);
                if later > now {
                    later = self.office.until(&mut self.rng, now);
                }
                // After the last thing anyone did: from here on the
                // doorzettingsmacht regisseur holds the case.
                let last = history.iter().map(|e| e.at).max().expect("referred");
                let later = later.max(last);
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
                    Some("doorzettingsmacht neemt de regie over".into()),
                    None,
                );
                line.from = from;
                line.to = Some("pr-dzm".into());
            }
        }
        // Closed cases that were escalated once, and unblocked again.
        let risky = case.is_high_risk() || case.risk_flags.contains(&RiskFlag::CareAvoider);
        if !still_open && risky && case.first_contact_at.is_some() && self.rng.random_bool(0.2) {
            let escalation_day = contact_day + Days::new(self.rng.random_range(2..25));
            let escalated_at = self.office.on(&mut self.rng, escalation_day);
            let after = chrono::Duration::days(self.rng.random_range(3..20));
            let deescalated_at = self.office.from(&mut self.rng, escalated_at + after);
            if deescalated_at < closed_at {
                let reason = escalation_reason(&mut self.rng, domain, &case.risk_flags);
                case.escalated_at = Some(escalated_at);
                case.escalated_by = Some(procesregisseur.into());
                case.escalation_reason = Some(reason.into());
                record(
                    &mut case,
                    &mut history,
                    escalated_at,
                    procesregisseur,
                    EventKind::Escalated,
                    Some(reason.into()),
                    None,
                );
                let why = one_of(&mut self.rng, DEESCALATION_REASONS);
                record(
                    &mut case,
                    &mut history,
                    deescalated_at,
                    "pr-dzm",
                    EventKind::Deescalated,
                    Some(why.into()),
                    None,
                );
            }
        }

        if !still_open {
            let result = weighted(
                &mut self.rng,
                &[
                    (CloseResult::GoalsMet, 55),
                    (CloseResult::ReferredOn, 20),
                    (CloseResult::Refused, 12),
                    (CloseResult::Moved, 5),
                    (CloseResult::NoCaseNeeded, 8),
                ],
            );
            // Pending requests are decided before a case closes.
            let pending: Vec<usize> = (0..self.requests.len())
                .filter(|&i| {
                    self.requests[i].case_id == id
                        && self.requests[i].status == RequestStatus::Pending
                })
                .collect();
            for i in pending {
                let (kind, filer) = (self.requests[i].kind, self.requests[i].filed_by.clone());
                let decider = self.decider(kind, &filer);
                let r = &mut self.requests[i];
                r.status = RequestStatus::Rejected;
                r.decided_by = Some(decider.into());
                r.decided_at = Some(closed_at);
                r.reason = Some("zaak gesloten".into());
                r.version = 2;
                record(
                    &mut case,
                    &mut history,
                    closed_at,
                    decider,
                    EventKind::RequestDecided,
                    r.reason.clone(),
                    Some(r.id),
                )
                .decision = Some(Decision::Reject);
            }
            case.closed_at = Some(closed_at);
            case.close_result = Some(result);
            case.stuck_reported = false;
            case.stuck_reported_at = None;
            case.escalated = false;
            case.status = CaseStatus::Closed;
            // Kept in view (waakvlam): every household that refused help,
            // and a quarter of those whose goals were met or who were
            // referred on, as a team keeps a pilot light where it worries.
            let kept = match result {
                CloseResult::Refused => true,
                CloseResult::GoalsMet | CloseResult::ReferredOn => self.rng.random_bool(0.25),
                _ => false,
            };
            if kept {
                case.status = CaseStatus::Waakvlam;
                // A follow-up is a working day (no Sunday, no Christmas).
                let day = local_date(closed_at) + Days::new(self.rng.random_range(60..180));
                case.waakvlam_until = Some(self.office.cal.on_or_next_working_day(day));
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
            // Follow-ups whose date lies more than two weeks back were
            // made, around their date: what is overdue on the Waakvlam
            // board is recent, as in a team that keeps its promises.
            if let Some(until) = case.waakvlam_until
                && until + Days::new(14) < local_date(self.now)
            {
                let offset = self.rng.random_range(0..6);
                let made = self
                    .office
                    .on(&mut self.rng, until - Days::new(3) + Days::new(offset));
                case.status = CaseStatus::Closed;
                case.follow_up_at = Some(made);
                case.follow_up_result = Some(FollowUpResult::AllWell);
                record(
                    &mut case,
                    &mut history,
                    made,
                    &closer,
                    EventKind::WaakvlamFollowedUp,
                    None,
                    None,
                );
            }
        }
        self.finish(case, history);
    }
}

/// Builds the whole demo municipality as of `now`.
pub fn build(now: DateTime<Utc>, norms: &Norms) -> Seed {
    build_scaled(now, norms, 1)
}

/// The casusregisseurs of district `district` (0 is the demo's own 25):
/// the same teams and capacities, other names, logins numbered on.
fn district_casusregisseurs(district: u32) -> Vec<Person> {
    const INITIALS: &[u8] = b"ABCDEFGHIJKLMNOPRSTVWY";
    const SURNAMES: [&str; 31] = [
        "de Jong",
        "Janssen",
        "Visser",
        "van den Bosch",
        "Mulder",
        "de Bruijn",
        "van Vliet",
        "Hoekstra",
        "Koning",
        "van der Meer",
        "Bosman",
        "Groen",
        "Vermeulen",
        "Huisman",
        "Kramer",
        "van Wijk",
        "Scholten",
        "Veenstra",
        "Maas",
        "Claassen",
        "Molenaar",
        "Postma",
        "Kuiper",
        "de Haan",
        "Blom",
        "Wouters",
        "Boer",
        "van Beek",
        "Hofman",
        "Evers",
        "Lammers",
    ];
    let offset = district as usize * CASUSREGISSEURS.len();
    CASUSREGISSEURS
        .iter()
        .enumerate()
        .map(|(i, (name, org, specialism, capacity))| {
            let display_name = if district == 0 {
                (*name).to_string()
            } else {
                let initial = INITIALS[(i * 7 + district as usize * 3) % INITIALS.len()] as char;
                let surname = SURNAMES[(i + district as usize * 11) % SURNAMES.len()];
                format!("{initial}. {surname}")
            };
            Person {
                login: format!("cr-{:02}", offset + i + 1),
                display_name,
                role: Role::Casusregisseur,
                organisation: (*org).into(),
                specialism: Some((*specialism).into()),
                capacity: Some(*capacity),
                active: true,
            }
        })
        .collect()
}

/// Builds a municipality `scale` times the demo's size as of `now`: the
/// demo itself as the first district, then `scale - 1` more, each with its
/// own households, its own 25 casusregisseurs (the same teams) and its own
/// year of history, drawn from a seed of its own. The procesregisseurs,
/// the procesmanager and the consulenten serve every district. Case and
/// request ids and numbers run through all districts in time order. The
/// same `scale` gives the same municipality.
pub fn build_scaled(now: DateTime<Utc>, norms: &Norms, scale: u32) -> Seed {
    let scale = scale.max(1);
    let mut everyone = people();
    for district in 1..scale {
        everyone.extend(district_casusregisseurs(district));
    }
    // The districts are independent of each other: drawn side by side.
    let draw_district = |district: u32| -> District {
        let staff: Vec<Person> = if district == 0 {
            people()
        } else {
            people()
                .into_iter()
                .filter(|p| p.role != Role::Casusregisseur)
                .chain(district_casusregisseurs(district))
                .collect()
        };
        // The timeline first, with stand-ins for who holds each case; then
        // the holders, chosen in time order; then the same timeline again,
        // with them.
        let (_, _, _, _, picks) = draw(now, norms, &staff, HashMap::new(), district);
        let holders = choose_holders(&staff, picks, district);
        let (households, cases, requests, events, unpicked) =
            draw(now, norms, &staff, holders, district);
        assert!(
            unpicked.is_empty(),
            "the timeline must not depend on who holds a case"
        );
        (households, cases, requests, events)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
    let mut parts: Vec<District> = Vec::new();
    for first in (0..scale).step_by(threads as usize) {
        let batch = first..(first + threads).min(scale);
        let drawn: Vec<District> = std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .map(|d| scope.spawn(move || draw_district(d)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a district is drawn"))
                .collect()
        });
        parts.extend(drawn);
    }
    let (households, cases, requests, events) = if parts.len() == 1 {
        parts.pop().expect("one district")
    } else {
        merge(parts)
    };
    let (requests, events) = move_terms(requests, events, &cases, &everyone, now, norms);
    let (cases, events) = wmo_research(cases, events, now, norms);
    let tokens = everyone
        .iter()
        .map(|p| (p.login.clone(), token_hash(&demo_token(&p.login))))
        .collect();
    Seed {
        people: everyone,
        tokens,
        households,
        cases,
        requests,
        events,
    }
}

/// The Wmo research term in the demo: every open adults' case referred in
/// the last ten weeks came in as a melding (recorded the working day after
/// the referral); two in three of those melded more than four weeks ago
/// have their onderzoek done four weeks after it, the rest not, so
/// "onderzoek te laat" shows once six weeks pass. Chosen by case number,
/// not drawn, so the rest of the demo stays as it was.
fn wmo_research(
    mut cases: Vec<Case>,
    mut events: Vec<(i64, CaseEvent)>,
    now: DateTime<Utc>,
    norms: &Norms,
) -> (Vec<Case>, Vec<(i64, CaseEvent)>) {
    let today = local_date(now);
    let cal = &norms.calendar;
    let mut added = Vec::new();
    for case in cases.iter_mut() {
        if !case.is_open()
            || case.domain != CaseDomain::Volwassenen
            || case.referred_at < now - chrono::Duration::weeks(10)
        {
            continue;
        }
        let melding_on = cal.on_or_next_working_day(local_date(case.referred_at) + Days::new(1));
        if melding_on >= today {
            continue;
        }
        let who = case
            .casusregisseur
            .clone()
            .unwrap_or_else(|| "consulent".into());
        let ten = |day: NaiveDate| start_of_day(day) + chrono::Duration::hours(10);
        // Recorded by the casusregisseur: once they hold the case, never
        // before their assignment on the same day.
        let recorded = match case.assigned_at {
            Some(assigned) if case.casusregisseur.is_some() => {
                ten(melding_on).max(assigned + chrono::Duration::minutes(30))
            }
            _ => ten(melding_on),
        };
        case.melding_on = Some(melding_on);
        case.version += 1;
        added.push((
            case.id,
            CaseEvent::new(
                recorded,
                &who,
                EventKind::MeldingReceived,
                Some(format!("melding op {}", melding_on.format("%d-%m-%Y"))),
            ),
        ));
        let done_on = cal.on_or_next_working_day(melding_on + Days::new(28));
        if case.id % 3 != 0 && done_on < today {
            case.onderzoek_done_on = Some(done_on);
            case.version += 1;
            added.push((
                case.id,
                CaseEvent::new(
                    ten(done_on),
                    &who,
                    EventKind::OnderzoekDone,
                    Some("keukentafelgesprek gevoerd, verslag verstuurd".into()),
                ),
            ));
        }
    }
    add_to_histories(&mut events, added);
    (cases, events)
}

/// Adds history lines, keeping each case's history together and in time
/// order (the store numbers history lines in the order given).
fn add_to_histories(events: &mut Vec<(i64, CaseEvent)>, added: Vec<(i64, CaseEvent)>) {
    events.extend(added);
    let mut first: HashMap<i64, usize> = HashMap::new();
    for (i, (case_id, _)) in events.iter().enumerate() {
        first.entry(*case_id).or_insert(i);
    }
    events.sort_by_key(|(case_id, e)| (first[case_id], e.at));
}

/// Why the demo's requests were extended (verdaging).
const EXTENSION_REASONS: [&str; 4] = [
    "advies van de jeugdarts is nodig",
    "zorgaanbieder kan pas later een plan leveren",
    "overleg met de gecertificeerde instelling loopt",
    "second opinion gevraagd",
];

/// What the law's clock did to the demo's pending requests, so Mandaat
/// shows every state on its first screen: about one in five suspended
/// (asked a few days ago, two weeks to complete), one in five Jeugd
/// requests extended by four weeks, and half of the late ones with an
/// ingebrekestelling received three days after their term. Chosen by
/// request number, not drawn, so the rest of the demo stays as it was.
/// Some requests whose term passed lately are left undecided for that.
fn move_terms(
    mut requests: Vec<Request>,
    mut events: Vec<(i64, CaseEvent)>,
    cases: &[Case],
    people: &[Person],
    now: DateTime<Utc>,
    norms: &Norms,
) -> (Vec<Request>, Vec<(i64, CaseEvent)>) {
    let today = local_date(now);
    // Every step is taken at 10:00 on a working day before today, so it
    // lies in office hours and in the past whatever the time now.
    let before_today = |day: NaiveDate| day < today && norms.calendar.is_working_day(day);
    let mut two_working_days_ago = today;
    for _ in 0..2 {
        two_working_days_ago = two_working_days_ago.pred_opt().expect("a date");
        while !norms.calendar.is_working_day(two_working_days_ago) {
            two_working_days_ago = two_working_days_ago.pred_opt().expect("a date");
        }
    }
    let open: HashMap<i64, &Case> = cases
        .iter()
        .filter(|c| c.is_open())
        .map(|c| (c.id, c))
        .collect();
    // A third of the requests whose term ended in the last six weeks are
    // still waiting for their decision: niet tijdig.
    let mut undecided = HashSet::new();
    for r in requests.iter_mut() {
        let recent = r.decide_by < now && r.decide_by >= now - chrono::Duration::days(42);
        if r.status != RequestStatus::Pending
            && recent
            && r.id % 3 == 0
            && open.contains_key(&r.case_id)
        {
            r.status = RequestStatus::Pending;
            r.decided_by = None;
            r.decided_at = None;
            r.reason = None;
            r.version = 1;
            undecided.insert(r.id);
        }
    }
    events.retain(|(_, e)| {
        !(e.kind == EventKind::RequestDecided
            && e.request_id.is_some_and(|id| undecided.contains(&id)))
    });
    let person = |login: &str| {
        people
            .iter()
            .find(|p| p.login == login)
            .expect("a demo login")
    };
    let ten = |day: NaiveDate| (start_of_day(day) + chrono::Duration::hours(10)).min(now);
    let mut added = Vec::new();
    for r in requests.iter_mut() {
        let Some(case) = open.get(&r.case_id) else {
            continue;
        };
        if r.status != RequestStatus::Pending {
            continue;
        }
        let who = case
            .casusregisseur
            .clone()
            .unwrap_or_else(|| r.filed_by.clone());
        let term_end = local_date(r.decide_by);
        let filed = local_date(r.filed_at);
        // Each step is the lifecycle's own transition, taken at 10:00 on
        // its day: the demo's terms follow the same rules as the API's.
        let moved = if now > r.decide_by {
            let received_on = norms
                .calendar
                .on_or_next_working_day(term_end + Days::new(3));
            if r.id % 2 != 0 || !before_today(received_on) {
                continue;
            }
            lifecycle::record_default_notice(
                r,
                case,
                person("admin"),
                received_on,
                ten(received_on),
                norms,
            )
        } else {
            match r.id % 5 {
                1 if filed <= two_working_days_ago => {
                    // Asked two working days ago.
                    let asked_on = two_working_days_ago;
                    lifecycle::suspend(
                        r,
                        case,
                        person(&who),
                        Some(asked_on),
                        asked_on + Days::new(14),
                        Some("inkomensgegevens en verslag huisarts"),
                        ten(asked_on),
                        norms,
                    )
                }
                2 if r.kind == RequestKind::Jeugdhulp
                    && before_today(
                        norms.calendar.on_or_next_working_day(filed + Days::new(10)),
                    ) =>
                {
                    let notified_on = norms.calendar.on_or_next_working_day(filed + Days::new(10));
                    lifecycle::extend(
                        r,
                        case,
                        person("pr-jeugd"),
                        4,
                        Some(notified_on),
                        Some(EXTENSION_REASONS[(r.id % 4) as usize]),
                        ten(notified_on),
                        norms,
                    )
                }
                _ => continue,
            }
        };
        let (next, event) = moved.expect("the demo's terms follow the law's rules");
        added.push((r.case_id, event));
        *r = next;
    }
    add_to_histories(&mut events, added);
    (requests, events)
}

/// One district as [`draw`] makes it, without the picks.
type District = (
    Vec<Household>,
    Vec<Case>,
    Vec<Request>,
    Vec<(i64, CaseEvent)>,
);

/// The districts as one municipality: case and request ids and numbers
/// given anew in time order (each district numbered from 1 on its own).
fn merge(parts: Vec<District>) -> District {
    let mut households = Vec::new();
    let mut cases: Vec<(usize, Case)> = Vec::new();
    let mut requests: Vec<(usize, Request)> = Vec::new();
    let mut events: Vec<(usize, i64, CaseEvent)> = Vec::new();
    for (district, (h, c, r, e)) in parts.into_iter().enumerate() {
        households.extend(h);
        cases.extend(c.into_iter().map(|c| (district, c)));
        requests.extend(r.into_iter().map(|r| (district, r)));
        events.extend(e.into_iter().map(|(id, e)| (district, id, e)));
    }
    let renumber = |prefix: &str, at: DateTime<Utc>, counters: &mut HashMap<i32, u32>| {
        let year = local_date(at).year();
        let n = counters.entry(year).or_default();
        *n += 1;
        format!("{prefix}-{year}-{:04}", *n)
    };
    // Local ids run from 1 in each district: new id = map[district][id - 1].
    let mut case_ids: Vec<Vec<i64>> = Vec::new();
    cases.sort_by_key(|(district, c)| (c.referred_at, *district, c.id));
    let mut counters = HashMap::new();
    for (new, (district, case)) in cases.iter_mut().enumerate() {
        if case_ids.len() <= *district {
            case_ids.resize(*district + 1, Vec::new());
        }
        let local = case.id as usize;
        let ids = &mut case_ids[*district];
        if ids.len() < local {
            ids.resize(local, 0);
        }
        ids[local - 1] = new as i64 + 1;
        case.id = new as i64 + 1;
        case.number = renumber("KST", case.referred_at, &mut counters);
    }
    let mut request_ids: Vec<Vec<i64>> = Vec::new();
    requests.sort_by_key(|(district, r)| (r.filed_at, *district, r.id));
    let mut counters = HashMap::new();
    for (new, (district, request)) in requests.iter_mut().enumerate() {
        if request_ids.len() <= *district {
            request_ids.resize(*district + 1, Vec::new());
        }
        let local = request.id as usize;
        let ids = &mut request_ids[*district];
        if ids.len() < local {
            ids.resize(local, 0);
        }
        ids[local - 1] = new as i64 + 1;
        request.id = new as i64 + 1;
        request.case_id = case_ids[*district][request.case_id as usize - 1];
        request.number = renumber("AV", request.filed_at, &mut counters);
    }
    let mut events: Vec<(i64, CaseEvent)> = events
        .into_iter()
        .map(|(district, case_id, mut event)| {
            event.request_id = event
                .request_id
                .map(|id| request_ids[district][id as usize - 1]);
            (case_ids[district][case_id as usize - 1], event)
        })
        .collect();
    // Each case's history stays in its own order.
    events.sort_by_key(|(case_id, _)| *case_id);
    (
        households,
        cases.into_iter().map(|(_, c)| c).collect(),
        requests.into_iter().map(|(_, r)| r).collect(),
        events,
    )
}

/// What [`draw`] makes: households, cases, requests, history, picks.
type Drawn = (
    Vec<Household>,
    Vec<Case>,
    Vec<Request>,
    Vec<(i64, CaseEvent)>,
    Vec<Pick>,
);

/// The year up to `now`, with `holders` for the picks (see [`Pick`]).
fn draw<'a>(
    now: DateTime<Utc>,
    norms: &'a Norms,
    people: &'a [Person],
    holders: HashMap<(i64, Hands), &'a Person>,
    district: u32,
) -> Drawn {
    let mut rng = ChaCha8Rng::seed_from_u64(2014 + 1000 * u64::from(district));
    let households = households(&mut rng, district);
    let cal = &norms.calendar;
    let mut b = Builder {
        rng,
        now,
        norms,
        office: Office { cal },
        people,
        picks: Vec::new(),
        holders,
        numbers: HashMap::new(),
        open_until: HashMap::new(),
        cases: Vec::new(),
        requests: Vec::new(),
        events: Vec::new(),
    };
    let today = local_date(now);
    let per_working_day = CASES_PER_YEAR / 254.0;
    let mut day = today - Days::new(365);
    while day <= today {
        if cal.is_working_day(day) {
            // Referrals per working day: mean +- half, uniform, deterministic.
            let count = b.rng.random_range(
                (0.5 * per_working_day).round() as u32..=(1.5 * per_working_day).round() as u32,
            );
            let mut arrivals: Vec<DateTime<Utc>> =
                (0..count).map(|_| b.office.on(&mut b.rng, day)).collect();
            arrivals.sort();
            for referred_at in arrivals.into_iter().filter(|t| *t <= now) {
                // A household without an open case at that moment.
                let household = loop {
                    let h = &households[b.rng.random_range(0..households.len())];
                    if b.open_until
                        .get(&h.id)
                        .is_none_or(|until| *until <= referred_at)
                    {
                        break h;
                    }
                };
                b.referral(household, referred_at);
            }
        }
        day = day.succ_opt().expect("date in range");
    }
    (households, b.cases, b.requests, b.events, b.picks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-24T13:30:00Z".parse().unwrap()
    }

    /// Issue 21, point 17: what the walk found implausible in the demo.
    #[test]
    fn follow_ups_are_working_days_waakvlam_follows_several_closings_and_meldingen_follow_assignment()
     {
        let norms = Norms::default();
        let seed = build(now(), &norms);
        let kept: Vec<&Case> = seed
            .cases
            .iter()
            .filter(|c| c.waakvlam_until.is_some())
            .collect();
        assert!(kept.len() > 20, "{}", kept.len());
        for c in &kept {
            let day = c.waakvlam_until.unwrap();
            assert!(norms.calendar.is_working_day(day), "{} on {day}", c.number);
        }
        let results: std::collections::BTreeSet<_> =
            kept.iter().filter_map(|c| c.close_result).collect();
        assert!(results.len() >= 3, "waakvlam after {results:?} only");
        let cases: HashMap<i64, &Case> = seed.cases.iter().map(|c| (c.id, c)).collect();
        for (id, e) in seed
            .events
            .iter()
            .filter(|(_, e)| e.kind == EventKind::MeldingReceived)
        {
            let case = cases[id];
            if let (Some(holder), Some(assigned)) = (&case.casusregisseur, case.assigned_at)
                && &e.actor == holder
            {
                assert!(
                    e.at > assigned,
                    "{}: melding before assignment",
                    case.number
                );
            }
        }
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
    fn scale_two_is_twice_the_demo_and_deterministic() {
        let one = build(now(), &Norms::default());
        let two = build_scaled(now(), &Norms::default(), 2);
        assert_eq!(two, build_scaled(now(), &Norms::default(), 2));
        assert_eq!(two.households.len(), 2 * one.households.len());
        let ratio = two.cases.len() as f64 / one.cases.len() as f64;
        assert!((1.9..=2.1).contains(&ratio), "cases: x{ratio}");
        let count = |seed: &Seed, role| seed.people.iter().filter(|p| p.role == role).count();
        assert_eq!(count(&two, Role::Casusregisseur), 50);
        assert_eq!(
            count(&two, Role::ProcesregisseurJeugd),
            count(&one, Role::ProcesregisseurJeugd)
        );
        // Unique where the database says so, ids and numbers in time order.
        let unique = |items: Vec<&str>| items.iter().collect::<HashSet<_>>().len() == items.len();
        assert!(unique(
            two.households
                .iter()
                .map(|h| h.pseudonym.as_str())
                .collect()
        ));
        assert!(unique(
            two.cases.iter().map(|c| c.number.as_str()).collect()
        ));
        assert!(unique(
            two.requests.iter().map(|r| r.number.as_str()).collect()
        ));
        assert!(unique(
            two.people.iter().map(|p| p.login.as_str()).collect()
        ));
        assert!(
            two.cases
                .iter()
                .enumerate()
                .all(|(i, c)| c.id == i as i64 + 1)
        );
        assert!(
            two.cases
                .windows(2)
                .all(|w| w[0].referred_at <= w[1].referred_at)
        );
        // Everything points at what exists, and each district's staff
        // holds that district's cases.
        let cases: HashMap<i64, &Case> = two.cases.iter().map(|c| (c.id, c)).collect();
        let households: HashMap<i64, &Household> =
            two.households.iter().map(|h| (h.id, h)).collect();
        for case in &two.cases {
            assert_eq!(households[&case.household_id].pseudonym, case.pseudonym);
            if let Some(holder) = &case.casusregisseur {
                assert!(two.people.iter().any(|p| &p.login == holder), "{holder}");
            }
        }
        for request in &two.requests {
            assert!(cases.contains_key(&request.case_id));
        }
        assert!(two.events.iter().all(|(id, _)| cases.contains_key(id)));
        assert!(two.events.len() as f64 / one.events.len() as f64 > 1.8);
        // Open cases are spread over both districts' casusregisseurs,
        // within capacity as in the demo.
        let load = crate::domain::stats::load(&two.cases, &two.people);
        let busy = load
            .per_casusregisseur
            .iter()
            .filter(|row| row.casusregisseur.starts_with("cr-") && row.open > 0)
            .count();
        assert_eq!(busy, 50);
        // The first district is the demo itself.
        assert_eq!(two.households[..HOUSEHOLDS], one.households[..]);
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

    /// The demo is built as of whenever it starts; these properties must
    /// hold on any day, so they are checked on several, at all hours.
    const MOMENTS: [&str; 8] = [
        "2026-11-24T13:30:00Z", // a Tuesday afternoon (the screenshots)
        "2026-01-12T09:00:00Z",
        "2026-03-15T03:00:00Z", // Sunday night
        "2026-05-20T12:00:00Z",
        "2026-08-17T11:00:00Z",
        "2026-12-25T21:00:00Z", // Christmas evening
        "2027-02-02T20:00:00Z", // Tuesday evening
        "2027-06-01T05:30:00Z", // Tuesday before office hours
    ];

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn most_casusregisseurs_carry_70_to_100_percent_and_a_few_more() {
        for moment in MOMENTS {
            let seed = build(at(moment), &Norms::default());
            let load = crate::domain::stats::load(&seed.cases, &seed.people);
            let ratios: Vec<(String, f64)> = load
                .per_casusregisseur
                .iter()
                .filter(|row| {
                    seed.people
                        .iter()
                        .any(|p| p.login == row.casusregisseur && p.role == Role::Casusregisseur)
                })
                .map(|row| {
                    (
                        row.casusregisseur.clone(),
                        f64::from(row.open) / f64::from(row.capacity),
                    )
                })
                .collect();
            assert_eq!(ratios.len(), 25);
            let within = ratios
                .iter()
                .filter(|(_, r)| (0.7..=1.0).contains(r))
                .count();
            let over: Vec<&str> = ratios
                .iter()
                .filter(|(_, r)| *r > 1.0)
                .map(|(login, _)| login.as_str())
                .collect();
            assert!(
                within >= 19,
                "{moment}: {within} of 25 within 70-100 %: {ratios:?}"
            );
            assert!(
                (2..=4).contains(&over.len()),
                "{moment}: over capacity: {over:?}; {ratios:?}"
            );
            assert!(
                ratios.iter().all(|(_, r)| (0.5..=1.5).contains(r)),
                "{moment}: {ratios:?}"
            );
            // Those who take on more do so because they are asked to.
            assert!(
                over.iter().all(|login| STRETCHED.contains(login)),
                "{over:?}"
            );
        }
    }

    #[test]
    fn mandaat_shows_suspended_extended_and_defaulted_requests() {
        let norms = Norms::default();
        for moment in MOMENTS {
            let now = at(moment);
            let today = local_date(now);
            let seed = build(now, &norms);
            let pending: Vec<&Request> = seed
                .requests
                .iter()
                .filter(|r| r.status == RequestStatus::Pending)
                .collect();
            let suspended = pending
                .iter()
                .filter(|r| r.term.suspended_on(today).is_some());
            let extended = pending.iter().filter(|r| r.term.extension.is_some());
            let in_default = pending.iter().filter(|r| r.term.default_notice.is_some());
            assert!(suspended.count() >= 2, "{moment}");
            assert!(extended.count() >= 1, "{moment}");
            let late = pending.iter().filter(|r| r.decide_by < now).count();
            assert!(late >= 2, "{moment}");
            assert!(in_default.count() >= 1, "{moment}");
            for r in &pending {
                // The deadline is the law's for what moved it, and each
                // move is in the request's history.
                assert_eq!(
                    r.decide_by,
                    norms.decide_by_under(r.kind, r.filed_at, &r.term),
                    "{moment}: {}",
                    r.number
                );
                let moves = r.term.suspensions.len()
                    + usize::from(r.term.extension.is_some())
                    + usize::from(r.term.default_notice.is_some());
                let lines = seed
                    .events
                    .iter()
                    .filter(|(_, e)| {
                        e.request_id == Some(r.id) && e.kind != EventKind::RequestFiled
                    })
                    .count();
                assert_eq!(lines, moves, "{moment}: {}", r.number);
                if let Some(n) = &r.term.default_notice {
                    assert!(n.received_on > local_date(r.decide_by), "{}", r.number);
                }
            }
        }
    }

    #[test]
    fn adults_cases_show_meldingen_in_research_and_late() {
        let norms = Norms::default();
        let now = at(MOMENTS[0]);
        let seed = build(now, &norms);
        let melded: Vec<&Case> = seed
            .cases
            .iter()
            .filter(|c| c.melding_on.is_some())
            .collect();
        assert!(melded.iter().all(|c| c.domain == CaseDomain::Volwassenen));
        let late = melded
            .iter()
            .filter(|c| {
                norms
                    .stagnation(c, &[], now)
                    .iter()
                    .any(|s| s.kind == crate::domain::norms::StagnationKind::OnderzoekOverdue)
            })
            .count();
        let running = melded
            .iter()
            .filter(|c| {
                c.onderzoek_done_on.is_none() && now <= norms.onderzoek_due(c.melding_on.unwrap())
            })
            .count();
        let done = melded
            .iter()
            .filter(|c| c.onderzoek_done_on.is_some())
            .count();
        assert!(
            late >= 1 && running >= 1 && done >= 1,
            "late {late} running {running} done {done}"
        );
    }

    #[test]
    fn staff_act_in_office_hours_on_working_days() {
        let norms = Norms::default();
        let cal = &norms.calendar;
        for moment in MOMENTS {
            let now = at(moment);
            let seed = build(now, &norms);
            let mut staff_actions = 0;
            for (case_id, event) in &seed.events {
                assert!(event.at <= now, "{moment}: case {case_id}: {event:?}");
                if event.kind != EventKind::Referred {
                    staff_actions += 1;
                    assert!(
                        cal.is_office_hours(event.at),
                        "{moment}: case {case_id}: {event:?} outside office hours"
                    );
                }
            }
            assert!(staff_actions > 5_000, "{staff_actions}");
            for case in &seed.cases {
                for t in [
                    case.assigned_at,
                    case.first_contact_at,
                    case.plan_at,
                    case.closed_at,
                    case.escalated_at,
                    case.stuck_reported_at,
                ]
                .into_iter()
                .flatten()
                {
                    assert!(cal.is_office_hours(t), "{moment}: {case:?}");
                }
            }
            for request in &seed.requests {
                for t in [Some(request.filed_at), request.decided_at]
                    .into_iter()
                    .flatten()
                {
                    assert!(cal.is_office_hours(t), "{moment}: {request:?}");
                }
            }
        }
    }

    #[test]
    fn office_moments_stay_in_office_hours_and_on_the_right_side() {
        let cal = Calendar::dutch();
        let office = Office { cal: &cal };
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for t in [
            "2026-11-24T13:30:00Z", // open: itself
            "2026-11-24T05:00:00Z", // Tuesday 06:00
            "2026-11-24T19:00:00Z", // Tuesday 20:00
            "2026-11-28T10:00:00Z", // Saturday
            "2026-12-24T22:00:00Z", // Christmas Eve, 23:00, before two holidays
            "2027-03-28T01:30:00Z", // the night summer time starts
        ] {
            let t = at(t);
            let from = office.from(&mut rng, t);
            let until = office.until(&mut rng, t);
            assert!(cal.is_office_hours(from) && from >= t, "{t} -> {from}");
            assert!(cal.is_office_hours(until) && until <= t, "{t} -> {until}");
            if cal.is_office_hours(t) {
                assert_eq!((from, until), (t, t));
            }
        }
        // After Christmas Eve evening, the office opens on Monday 28 December.
        assert_eq!(
            local_date(office.from(&mut rng, at("2026-12-24T22:00:00Z"))),
            NaiveDate::from_ymd_opt(2026, 12, 28).unwrap()
        );
    }

    #[test]
    fn escalation_reasons_are_varied_and_fit_the_case() {
        let seed = build(now(), &Norms::default());
        let cases: HashMap<i64, &Case> = seed.cases.iter().map(|c| (c.id, c)).collect();
        let mut reasons = HashSet::new();
        for (case_id, event) in seed
            .events
            .iter()
            .filter(|(_, e)| e.kind == EventKind::Escalated)
        {
            let reason = event.note.as_deref().expect("an escalation has a reason");
            let (flag, _) = ESCALATION_REASONS
                .iter()
                .find(|(_, r)| *r == reason)
                .unwrap_or_else(|| panic!("unknown reason {reason:?}"));
            let case = cases[case_id];
            assert!(
                flag.is_none_or(|f| case.risk_flags.contains(&f)),
                "{reason:?} on {case:?}"
            );
            reasons.insert(reason);
        }
        assert!(reasons.len() >= 8, "{reasons:?}");
        assert!(ESCALATION_REASONS.len() >= 8);
        // Escalated today: the case says why, as its history does.
        for case in seed.cases.iter().filter(|c| c.escalated) {
            assert!(reasons.contains(case.escalation_reason.as_deref().unwrap()));
        }
    }

    #[test]
    fn the_history_says_from_whom_to_whom_and_what_was_decided() {
        let seed = build(now(), &Norms::default());
        let requests: HashMap<i64, &Request> = seed.requests.iter().map(|r| (r.id, r)).collect();
        let mut holders: HashMap<i64, Option<String>> = HashMap::new();
        let (mut reassigned, mut taken_over) = (0, 0);
        for (case_id, e) in &seed.events {
            let holder = holders.entry(*case_id).or_default();
            match e.kind {
                EventKind::Assigned => {
                    assert_eq!((&e.from, holder.is_none()), (&None, true), "{e:?}");
                    *holder = e.to.clone();
                }
                EventKind::Reassigned | EventKind::TakenOver => {
                    assert_eq!(&e.from, holder, "case {case_id}: {e:?}");
                    assert_ne!(e.from, e.to);
                    if e.kind == EventKind::TakenOver {
                        assert_eq!(e.to.as_deref(), Some("pr-dzm"));
                        taken_over += 1;
                    } else {
                        reassigned += 1;
                    }
                    *holder = e.to.clone();
                }
                EventKind::RequestDecided => {
                    let request = requests[&e.request_id.expect("a decision names its request")];
                    let expected = match request.status {
                        RequestStatus::Approved => Decision::Approve,
                        RequestStatus::Rejected => Decision::Reject,
                        RequestStatus::Pending => panic!("{request:?} is pending"),
                    };
                    assert_eq!(e.decision, Some(expected));
                    assert_eq!(e.note, request.reason, "the note is the reason only");
                    assert_eq!(e.from.as_ref().or(e.to.as_ref()), None);
                }
                _ => assert_eq!((&e.from, &e.to, e.decision), (&None, &None, None), "{e:?}"),
            }
        }
        assert!(
            reassigned > 10 && taken_over > 0,
            "{reassigned} {taken_over}"
        );
        for case in &seed.cases {
            assert_eq!(
                holders.get(&case.id).cloned().flatten(),
                case.casusregisseur,
                "{case:?}"
            );
        }
    }

    /// `last_activity_at` follows the lifecycle's rule: the first
    /// assignment, then only what the casusregisseur records.
    #[test]
    fn the_activity_clock_follows_the_lifecycle_rule() {
        let seed = build(now(), &Norms::default());
        let mut clock: HashMap<i64, DateTime<Utc>> = HashMap::new();
        for (case_id, e) in &seed.events {
            let moves = matches!(
                e.kind,
                EventKind::Referred
                    | EventKind::Assigned
                    | EventKind::FirstContact
                    | EventKind::Plan
                    | EventKind::Activity
                    | EventKind::Stuck
                    | EventKind::RequestFiled
            );
            if moves {
                let t = clock.entry(*case_id).or_insert(e.at);
                *t = (*t).max(e.at);
            }
        }
        for case in &seed.cases {
            assert_eq!(case.last_activity_at, clock[&case.id], "{}", case.number);
        }
    }

    #[test]
    fn colleagues_are_staff_but_not_desk_logins() {
        let people = people();
        // The demo desk's logins stay as the tests and the README know them.
        let desk = [
            ("pr-jeugd", "P. de Vries", Role::ProcesregisseurJeugd),
            ("pr-volw", "M. Jansen", Role::ProcesregisseurVolwassenen),
            ("pr-dzm", "R. Bos", Role::ProcesregisseurDoorzettingsmacht),
            ("pm", "L. Visser", Role::Procesmanager),
            ("fg", "R. Hendriks", Role::Privacy),
            ("consulent", "S. Mulder", Role::Consulent),
            ("admin", "K. de Boer", Role::Administratief),
            ("cr-01", "A. Bakker", Role::Casusregisseur),
            ("cr-17", "S. Kok", Role::Casusregisseur),
            ("cr-25", "A. Verhoeven", Role::Casusregisseur),
        ];
        for (login, name, role) in desk {
            let person = people.iter().find(|p| p.login == login).unwrap();
            assert_eq!((person.display_name.as_str(), person.role), (name, role));
            assert!(!COLLEAGUES.contains(&login));
        }
        for login in COLLEAGUES {
            let person = people.iter().find(|p| p.login == login).unwrap();
            assert_ne!(person.role, Role::Casusregisseur);
            assert!(person.active);
        }
        let seed = build(now(), &Norms::default());
        assert!(
            COLLEAGUES
                .iter()
                .all(|c| seed.tokens.iter().any(|(l, _)| l == c))
        );
        let logins: HashSet<&str> = people.iter().map(|p| p.login.as_str()).collect();
        assert_eq!(logins.len(), people.len(), "logins are unique");
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
        // Nobody decided a request they filed, and every decider holds the
        // mandate for its kind.
        assert!(
            seed.requests
                .iter()
                .all(|r| r.decided_by.as_ref() != Some(&r.filed_by))
        );
        for request in seed.requests.iter().filter(|r| r.decided_by.is_some()) {
            let decider = seed
                .people
                .iter()
                .find(|p| Some(&p.login) == request.decided_by.as_ref())
                .unwrap();
            assert!(
                crate::domain::permissions::mandate_holders(request.kind).contains(&decider.role),
                "{request:?}"
            );
        }
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
