//! The words the desk uses for the domain's values, in Dutch and English.
//! One place, so boards, help, dialogs and export headers agree.

use chrono::{DateTime, Datelike, Utc};

use crate::config::Language;
use crate::domain::boards::{Severity, Signal, Why};
use crate::domain::calendar::local_date;
use crate::domain::model::{
    CaseDomain, CloseResult, EventKind, FollowUpResult, RequestKind, RequestStatus, RiskFlag, Role,
    Source,
};
use crate::domain::norms::StagnationKind;

/// A face of stagnation as a board says it, telling a passed decision term
/// from one about to pass.
pub fn signal(lang: Language, signal: &Signal) -> &'static str {
    match (signal.kind, signal.severity) {
        (StagnationKind::RequestDeadline, Severity::DecisionOverdue) => {
            lang.pick("beslistermijn verstreken", "decision term passed")
        }
        (StagnationKind::RequestDeadline, _) => lang.pick("beslistermijn nadert", "decision due"),
        (StagnationKind::Unassigned, Severity::HighRiskUnreached) => {
            lang.pick("niet toegewezen, hoog risico", "unassigned, high risk")
        }
        (StagnationKind::FirstContactOverdue, Severity::HighRiskUnreached) => lang.pick(
            "eerste contact te laat, hoog risico",
            "first contact late, high risk",
        ),
        (StagnationKind::FirstContactOverdue, _) => {
            lang.pick("eerste contact te laat", "first contact late")
        }
        (kind, _) => stagnation_kind(lang, kind),
    }
}

/// What a severity means, for the legend in the help.
pub fn severity(lang: Language, severity: Severity) -> &'static str {
    match severity {
        Severity::DecisionOverdue => lang.pick(
            "wettelijke beslistermijn verstreken",
            "legal decision term passed",
        ),
        Severity::HighRiskUnreached => lang.pick(
            "hoog risico, niemand bereikt: niet toegewezen of eerste contact te laat",
            "high risk, nobody reached: unassigned or first contact late",
        ),
        Severity::HouseholdWaiting => lang.pick(
            "huishouden wacht: niet toegewezen, eerste contact of onderzoek te laat",
            "household waiting: unassigned, first contact or research late",
        ),
        Severity::DecisionDue => lang.pick("beslistermijn nadert", "decision term near"),
        Severity::Stuck => lang.pick("vastgelopen gemeld", "reported stuck"),
        Severity::NoPlan => lang.pick("geen plan na eerste contact", "no plan after first contact"),
        Severity::EvaluationLate => lang.pick(
            "evaluatie van de doelen te laat",
            "evaluation of the goals late",
        ),
        Severity::NoActivity => lang.pick("geen geregistreerde activiteit", "no recorded activity"),
        Severity::GoalOffTrack => lang.pick(
            "doel niet op koers: twee evaluaties zonder vooruitgang of streefdatum voorbij",
            "goal off track: two evaluations without progress or past its target date",
        ),
        Severity::WaakvlamOverdue => lang.pick(
            "waakvlam verlopen: nacontact na de datum niet gedaan",
            "waakvlam overdue: follow-up not made by its date",
        ),
        Severity::Reminder => lang.pick(
            "uw eigen herinnering (notitie, m) is aan de beurt",
            "your own reminder (note, m) is due",
        ),
    }
}

/// How a case was closed.
pub fn close_result(lang: Language, result: CloseResult) -> &'static str {
    match result {
        CloseResult::GoalsMet => lang.pick("doelen bereikt", "goals met"),
        CloseResult::ReferredOn => lang.pick("doorverwezen", "referred on"),
        CloseResult::Refused => lang.pick("hulp geweigerd", "help refused"),
        CloseResult::Moved => lang.pick("verhuisd", "moved"),
        CloseResult::NoCaseNeeded => lang.pick("geen casus nodig", "no case needed"),
    }
}

