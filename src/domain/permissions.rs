//! Who may do what: the mandate matrix (seed 000, figure 5), four eyes, and
//! the division of work between casusregisseur, procesregisseurs and the
//! procesmanager. Plain functions over plain data.

use super::model::{Case, CaseDomain, Person, Request, RequestKind, Role};

/// Why an action is not allowed, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Denied(pub String);

fn deny<T>(why: impl Into<String>) -> Result<T, Denied> {
    Err(Denied(why.into()))
}

/// Everything that can be done to an existing case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    ReadDetail,
    Assign,
    RecordContact,
    RecordPlan,
    RecordActivity,
    ReportStuck,
    FileRequest,
    Close,
    Escalate,
    TakeOver,
    Deescalate,
    /// Record the waakvlam follow-up contact.
    RecordFollowUp,
    /// Move the waakvlam follow-up date.
    PostponeFollowUp,
    /// Give the waakvlam follow-up to someone else.
    AssignFollowUp,
    /// Record a Wmo melding or that its onderzoek is done.
    RecordResearch,
}

/// Whether `person` sees `case` at all: a casusregisseur sees only the cases
/// assigned to them; the privacyfunctionaris none; every other role all.
pub fn sees_case(person: &Person, case: &Case) -> bool {
    match person.role {
        Role::Casusregisseur => is_casusregisseur_of(person, case),
        role => super::need_to_know::sees_cases(role),
    }
}

fn is_casusregisseur_of(person: &Person, case: &Case) -> bool {
    case.casusregisseur.as_deref() == Some(person.login.as_str())
}

/// Whether a person may be made casusregisseur of a case by assignment:
/// KST casusregisseurs, and the procesregisseur volwassenen, who may direct
/// small cases himself (seed 000, 3.2). The doorzettingsmacht regisseur
/// gets cases only by taking them over.
pub fn may_hold_cases(person: &Person) -> bool {
    person.active
        && matches!(
            person.role,
            Role::Casusregisseur | Role::ProcesregisseurVolwassenen
        )
}

/// Whether `actor` may register a new household and referral: the
/// procesregisseurs and the intake side of the municipality (consulent,
/// administratief medewerker).
pub fn may_refer(actor: &Person) -> Result<(), Denied> {
    if actor.role.is_procesregisseur()
        || matches!(actor.role, Role::Consulent | Role::Administratief)
    {
        Ok(())
    } else {
        deny(format!(
            "een {} registreert geen aanmeldingen",
            actor.role.label()
        ))
    }
}

