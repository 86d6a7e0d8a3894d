//! Commands written to the case system and not read back yet.
//!
//! One command is several calls to the case system: a deelzaak, its
//! initiator, its `in_plan`, its status; a new behandelaar rol, then the
//! old one removed. A process killed between two of them, or a case
//! system that stops answering, would leave a half-made zaak (a request
//! shown as pending for ever, two behandelaars), and the re-read that
//! finds it would record the change as the case system's, without the
//! person who gave it or their reason.
//!
//! So a command is entered in the store (`zgw_pending`) before its first
//! write: what it is, on whose behalf, its history line and audit entry.
//! The projection that shows it written settles the entry in the same
//! transaction. An entry left behind is completed, never begun again: its
//! steps each look before they write, a filing keeps the number it
//! reserved, and the history and audit name the person and the reason.
//! That happens under the zaak's lock before anything else is read of that
//! zaak: before a notification's or a walk's re-read projects it, before
//! the next command on the case (so a retried filing takes no second
//! number), and at the start of every walk (so also after a restart).

use serde::{Deserialize, Serialize};

use super::{Refreshed, SourceError, Written, ZgwSource};
use crate::domain::lifecycle::{NewRequest, Transition};
use crate::domain::model::{Case, CaseEvent, Person, Request};
use crate::server::audit::AuditDraft;
use crate::server::store::ZgwKind;
use crate::zgw::client::ZgwError;

/// A command as entered before its first write.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub(super) enum Pending {
    /// A case transition the case system records (assign, escalate, ...).
    Case {
        actor: Person,
        before: Case,
        transition: Transition,
        audit: AuditDraft,
    },
    /// A request filed under the number reserved for it.
    Filing {
        actor: Person,
        before: Case,
        number: String,
        new: NewRequest,
        transition: Transition,
        audit: AuditDraft,
    },
    Decision {
        actor: Person,
        before: Request,
        decided: Request,
        event: CaseEvent,
        audit: AuditDraft,
    },
    /// A request's moved term (suspension, its end, an extension).
    Term {
        actor: Person,
        before: Request,
        next: Request,
        event: CaseEvent,
        audit: AuditDraft,
    },
}

impl Pending {
    fn name(&self) -> &'static str {
        match self {
            Pending::Case { .. } => "case",
            Pending::Filing { .. } => "filing",
            Pending::Decision { .. } => "decision",
            Pending::Term { .. } => "term",
        }
    }
}

/// What running a command gave.
pub(super) enum Ran {
    Case(Case),
    /// The filed request's deelzaak, and the case as read back.
    Filed(String, Case),
    Request,
}

impl ZgwSource {
    /// Enters a command before its first write; returns its entry.
    pub(super) async fn enter(
        &self,
        case_url: &str,
        command: &Pending,
    ) -> Result<i64, SourceError> {
        let text = serde_json::to_string(command).expect("a command serialises");
        Ok(self
            .store
            .zgw_pending_enter(case_url, &text, self.clock.now())
            .await?)
    }

    /// Completes the commands left pending on a case zaak, oldest first.
    /// The zaak's lock must be held.
    pub(super) async fn complete_left(&self, case_url: &str) -> Result<(), SourceError> {
        for entry in self.store.zgw_pending(Some(case_url)).await? {
            let command: Pending = match serde_json::from_str(&entry.command) {
                Ok(command) => command,
                Err(e) => {
                    // Only an older regiedesk's entry could be unreadable:
                    // kept, it would block the zaak for ever.
                    tracing::error!(id = entry.id, error = %e, "a pending command regiedesk cannot read; dropped");
                    self.store.zgw_pending_settle(entry.id).await?;
                    continue;
                }
            };
            tracing::info!(url = %case_url, id = entry.id, command = command.name(),
                entered_at = %entry.entered_at, "completing a command left pending");
            self.run(case_url, entry.id, &command).await?;
        }
        Ok(())
    }

    /// Completes what every zaak has left pending (at the start of a
    /// walk); a zaak whose commands cannot be completed now is logged and
    /// tried again at the next walk, without holding up this one.
    pub(super) async fn complete_all_left(&self) -> Result<usize, SourceError> {
        let mut urls: Vec<String> = self
            .store
            .zgw_pending(None)
            .await?
            .into_iter()
            .map(|e| e.case_url)
            .collect();
        urls.sort();
        urls.dedup();
        let mut completed = 0;
        for url in &urls {
            let lock = self.lock_of(url);
            let _held = lock.lock().await;
            match self.complete_left(url).await {
                Ok(()) => completed += 1,
                Err(e) => {
                    tracing::warn!(%url, error = %e, "a command left pending could not be completed yet")
                }
            }
        }
        Ok(completed)
    }

    /// Runs a command's writes to the end and projects the zaak as read
    /// back, settling its entry. When a write fails: a refusal will not
    /// change by trying again, so the entry is settled (what was written
    /// stays, as the case system has it); a case system that did not
    /// answer leaves the entry to be completed, and the caller hears
    /// `Held`.
    pub(super) async fn run(
        &self,
        case_url: &str,
        id: i64,
        command: &Pending,
    ) -> Result<Ran, SourceError> {
        match self.write_steps(case_url, command).await {
            Ok(deelzaak) => self.project_written(case_url, id, command, deelzaak).await,
            Err(e @ (ZgwError::OutcomeUnknown(_) | ZgwError::Unavailable(_))) => {
                tracing::warn!(url = %case_url, id, error = %e, "the case system did not answer; the command is held and completed later");
                Err(SourceError::Held(e))
            }
            Err(e) => {
                self.store.zgw_pending_settle(id).await?;
                Err(e.into())
            }
        }
    }