/// A risk flag in full words.
pub fn risk_flag(lang: Language, flag: RiskFlag) -> &'static str {
    match flag {
        RiskFlag::ChildSafety => lang.pick("kindveiligheid", "child safety"),
        RiskFlag::DomesticViolence => lang.pick("huiselijk geweld", "domestic violence"),
        RiskFlag::CareAvoider => lang.pick("zorgmijder", "care avoider"),
        RiskFlag::Aggression => {
            lang.pick("agressie tegen hulpverleners", "aggression against workers")
        }
        RiskFlag::PressPolitical => lang.pick("pers- of politiek gevoelig", "press or political"),
        RiskFlag::Justice => lang.pick("justitie betrokken", "justice involved"),
    }
}

/// Why a case is on the doorzettingsmacht board.
pub fn why(lang: Language, why: Why) -> &'static str {
    match why {
        Why::Escalated => lang.pick("opgeschaald", "escalated"),
        Why::Stuck => lang.pick("vastgelopen", "stuck"),
        Why::HighRiskStagnant => lang.pick("hoog risico", "high risk"),
    }
}

pub fn stagnation_kind(lang: Language, kind: StagnationKind) -> &'static str {
    match kind {
        StagnationKind::FirstContactOverdue => lang.pick("eerste contact", "first contact"),
        StagnationKind::Unassigned => lang.pick("niet toegewezen", "unassigned"),
        StagnationKind::NoActivity => lang.pick("geen activiteit", "no activity"),
        StagnationKind::NoPlan => lang.pick("geen plan", "no plan"),
        StagnationKind::Stuck => lang.pick("vastgelopen", "stuck"),
        StagnationKind::RequestDeadline => lang.pick("termijn aanvraag", "request deadline"),
        StagnationKind::WaakvlamOverdue => lang.pick("waakvlam verlopen", "waakvlam overdue"),
        StagnationKind::OnderzoekOverdue => lang.pick("onderzoek te laat", "research late"),
        StagnationKind::Reminder => lang.pick("eigen herinnering", "own reminder"),
        StagnationKind::EvaluationLate => lang.pick("evaluatie te laat", "evaluation late"),
        StagnationKind::GoalOffTrack => lang.pick("doel niet op koers", "goal off track"),
    }
}

pub fn role(lang: Language, role: Role) -> &'static str {
    match lang {
        Language::Nl => role.label(),
        Language::En => match role {
            Role::Casusregisseur => "casusregisseur",
            Role::ProcesregisseurJeugd => "procesregisseur youth",
            Role::ProcesregisseurVolwassenen => "procesregisseur adults",
            Role::ProcesregisseurDoorzettingsmacht => "procesregisseur doorzettingsmacht",
            Role::Procesmanager => "procesmanager",
            Role::Consulent => "social domain consultant",
            Role::Administratief => "administrative staff",
            Role::Privacy => "privacy officer",
        },
    }
}

pub fn request_kind(lang: Language, kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Jeugdhulp => lang.pick("Jeugdhulp", "Youth care"),
        RequestKind::WmoMaatwerk => lang.pick("Wmo-maatwerk", "Wmo provision"),
    }
}

pub fn request_status(lang: Language, status: RequestStatus) -> &'static str {
    match lang {
        Language::Nl => status.label(),
        Language::En => match status {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
        },
    }
}

pub fn domain(lang: Language, domain: CaseDomain) -> &'static str {
    match domain {
        CaseDomain::Jeugd => lang.pick("Jeugd", "Youth"),
        CaseDomain::Volwassenen => lang.pick("Volwassenen", "Adults"),
    }
}

pub fn source(lang: Language, source: Source) -> &'static str {
    match source {
        Source::Cjg => "CJG",
        Source::Huisarts => lang.pick("huisarts", "GP"),
        Source::Politie => lang.pick("politie", "police"),
        Source::School => "school",
        Source::Jongerenwerk => lang.pick("jongerenwerk", "youth work"),
        Source::Consultatiebureau => lang.pick("consultatiebureau", "child health clinic"),
        Source::Justitie => lang.pick("justitie", "justice"),
        Source::VeiligThuis => "Veilig Thuis",
        Source::Balie => lang.pick("balie", "front desk"),
        Source::Zelf => lang.pick("zelf", "self"),
        Source::Waakvlam => lang.pick("waakvlam", "waakvlam follow-up"),
    }
}