/// Whether `actor` may do `action` on `case`.
pub fn may_act_on_case(actor: &Person, action: CaseAction, case: &Case) -> Result<(), Denied> {
    if !actor.active {
        return deny("dit account is niet actief");
    }
    if actor.role == Role::Privacy {
        return deny("de privacyfunctionaris ziet geen zaken");
    }
    if !sees_case(actor, case) {
        return deny("deze zaak is niet aan u toegewezen");
    }
    let role = actor.role;
    if action == CaseAction::ReadDetail {
        return Ok(());
    }
    if role == Role::Procesmanager {
        return deny("de procesmanager kijkt mee en wijzigt niets");
    }
    match action {
        CaseAction::ReadDetail => Ok(()),
        CaseAction::Assign => {
            if role.is_procesregisseur() {
                Ok(())
            } else {
                deny("alleen een procesregisseur wijst zaken toe")
            }
        }
        // The plan, its goals and their evaluations: the casusregisseur
        // who holds the case, and the procesregisseur who steers on its
        // results ("monitort of die gerealiseerd worden en stuurt waar
        // nodig bij", seed 000).
        CaseAction::RecordPlan => {
            if is_casusregisseur_of(actor, case) || supervises_domain(role, case.domain) {
                Ok(())
            } else {
                deny(format!(
                    "het plan en de evaluaties legt de casusregisseur of de procesregisseur {} vast",
                    case.domain
                ))
            }
        }
        CaseAction::RecordContact
        | CaseAction::RecordActivity
        | CaseAction::ReportStuck
        | CaseAction::FileRequest => {
            if is_casusregisseur_of(actor, case) {
                Ok(())
            } else {
                deny("alleen de casusregisseur van deze zaak legt dit vast")
            }
        }
        CaseAction::Close => {
            if is_casusregisseur_of(actor, case) || role.is_procesregisseur() {
                Ok(())
            } else {
                deny("alleen de casusregisseur of een procesregisseur sluit een zaak")
            }
        }
        CaseAction::Escalate => {
            if role.is_procesregisseur() {
                Ok(())
            } else {
                deny("alleen een procesregisseur schaalt op naar de doorzettingsmacht")
            }
        }
        CaseAction::TakeOver | CaseAction::Deescalate => {
            if role == Role::ProcesregisseurDoorzettingsmacht {
                Ok(())
            } else {
                deny("alleen de procesregisseur met doorzettingsmacht doet dit")
            }
        }
        CaseAction::RecordFollowUp | CaseAction::PostponeFollowUp => {
            if is_casusregisseur_of(actor, case) || supervises_domain(role, case.domain) {
                Ok(())
            } else {
                deny(format!(
                    "alleen wie de waakvlam houdt of de procesregisseur {} doet dit",
                    case.domain
                ))
            }
        }
        CaseAction::RecordResearch => {
            // The onderzoek is done by the casusregisseur or the consulent
            // sociaal domein (the keukentafelgesprek), under the
            // procesregisseur volwassenen.
            if is_casusregisseur_of(actor, case)
                || matches!(
                    role,
                    Role::Consulent
                        | Role::ProcesregisseurVolwassenen
                        | Role::ProcesregisseurDoorzettingsmacht
                )
            {
                Ok(())
            } else {
                deny(
                    "een melding en het onderzoek legt de casusregisseur, de consulent of de procesregisseur volwassenen vast",
                )
            }
        }
        CaseAction::AssignFollowUp => {
            if supervises_domain(role, case.domain) {
                Ok(())
            } else {
                deny(format!(
                    "alleen de procesregisseur {} wijst de waakvlam toe",
                    case.domain
                ))
            }
        }
    }
}

/// The procesregisseur who supervises a case domain, or the
/// doorzettingsmacht regisseur, who may act in both.
pub fn supervises_domain(role: Role, domain: CaseDomain) -> bool {
    matches!(
        (role, domain),
        (Role::ProcesregisseurJeugd, CaseDomain::Jeugd)
            | (Role::ProcesregisseurVolwassenen, CaseDomain::Volwassenen)
            | (Role::ProcesregisseurDoorzettingsmacht, _)
    )
}

/// The roles that hold the mandate to decide a kind of request (seed 000,
/// figure 5: "indicatie" and "beschikking"), with the three procesregisseur
/// specialisms split as in section 3.2, and doorzettingsmacht for both.
pub fn mandate_holders(kind: RequestKind) -> &'static [Role] {
    match kind {
        RequestKind::Jeugdhulp => &[
            Role::ProcesregisseurJeugd,
            Role::ProcesregisseurDoorzettingsmacht,
        ],
        RequestKind::WmoMaatwerk => &[
            Role::ProcesregisseurVolwassenen,
            Role::Consulent,
            Role::ProcesregisseurDoorzettingsmacht,
        ],
    }
}

/// Whether `actor` may decide `request`: holds the mandate for its kind and
/// did not file it (four eyes, also when a procesregisseur acted as the
/// case's casusregisseur). Whether the request is part of the plan is a
/// property of the request, checked when deciding, not a permission.
pub fn may_decide(actor: &Person, request: &Request) -> Result<(), Denied> {
    if !actor.active {
        return deny("dit account is niet actief");
    }
    if !mandate_holders(request.kind).contains(&actor.role) {
        return deny(format!(
            "een {} heeft geen mandaat voor {}",
            actor.role.label(),
            request.kind.label()
        ));
    }
    if request.filed_by == actor.login {
        return deny("vier ogen: u beslist niet over een aanvraag die u zelf indiende");
    }
    Ok(())
}

