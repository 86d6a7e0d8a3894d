//! The case system the desk's actions go to when the store is not the case
//! system itself (a municipality's ZGW case system, see `crate::zgw`): what
//! the server asks of it, and nothing more. The launch code gives a server
//! one (`AppState::with_source`), and the routes a source needs of its own
//! (`router_with`); the server never names what kind it is.

use async_trait::async_trait;

use crate::domain::lifecycle::{NewRequest, Transition};
use crate::domain::model::{Case, CaseEvent, Person, Request};
use crate::server::audit::AuditDraft;
use crate::server::error::ApiError;

/// Each write checks the version it was made on, writes to the case
/// system, and answers with what the store holds after reading it back;
/// the audit entry and history line are written with that projection.
#[async_trait]
pub trait CaseSystem: Send + Sync {
    /// Whether the case system records this case transition; when not
    /// (a stuck report, activity), the store alone does.
    fn records(&self, t: &Transition) -> bool;

    async fn write_case(
        &self,
        actor: &Person,
        before: &Case,
        t: &Transition,
        audit: AuditDraft,
    ) -> Result<Case, ApiError>;

    async fn file_request(
        &self,
        actor: &Person,
        before: &Case,
        new: &NewRequest,
        t: &Transition,
        audit: AuditDraft,
    ) -> Result<(Request, Case), ApiError>;

    async fn write_decision(
        &self,
        actor: &Person,
        before: &Request,
        decided: &Request,
        event: &CaseEvent,
        audit: AuditDraft,
    ) -> Result<Request, ApiError>;

    /// A request's moved term (suspension, its end, an extension).
    async fn write_term(
        &self,
        actor: &Person,
        before: &Request,
        next: &Request,
        event: &CaseEvent,
        audit: AuditDraft,
    ) -> Result<Request, ApiError>;

    /// What `/healthz` tells an operator about the case system's
    /// notifications when something is wrong (`refused 94 since …`).
    fn notifications(&self) -> Option<String>;
}