pub fn event(lang: Language, kind: EventKind) -> &'static str {
    match kind {
        EventKind::Referred => lang.pick("aangemeld", "referred"),
        EventKind::Assigned => lang.pick("toegewezen", "assigned"),
        EventKind::Reassigned => lang.pick("herverdeeld", "reassigned"),
        EventKind::FirstContact => lang.pick("eerste contact", "first contact"),
        EventKind::Plan => lang.pick("plan vastgesteld", "plan agreed"),
        EventKind::Activity => lang.pick("activiteit", "activity"),
        EventKind::Stuck => lang.pick("vastgelopen gemeld", "reported stuck"),
        EventKind::RequestFiled => lang.pick("aanvraag ingediend", "request filed"),
        EventKind::RequestDecided => lang.pick("aanvraag beslist", "request decided"),
        EventKind::Escalated => lang.pick("opgeschaald", "escalated"),
        EventKind::TakenOver => lang.pick("overgenomen", "taken over"),
        EventKind::Deescalated => lang.pick("afgeschaald", "de-escalated"),
        EventKind::Closed => lang.pick("afgesloten", "closed"),
        EventKind::RequestSuspended => lang.pick("aanvraag opgeschort", "request suspended"),
        EventKind::RequestResumed => lang.pick("aanvulling ontvangen", "information received"),
        EventKind::RequestExtended => lang.pick("termijn verdaagd", "term extended"),
        EventKind::DefaultNoticeReceived => {
            lang.pick("ingebrekestelling ontvangen", "notice of default received")
        }
        EventKind::WaakvlamFollowedUp => lang.pick("waakvlam: nacontact", "waakvlam: follow-up"),
        EventKind::WaakvlamPostponed => lang.pick("waakvlam uitgesteld", "waakvlam postponed"),
        EventKind::WaakvlamReassigned => lang.pick("waakvlam overgedragen", "waakvlam handed on"),
        EventKind::MeldingReceived => lang.pick("Wmo-melding", "Wmo report"),
        EventKind::OnderzoekDone => lang.pick("onderzoek afgerond", "research done"),
        EventKind::PlanRevised => lang.pick("plan herzien", "plan revised"),
        EventKind::Evaluated => lang.pick("doelen geëvalueerd", "goals evaluated"),
    }
}

/// What a waakvlam follow-up found.
pub fn follow_up_result(lang: Language, result: FollowUpResult) -> &'static str {
    match result {
        FollowUpResult::AllWell => lang.pick("gaat goed", "all well"),
        FollowUpResult::Concern => lang.pick("zorg: nieuwe zaak", "concern: new case"),
    }
}

/// Lateness in counted days, as the stagnation board says it: `+3 wd`,
/// `vandaag`, or days left.
pub fn lateness(lang: Language, days_late: i64, working_days: bool) -> String {
    let unit = if working_days {
        lang.pick("wd", "wd")
    } else {
        lang.pick("d", "d")
    };
    match days_late {
        0 => lang.pick("vandaag", "today").to_string(),
        d if d > 0 => format!("+{d} {unit}"),
        d => format!("{} {} {unit}", lang.pick("nog", "in"), -d),
    }
}

/// A legal deadline as a countdown: `nog 6 wd`, `vandaag`, `2 wd te laat`.
pub fn countdown(lang: Language, days_left: i64) -> String {
    match days_left {
        0 => lang.pick("vandaag", "today").to_string(),
        d if d > 0 => format!("{} {d} wd", lang.pick("nog", "in")),
        d => format!("{} wd {}", -d, lang.pick("te laat", "late")),
    }
}

