//! The ZGW source as the server's case system: the desk's writes, each
//! failure answered in the server's own terms (`From<SourceError>`).

use async_trait::async_trait;

use super::ZgwSource;
use crate::domain::lifecycle::{NewRequest, Transition};
use crate::domain::model::{Case, CaseEvent, Person, Request};
use crate::server::audit::AuditDraft;
use crate::server::case_system::CaseSystem;
use crate::server::error::ApiError;

#[async_trait]
impl CaseSystem for ZgwSource {
    fn records(&self, t: &Transition) -> bool {
        ZgwSource::records(self, t)
    }

    async fn write_case(
        &self,
        actor: &Person,
        before: &Case,
        t: &Transition,
        audit: AuditDraft,
    ) -> Result<Case, ApiError> {
        Ok(ZgwSource::write_case(self, actor, before, t, audit).await?)
    }

    async fn file_request(
        &self,
        actor: &Person,
        before: &Case,
        new: &NewRequest,
        t: &Transition,
        audit: AuditDraft,
    ) -> Result<(Request, Case), ApiError> {
        Ok(ZgwSource::file_request(self, actor, before, new, t, audit).await?)
    }

    async fn write_decision(
        &self,
        actor: &Person,
        before: &Request,
        decided: &Request,
        event: &CaseEvent,
        audit: AuditDraft,
    ) -> Result<Request, ApiError> {
        Ok(ZgwSource::write_decision(self, actor, before, decided, event, audit).await?)
    }

    async fn write_term(
        &self,
        actor: &Person,
        before: &Request,
        next: &Request,
        event: &CaseEvent,
        audit: AuditDraft,
    ) -> Result<Request, ApiError> {
        Ok(ZgwSource::write_term(self, actor, before, next, event, audit).await?)
    }

    fn notifications(&self) -> Option<String> {
        self.notification_refusals.summary()
    }
}