/// What can be recorded about a pending request's decision term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermAction {
    /// Opschorting: the applicant was asked to complete the request.
    Suspend,
    /// The information asked for arrived.
    Resume,
    /// Verdaging: the term is extended once.
    Extend,
    /// The applicant's ingebrekestelling was received.
    RecordDefaultNotice,
}

/// Whether `actor` may record `action` on `request` (of `case`). Recording
/// what the applicant was asked, or that it arrived, is for whoever holds
/// the mandate and for the case's casusregisseur, who is in touch with the
/// household. Extending the term is a decision about the term: only the
/// mandate holder. An ingebrekestelling arrives by post: the administratief
/// medewerker registers it too. Four eyes concern the decision itself, not
/// these facts about its term.
pub fn may_move_term(
    actor: &Person,
    action: TermAction,
    request: &Request,
    case: &Case,
) -> Result<(), Denied> {
    if !actor.active {
        return deny("dit account is niet actief");
    }
    if !sees_case(actor, case) {
        return deny("deze zaak is niet aan u toegewezen");
    }
    let mandate = mandate_holders(request.kind).contains(&actor.role);
    let casusregisseur = is_casusregisseur_of(actor, case);
    let allowed = match action {
        TermAction::Suspend | TermAction::Resume => mandate || casusregisseur,
        TermAction::Extend => mandate,
        TermAction::RecordDefaultNotice => {
            mandate || casusregisseur || actor.role == Role::Administratief
        }
    };
    if allowed {
        return Ok(());
    }
    deny(match action {
        TermAction::Suspend | TermAction::Resume => format!(
            "alleen wie mandaat heeft voor {} of de casusregisseur legt dit vast",
            request.kind.label()
        ),
        TermAction::Extend => format!(
            "alleen wie mandaat heeft voor {} verdaagt de beslistermijn",
            request.kind.label()
        ),
        TermAction::RecordDefaultNotice => format!(
            "een ingebrekestelling legt de casusregisseur, de administratie of wie mandaat heeft voor {} vast",
            request.kind.label()
        ),
    })
}

/// Whether `actor` may decide some kind of request at all (the desk hides
/// the Mandaat actions otherwise).
pub fn holds_any_mandate(actor: &Person) -> bool {
    RequestKind::ALL
        .iter()
        .any(|k| mandate_holders(*k).contains(&actor.role))
}

/// Only the privacyfunctionaris reads the audit log (NEN 7513 review):
/// the log says who looked at which household's case, which is no one
/// else's business, the procesmanager's included.
pub fn may_read_audit(actor: &Person) -> Result<(), Denied> {
    if actor.role == Role::Privacy {
        Ok(())
    } else {
        deny("alleen de privacyfunctionaris leest het auditlog")
    }
}

/// Whether `actor` may sync cases at all: every role but the
/// privacyfunctionaris, who reads the audit log instead.
pub fn may_sync(actor: &Person) -> Result<(), Denied> {
    if super::need_to_know::sees_cases(actor.role) {
        Ok(())
    } else {
        deny(format!(
            "de {} ziet geen zaken; het auditlog staat op /api/v1/audit",
            actor.role.label()
        ))
    }
}

/// Whether `actor` may keep their own notes on `case`: a procesregisseur
/// who may read its detail. A note is a working note of whoever steers
/// the case, not part of the case file.
pub fn may_keep_notes(actor: &Person, case: &Case) -> Result<(), Denied> {
    may_act_on_case(actor, CaseAction::ReadDetail, case)?;
    if !actor.role.is_procesregisseur() {
        return deny("alleen een procesregisseur houdt eigen notities bij");
    }
    Ok(())
}

/// Whether `actor` may mark `person` absent, change or end that absence:
/// the procesregisseurs, who divide the work, for whoever holds cases.
/// Nobody marks themselves away unless they are a procesregisseur too.
pub fn may_mark_absent(actor: &Person, person: &Person) -> Result<(), Denied> {
    if !actor.active {
        return deny("dit account is niet actief");
    }
    if !actor.role.is_procesregisseur() {
        return deny("alleen een procesregisseur legt afwezigheid vast");
    }
    if !may_hold_cases(person) {
        return deny(format!(
            "{} heeft geen zaken; afwezigheid geldt alleen voor wie zaken heeft",
            person.display_name
        ));
    }
    Ok(())
}