const DAYS_NL: [&str; 7] = ["ma", "di", "wo", "do", "vr", "za", "zo"];
const DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS_NL: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn local(at: DateTime<Utc>) -> DateTime<chrono_tz::Tz> {
    at.with_timezone(&chrono_tz::Europe::Amsterdam)
}

/// `24 nov` (a date in the current year) or `24 nov 2025`.
pub fn day(lang: Language, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let date = local_date(at);
    let month = match lang {
        Language::Nl => MONTHS_NL[date.month0() as usize],
        Language::En => MONTHS_EN[date.month0() as usize],
    };
    if date.year() == local_date(now).year() {
        format!("{} {month}", date.day())
    } else {
        format!("{} {month} {}", date.day(), date.year())
    }
}

/// A date as short as a column allows: `24-05`.
pub fn short_date(date: chrono::NaiveDate) -> String {
    date.format("%d-%m").to_string()
}

/// A calendar date: `1 jan 2026`.
pub fn date(lang: Language, date: chrono::NaiveDate) -> String {
    let month = match lang {
        Language::Nl => MONTHS_NL[date.month0() as usize],
        Language::En => MONTHS_EN[date.month0() as usize],
    };
    format!("{} {month} {}", date.day(), date.year())
}

/// The header clock: `di 24 nov 14:32`.
pub fn clock(lang: Language, now: DateTime<Utc>) -> String {
    let t = local(now);
    let weekday = t.weekday().num_days_from_monday() as usize;
    let name = match lang {
        Language::Nl => DAYS_NL[weekday],
        Language::En => DAYS_EN[weekday],
    };
    format!("{name} {} {}", day(lang, now, now), t.format("%H:%M"))
}

/// `14:29`, the local time of day.
pub fn time(at: DateTime<Utc>) -> String {
    local(at).format("%H:%M").to_string()
}

/// `14:29:07`, to the second: when the desk last heard from the server.
pub fn time_of_day(at: DateTime<Utc>) -> String {
    local(at).format("%H:%M:%S").to_string()
}

/// How old something is: `12 s`, `3 min`, `2 u`, `4 d`.
pub fn age(lang: Language, seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86_400 => format!("{} {}", s / 3600, lang.pick("u", "h")),
        _ => format!("{} d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn lateness_and_countdowns_read_as_people_say_them() {
        assert_eq!(lateness(Language::Nl, 3, true), "+3 wd");
        assert_eq!(lateness(Language::Nl, 0, true), "vandaag");
        assert_eq!(lateness(Language::Nl, -2, true), "nog 2 wd");
        assert_eq!(lateness(Language::En, -2, true), "in 2 wd");
        assert_eq!(lateness(Language::Nl, 4, false), "+4 d");
        assert_eq!(countdown(Language::Nl, 6), "nog 6 wd");
        assert_eq!(countdown(Language::Nl, 0), "vandaag");
        assert_eq!(countdown(Language::Nl, -2), "2 wd te laat");
        assert_eq!(countdown(Language::En, -1), "1 wd late");
    }

    #[test]
    fn dates_and_clock_are_local_time_in_amsterdam() {
        let now = at("2026-11-24T13:32:00Z");
        assert_eq!(clock(Language::Nl, now), "di 24 nov 14:32");
        assert_eq!(clock(Language::En, now), "Tue 24 Nov 14:32");
        // 23:30 UTC on 31 Dec is already New Year in Amsterdam.
        assert_eq!(day(Language::Nl, at("2025-12-31T23:30:00Z"), now), "1 jan");
        assert_eq!(
            day(Language::Nl, at("2025-03-01T12:00:00Z"), now),
            "1 mrt 2025"
        );
        assert_eq!(time(at("2026-07-01T10:05:00Z")), "12:05");
        assert_eq!(time_of_day(at("2026-07-01T10:05:09Z")), "12:05:09");
        assert_eq!(age(Language::Nl, 42), "42 s");
        assert_eq!(age(Language::Nl, 190), "3 min");
        assert_eq!(age(Language::En, 7300), "2 h");
    }
}
