//! What each role's work needs to see (data minimisation, AVG art. 5(1)(c)).
//!
//! The free text people type about a household goes only to the roles that
//! act on it: an escalation's reason, a request's motivation, a decision's
//! reason, what a suspension waits for and why a term was extended, and
//! the notes in a case's history. The procesmanager steers on boards and
//! figures and needs none of it; the administratief medewerker makes the
//! beschikking and the letters of the law's clock, so sees the decision's
//! reason and the term, not the motivation or the case's history; the
//! privacyfunctionaris reads the audit log and no case. Everything
//! structured (numbers, pseudonyms, steps, dates, holders, risk flags,
//! provisions, statuses) is what the boards are made of, and every role
//! that sees a case sees that.
//!
//! The server applies this to every answer that carries a case or request
//! (sync, details, the answer to an action); the desk shows what it gets.
//! The README's "What each role sees" table says the same, and a test
//! holds the server to that table.

use super::model::{Case, CaseEvent, Request, Role};

/// Free text about a household that not every role's work needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeText {
    /// `Case::escalation_reason`.
    EscalationReason,
    /// The notes in a case's history (`CaseEvent::note`).
    HistoryNotes,
    /// `Request::motivation`.
    Motivation,
    /// `Request::reason`: why it was approved or rejected.
    DecisionReason,
    /// What a suspension asked for, why the term was extended.
    TermNotes,
}

/// Whether `role`'s work needs `text`.
pub fn needs(role: Role, text: FreeText) -> bool {
    use FreeText::*;
    let acts_on_cases = matches!(
        role,
        Role::Casusregisseur
            | Role::ProcesregisseurJeugd
            | Role::ProcesregisseurVolwassenen
            | Role::ProcesregisseurDoorzettingsmacht
            | Role::Consulent
    );
    match text {
        EscalationReason | HistoryNotes | Motivation => acts_on_cases,
        DecisionReason | TermNotes => acts_on_cases || role == Role::Administratief,
    }
}

/// Whether `role` sees cases at all (the privacyfunctionaris does not: the
/// audit log says who looked at what, without the case itself).
pub fn sees_cases(role: Role) -> bool {
    role != Role::Privacy
}

/// A case as `role` is shown it.
pub fn case_for(role: Role, mut case: Case) -> Case {
    if !needs(role, FreeText::EscalationReason) {
        case.escalation_reason = None;
    }
    case
}

/// A request as `role` is shown it. A withheld text is empty (and left out
/// of the JSON).
pub fn request_for(role: Role, mut request: Request) -> Request {
    if !needs(role, FreeText::Motivation) {
        request.motivation.clear();
    }
    if !needs(role, FreeText::DecisionReason) {
        request.reason = None;
    }
    if !needs(role, FreeText::TermNotes) {
        for suspension in &mut request.term.suspensions {
            suspension.note.clear();
        }
        if let Some(extension) = &mut request.term.extension {
            extension.reason.clear();
        }
    }
    request
}

/// A line of a case's history as `role` is shown it.
pub fn event_for(role: Role, mut event: CaseEvent) -> CaseEvent {
    if !needs(role, FreeText::HistoryNotes) {
        event.note = None;
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_roles_that_act_on_a_case_read_what_was_typed_about_it() {
        for role in Role::ALL {
            let acts = !matches!(
                role,
                Role::Procesmanager | Role::Administratief | Role::Privacy
            );
            assert_eq!(needs(*role, FreeText::Motivation), acts, "{role}");
            assert_eq!(needs(*role, FreeText::EscalationReason), acts, "{role}");
            assert_eq!(needs(*role, FreeText::HistoryNotes), acts, "{role}");
            assert_eq!(
                needs(*role, FreeText::DecisionReason),
                acts || *role == Role::Administratief,
                "{role}"
            );
        }
        assert!(!sees_cases(Role::Privacy));
        assert!(sees_cases(Role::Procesmanager));
    }
}