/// Whether `actor` sees the throughput figures: the procesmanager, who
/// steers on them, and the procesregisseurs.
pub fn may_read_stats(actor: &Person) -> Result<(), Denied> {
    if actor.role == Role::Procesmanager || actor.role.is_procesregisseur() {
        Ok(())
    } else {
        deny("alleen de procesmanager en de procesregisseurs zien de doorstroomcijfers")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::*;
    use chrono::Utc;

    pub(crate) fn person(login: &str, role: Role) -> Person {
        Person {
            login: login.into(),
            display_name: login.into(),
            role,
            organisation: "gemeente".into(),
            specialism: None,
            capacity: None,
            active: true,
        }
    }

    fn case_of(casusregisseur: Option<&str>) -> Case {
        let household = Household {
            id: 1,
            pseudonym: "H-AAAA".into(),
            members: 2,
        };
        let mut case = Case::referral(
            1,
            "KST-2026-0001".into(),
            &household,
            CaseDomain::Jeugd,
            Source::Cjg,
            vec![],
            Utc::now(),
        );
        case.status = if casusregisseur.is_some() {
            CaseStatus::Execution
        } else {
            CaseStatus::Referred
        };
        case.casusregisseur = casusregisseur.map(Into::into);
        case
    }

    fn request_of(kind: RequestKind, filed_by: &str) -> Request {
        let now = Utc::now();
        Request {
            id: 1,
            number: "AV-2026-0001".into(),
            case_id: 1,
            kind,
            provision: "p".into(),
            motivation: "m".into(),
            in_plan: true,
            filed_by: filed_by.into(),
            filed_at: now,
            decide_by: now,
            status: RequestStatus::Pending,
            decided_by: None,
            decided_at: None,
            reason: None,
            version: 1,
            term: Default::default(),
        }
    }

    const ALL_ACTIONS: [CaseAction; 11] = [
        CaseAction::ReadDetail,
        CaseAction::Assign,
        CaseAction::RecordContact,
        CaseAction::RecordPlan,
        CaseAction::RecordActivity,
        CaseAction::ReportStuck,
        CaseAction::FileRequest,
        CaseAction::Close,
        CaseAction::Escalate,
        CaseAction::TakeOver,
        CaseAction::Deescalate,
    ];

    /// The whole matrix, role by action, for a case held by `cr-01`, from
    /// the point of view of someone who is not its casusregisseur.
    #[test]
    fn case_actions_by_role_for_someone_not_holding_the_case() {
        use CaseAction::*;
        let case = case_of(Some("cr-01"));
        let expect = |role: Role| -> Vec<CaseAction> {
            match role {
                Role::Casusregisseur => vec![],
                // A youth case: its goals are steered on by the
                // procesregisseur jeugd (and doorzettingsmacht), not volwassenen.
                Role::ProcesregisseurJeugd => {
                    vec![ReadDetail, Assign, RecordPlan, Close, Escalate]
                }
                Role::ProcesregisseurVolwassenen => {
                    vec![ReadDetail, Assign, Close, Escalate]
                }
                Role::ProcesregisseurDoorzettingsmacht => {
                    vec![
                        ReadDetail, Assign, RecordPlan, Close, Escalate, TakeOver, Deescalate,
                    ]
                }
                Role::Procesmanager | Role::Consulent | Role::Administratief => vec![ReadDetail],
                Role::Privacy => vec![],
            }
        };
        for role in Role::ALL {
            let actor = person("someone-else", *role);
            let allowed: Vec<_> = ALL_ACTIONS
                .into_iter()
                .filter(|a| may_act_on_case(&actor, *a, &case).is_ok())
                .collect();
            assert_eq!(allowed, expect(*role), "role {role}");
        }
    }

    #[test]
    fn the_casusregisseur_of_a_case_records_its_progress_and_nothing_more() {
        use CaseAction::*;
        let case = case_of(Some("cr-01"));
        let owner = person("cr-01", Role::Casusregisseur);
        let allowed: Vec<_> = ALL_ACTIONS
            .into_iter()
            .filter(|a| may_act_on_case(&owner, *a, &case).is_ok())
            .collect();
        assert_eq!(
            allowed,
            [
                ReadDetail,
                RecordContact,
                RecordPlan,
                RecordActivity,
                ReportStuck,
                FileRequest,
                Close
            ]
        );
    }

    /// Who may act on a waakvlam follow-up, role by role, for a jeugd and
    /// a volwassenen case held by `cr-01`.
    #[test]
    fn waakvlam_actions_by_role_and_domain() {
        use CaseAction::*;
        const WAAKVLAM: [CaseAction; 3] = [RecordFollowUp, PostponeFollowUp, AssignFollowUp];
        for domain in CaseDomain::ALL {
            let mut case = case_of(Some("cr-01"));
            case.status = CaseStatus::Waakvlam;
            case.domain = *domain;
            let allowed = |actor: &Person| -> Vec<CaseAction> {
                WAAKVLAM
                    .into_iter()
                    .filter(|a| may_act_on_case(actor, *a, &case).is_ok())
                    .collect()
            };
            for role in Role::ALL {
                let expected = match (role, domain) {
                    (Role::ProcesregisseurJeugd, CaseDomain::Jeugd)
                    | (Role::ProcesregisseurVolwassenen, CaseDomain::Volwassenen)
                    | (Role::ProcesregisseurDoorzettingsmacht, _) => WAAKVLAM.to_vec(),
                    _ => vec![],
                };
                assert_eq!(
                    allowed(&person("someone-else", *role)),
                    expected,
                    "{role} on {domain}"
                );
            }
            // The holder records and postpones, but does not hand it on.
            assert_eq!(
                allowed(&person("cr-01", Role::Casusregisseur)),
                [RecordFollowUp, PostponeFollowUp]
            );
            // The procesmanager only reads, whoever holds it.
            let err = may_act_on_case(&person("pm", Role::Procesmanager), RecordFollowUp, &case)
                .unwrap_err();
            assert!(err.0.contains("procesmanager"), "{err}");
        }
    }

    #[test]
    fn a_procesregisseur_volwassenen_acting_as_casusregisseur_records_progress() {
        let case = case_of(Some("pr-volw"));
        let pr = person("pr-volw", Role::ProcesregisseurVolwassenen);
        assert!(may_act_on_case(&pr, CaseAction::RecordContact, &case).is_ok());
        assert!(may_act_on_case(&pr, CaseAction::FileRequest, &case).is_ok());
        assert!(may_hold_cases(&pr));
        assert!(!may_hold_cases(&person(
            "pr-dzm",
            Role::ProcesregisseurDoorzettingsmacht
        )));
        assert!(!may_hold_cases(&person("pm", Role::Procesmanager)));
    }

    #[test]
    fn a_casusregisseur_sees_only_their_own_cases() {
        let cr = person("cr-01", Role::Casusregisseur);
        assert!(sees_case(&cr, &case_of(Some("cr-01"))));
        assert!(!sees_case(&cr, &case_of(Some("cr-02"))));
        assert!(!sees_case(&cr, &case_of(None)));
        assert!(sees_case(
            &person("pm", Role::Procesmanager),
            &case_of(None)
        ));
        assert!(may_act_on_case(&cr, CaseAction::ReadDetail, &case_of(Some("cr-02"))).is_err());
    }

    #[test]
    fn inactive_people_may_do_nothing() {
        let mut pr = person("pr-jeugd", Role::ProcesregisseurJeugd);
        pr.active = false;
        assert!(may_act_on_case(&pr, CaseAction::Assign, &case_of(None)).is_err());
        assert!(may_decide(&pr, &request_of(RequestKind::Jeugdhulp, "cr-01")).is_err());
        assert!(!may_hold_cases(&Person {
            active: false,
            ..person("cr-09", Role::Casusregisseur)
        }));
    }

    #[test]
    fn mandate_matrix_per_kind_and_role() {
        for role in Role::ALL {
            let actor = person("decider", *role);
            let jeugd = may_decide(&actor, &request_of(RequestKind::Jeugdhulp, "cr-01")).is_ok();
            let wmo = may_decide(&actor, &request_of(RequestKind::WmoMaatwerk, "cr-01")).is_ok();
            let expected = match role {
                Role::ProcesregisseurJeugd => (true, false),
                Role::ProcesregisseurVolwassenen | Role::Consulent => (false, true),
                Role::ProcesregisseurDoorzettingsmacht => (true, true),
                Role::Casusregisseur
                | Role::Procesmanager
                | Role::Administratief
                | Role::Privacy => (false, false),
            };
            assert_eq!((jeugd, wmo), expected, "role {role}");
            assert_eq!(holds_any_mandate(&actor), expected.0 || expected.1);
        }
    }

    #[test]
    fn nobody_decides_a_request_they_filed() {
        let pr = person("pr-volw", Role::ProcesregisseurVolwassenen);
        let own = request_of(RequestKind::WmoMaatwerk, "pr-volw");
        let err = may_decide(&pr, &own).unwrap_err();
        assert!(err.0.contains("vier ogen"));
        let dzm = person("pr-dzm", Role::ProcesregisseurDoorzettingsmacht);
        assert!(may_decide(&dzm, &request_of(RequestKind::Jeugdhulp, "pr-dzm")).is_err());
        assert!(may_decide(&dzm, &request_of(RequestKind::Jeugdhulp, "cr-01")).is_ok());
    }

    #[test]
    fn referrals_are_registered_by_procesregisseurs_and_intake() {
        let allowed: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| may_refer(&person("x", *r)).is_ok())
            .collect();
        assert_eq!(
            allowed,
            [
                Role::ProcesregisseurJeugd,
                Role::ProcesregisseurVolwassenen,
                Role::ProcesregisseurDoorzettingsmacht,
                Role::Consulent,
                Role::Administratief
            ]
        );
    }

    #[test]
    fn only_the_privacyfunctionaris_reads_the_audit_log() {
        for role in Role::ALL {
            assert_eq!(
                may_read_audit(&person("x", *role)).is_ok(),
                *role == Role::Privacy
            );
        }
    }

    #[test]
    fn who_may_move_a_requests_term() {
        let case = case_of(Some("cr-01"));
        let jeugd = request_of(RequestKind::Jeugdhulp, "cr-01");
        let cases = [
            ("cr-01", Role::Casusregisseur, [true, true, false, true]),
            ("cr-02", Role::Casusregisseur, [false, false, false, false]),
            (
                "pr-jeugd",
                Role::ProcesregisseurJeugd,
                [true, true, true, true],
            ),
            (
                "pr-volw",
                Role::ProcesregisseurVolwassenen,
                [false, false, false, false],
            ),
            (
                "pr-dzm",
                Role::ProcesregisseurDoorzettingsmacht,
                [true, true, true, true],
            ),
            ("consulent", Role::Consulent, [false, false, false, false]),
            ("adm", Role::Administratief, [false, false, false, true]),
            ("pm", Role::Procesmanager, [false, false, false, false]),
        ];
        let actions = [
            TermAction::Suspend,
            TermAction::Resume,
            TermAction::Extend,
            TermAction::RecordDefaultNotice,
        ];
        for (login, role, expected) in cases {
            let actor = person(login, role);
            for (action, allowed) in actions.iter().zip(expected) {
                assert_eq!(
                    may_move_term(&actor, *action, &jeugd, &case).is_ok(),
                    allowed,
                    "{login} {action:?}"
                );
            }
        }
        // The Wmo mandate is the consulent's and the procesregisseur
        // volwassenen's; an inactive account may nothing.
        let wmo = request_of(RequestKind::WmoMaatwerk, "cr-01");
        let consulent = person("consulent", Role::Consulent);
        assert!(may_move_term(&consulent, TermAction::Extend, &wmo, &case).is_ok());
        let mut gone = person("pr-jeugd", Role::ProcesregisseurJeugd);
        gone.active = false;
        assert!(may_move_term(&gone, TermAction::Suspend, &jeugd, &case).is_err());
    }
}