    /// The command's writes, each skipped when the zaak shows it already;
    /// for a filing, the deelzaak's URL.
    async fn write_steps(
        &self,
        case_url: &str,
        command: &Pending,
    ) -> Result<Option<String>, ZgwError> {
        match command {
            Pending::Case {
                actor,
                before,
                transition,
                ..
            } => {
                let me = Self::on_behalf(actor);
                once_more_if_unknown!(case_url, self.push_case(case_url, before, transition, &me))?;
                Ok(None)
            }
            Pending::Filing {
                actor,
                before,
                number,
                new,
                transition,
                ..
            } => {
                let me = Self::on_behalf(actor);
                // The deelzaken regiedesk projects already are other
                // requests, even when someone gave one this number.
                let mut linked = std::collections::HashSet::new();
                let requests = self
                    .store
                    .requests_of_case(before.id)
                    .await
                    .map_err(|e| ZgwError::Unavailable(e.to_string()))?;
                for request in requests {
                    let url = self
                        .store
                        .zgw_url(ZgwKind::Request, request.id)
                        .await
                        .map_err(|e| ZgwError::Unavailable(e.to_string()))?;
                    linked.extend(url);
                }
                let deelzaak = once_more_if_unknown!(
                    case_url,
                    self.push_request(case_url, number, new, &linked, &me)
                )?;
                once_more_if_unknown!(case_url, self.push_case(case_url, before, transition, &me))?;
                Ok(Some(deelzaak))
            }
            Pending::Decision {
                actor,
                before,
                decided,
                ..
            } => {
                let me = Self::on_behalf(actor);
                let url = self.request_url(before.id).await?;
                once_more_if_unknown!(url, self.push_decision(&url, decided, &me))?;
                Ok(None)
            }
            Pending::Term {
                actor,
                before,
                next,
                ..
            } => {
                let me = Self::on_behalf(actor);
                let url = self.request_url(before.id).await?;
                once_more_if_unknown!(url, self.push_term(&url, next, &me))?;
                Ok(None)
            }
        }
    }

    async fn request_url(&self, id: i64) -> Result<String, ZgwError> {
        self.store
            .zgw_url(ZgwKind::Request, id)
            .await
            .map_err(|e| ZgwError::Unavailable(e.to_string()))?
            .ok_or_else(|| ZgwError::NotFound(format!("de koppeling van aanvraag {id}")))
    }

    /// Projects the zaak as read back with the command's own history line
    /// and audit entry, settling its entry in the same transaction.
    async fn project_written(
        &self,
        case_url: &str,
        id: i64,
        command: &Pending,
        deelzaak: Option<String>,
    ) -> Result<Ran, SourceError> {
        match command {
            Pending::Case {
                before,
                transition,
                audit,
                ..
            }
            | Pending::Filing {
                before,
                transition,
                audit,
                ..
            } => {
                // Changes only regiedesk records (a stuck report) may have
                // come in since the command was given: then they stay, and
                // the case system's fields are laid over them.
                let current = self.store.case(before.id).await?;
                let base = match &current {
                    Some(current) if current.version != before.version => current,
                    _ => &transition.case,
                };
                let filed = match command {
                    Pending::Filing { number, .. } => Some(number.as_str()),
                    _ => None,
                };
                let written = Written {
                    case: base,
                    event: &transition.event,
                    request: None,
                    filed,
                    audit,
                    settles: Some(id),
                };
                let case = self.projected(case_url, written).await?.case;
                Ok(match deelzaak {
                    Some(deelzaak) => Ran::Filed(deelzaak, case),
                    None => Ran::Case(case),
                })
            }
            Pending::Decision {
                before,
                decided,
                event,
                audit,
                ..
            } => {
                let case = self
                    .store
                    .case(before.case_id)
                    .await?
                    .ok_or_else(|| SourceError::NotRecorded("de zaak".into()))?;
                let written = Written {
                    case: &case,
                    event,
                    request: Some(decided),
                    filed: None,
                    audit,
                    settles: Some(id),
                };
                self.projected(case_url, written).await?;
                Ok(Ran::Request)
            }
            Pending::Term {
                before,
                next,
                event,
                audit,
                ..
            } => {
                // The term is regiedesk's own: stored with the request,
                // unless a run killed after storing it left the entry.
                let current = self.store.request(before.id).await?;
                if current.is_some_and(|r| r.version == before.version) {
                    self.store
                        .save_request(next, before.version, event, audit.clone())
                        .await?;
                }
                self.store.zgw_pending_settle(id).await?;
                self.read_and_project(case_url, None).await?;
                Ok(Ran::Request)
            }
        }
    }

    async fn projected(
        &self,
        case_url: &str,
        written: Written<'_>,
    ) -> Result<Refreshed, SourceError> {
        self.read_and_project(case_url, Some(written))
            .await?
            .ok_or_else(|| SourceError::NotRecorded(case_url.to_string()))
    }
}
