//! The writes of the desk's commands to the case system. Each command
//! holds its zaak's lock, writes step by step (each step skipped when the
//! zaak already shows it), and then projects the zaak as read back, with
//! the command's own history line and audit entry.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::pending::{Pending, Ran};
use super::{SourceError, ZgwSource, uuid_of, with_query};
use crate::domain::calendar::local_date;
use crate::domain::lifecycle::{NewRequest, Transition};
use crate::domain::model::{Case, CaseEvent, CaseStatus, Person, Request, RequestStatus};
use crate::server::audit::AuditDraft;
use crate::server::store::{StoreError, ZgwKind};
use crate::zgw::client::{OnBehalf, ZgwError};
use crate::zgw::mapping::{self, Rol, Zaak, ZaakRead};

/// The writes of one command, each skipped when the zaak already shows it.
impl ZgwSource {
    pub(super) fn on_behalf(actor: &Person) -> OnBehalf {
        OnBehalf {
            user_id: actor.login.clone(),
            user_representation: actor.display_name.clone(),
        }
    }

    /// Whether a case transition changes what the case system records.
    pub fn records(&self, t: &Transition) -> bool {
        use crate::domain::model::EventKind::*;
        matches!(
            t.event.kind,
            Assigned
                | Reassigned
                | FirstContact
                | Plan
                | Escalated
                | TakenOver
                | Deescalated
                | Closed
                | WaakvlamPostponed
        )
    }

    /// A case's zaak URL, with that zaak's lock held and what earlier
    /// commands left pending on it completed, once the case is still at the
    /// version the command was made on.
    async fn hold_case(
        &self,
        before: &Case,
    ) -> Result<(String, tokio::sync::OwnedMutexGuard<()>), SourceError> {
        let url = self.url_of(ZgwKind::Case, before.id).await?;
        let held = self.lock_of(&url).lock_owned().await;
        // What an earlier command left half-made is finished first; if
        // that changed the case, this command was made on an old version.
        self.complete_left(&url).await?;
        let stored = self.store.case(before.id).await?;
        if stored.map(|c| c.version) != Some(before.version) {
            return Err(StoreError::StaleVersion.into());
        }
        Ok((url, held))
    }

    /// As `hold_case`, for a request: its case's zaak URL, its own, and the
    /// case zaak's lock.
    async fn hold_request(
        &self,
        before: &Request,
    ) -> Result<(String, String, tokio::sync::OwnedMutexGuard<()>), SourceError> {
        let case_url = self.url_of(ZgwKind::Case, before.case_id).await?;
        let url = self.url_of(ZgwKind::Request, before.id).await?;
        let held = self.lock_of(&case_url).lock_owned().await;
        self.complete_left(&case_url).await?;
        let stored = self.store.request(before.id).await?;
        if stored.map(|r| r.version) != Some(before.version) {
            return Err(StoreError::StaleVersion.into());
        }
        Ok((case_url, url, held))
    }

    async fn url_of(&self, kind: ZgwKind, id: i64) -> Result<String, SourceError> {
        self.store.zgw_url(kind, id).await?.ok_or_else(|| {
            SourceError::NotRecorded(format!("de koppeling van {} {id}", kind.as_str()))
        })
    }

    /// Writes a case transition to the case system, then projects the
    /// zaak as read back, with the transition's history line and audit.
    pub async fn write_case(
        &self,
        actor: &Person,
        before: &Case,
        t: &Transition,
        audit: AuditDraft,
    ) -> Result<Case, SourceError> {
        let (url, _held) = self.hold_case(before).await?;
        let command = Pending::Case {
            actor: actor.clone(),
            before: before.clone(),
            transition: t.clone(),
            audit,
        };
        let id = self.enter(&url, &command).await?;
        let Ran::Case(case) = self.run(&url, id, &command).await? else {
            unreachable!("a case command gives a case")
        };
        self.check_recorded(&t.case, &case)?;
        Ok(case)
    }

    /// The re-read must show what was written; if not, the projection now
    /// shows the truth and the caller hears the write did not land.
    fn check_recorded(&self, wanted: &Case, got: &Case) -> Result<(), SourceError> {
        if wanted.casusregisseur != got.casusregisseur {
            return Err(SourceError::NotRecorded("de casusregisseur".into()));
        }
        if wanted.escalated != got.escalated {
            return Err(SourceError::NotRecorded("de escalatie".into()));
        }
        if wanted.is_open() != got.is_open() {
            return Err(SourceError::NotRecorded("het afsluiten".into()));
        }
        Ok(())
    }

    pub(super) async fn push_case(
        &self,
        url: &str,
        before: &Case,
        t: &Transition,
        me: &OnBehalf,
    ) -> Result<(), ZgwError> {
        let after = &t.case;
        let read = self.read_zaak(url, false).await?;
        let types = &self.catalogue.case;
        let now = self.clock.now();
        if after.casusregisseur != before.casusregisseur
            && let Some(login) = &after.casusregisseur
        {
            self.put_holder(&read, &types.casusregisseur, login, "", me)
                .await?;
        }
        if after.taken_over
            && !before.taken_over
            && let Some(login) = &after.casusregisseur
        {
            let why = t.event.note.clone().unwrap_or_default();
            self.put_holder(&read, &types.doorzettingsmacht, login, &why, me)
                .await?;
        }
        if after.escalated != before.escalated || after.taken_over != before.taken_over {
            let value = match (after.escalated, after.taken_over) {
                (false, _) => "geen",
                (true, false) => "geescaleerd",
                (true, true) => "overgenomen",
            };
            self.put_eigenschap(&read, &types.escalation, value, me)
                .await?;
        }
        if after.waakvlam_until != before.waakvlam_until
            && let Some(until) = after.waakvlam_until
        {
            let value = until.format("%Y%m%d").to_string();
            self.put_eigenschap(&read, &types.waakvlam_until, &value, me)
                .await?;
        }
        if before.is_open() && !after.is_open() {
            if read.zaak.resultaat.as_deref().is_none_or(str::is_empty) {
                let result = after
                    .close_result
                    .unwrap_or(crate::domain::model::CloseResult::GoalsMet);
                let resultaattype = if after.status == CaseStatus::Waakvlam {
                    types.waakvlam.clone()
                } else {
                    types.close[&result].clone()
                };
                let body = json!({"zaak": url, "resultaattype": resultaattype, "toelichting": result.as_str()});
                self.client
                    .post::<Value>(&self.zaken("resultaten", &[]), &body, me)
                    .await?;
            }
            self.put_status(&read, &types.statustypen[&CaseStatus::Closed], now, me)
                .await?;
        } else if after.status != before.status
            && let Some(statustype) = types.statustypen.get(&after.status)
        {
            // A first contact is dated when it happened, not when it was
            // recorded: the norm of two working days runs to that moment,
            // and a projection read anew from the case system must find it.
            let at = match after.status {
                CaseStatus::Contacted => after.first_contact_at.unwrap_or(now),
                _ => now,
            };
            self.put_status(&read, statustype, at, me).await?;
        }
        Ok(())
    }

    /// Makes `login` the holder of `roltype` unless it already is; earlier
    /// holders' rollen are removed (the audit trail keeps them).
    async fn put_holder(
        &self,
        read: &ZaakRead,
        roltype: &str,
        login: &str,
        toelichting: &str,
        me: &OnBehalf,
    ) -> Result<(), ZgwError> {
        let holders: Vec<&Rol> = read
            .rollen
            .iter()
            .filter(|r| r.roltype == roltype)
            .collect();
        let current = read.holder(roltype, self.clock.now());
        if current.and_then(Rol::medewerker).as_deref() != Some(login) {
            let person = self.store.person(login).await.ok().flatten();
            let body = json!({
                "zaak": read.zaak.url,
                "betrokkeneType": "medewerker",
                "roltype": roltype,
                "roltoelichting": toelichting,
                "betrokkeneIdentificatie": {
                    "identificatie": login,
                    "achternaam": person.map(|p| p.display_name).unwrap_or_else(|| login.to_string()),
                },
            });
            self.client
                .post::<Value>(&self.zaken("rollen", &[]), &body, me)
                .await?;
        }
        for old in holders
            .iter()
            .filter(|r| r.medewerker().as_deref() != Some(login))
        {
            match self.client.delete(&old.url, me).await {
                Ok(()) | Err(ZgwError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn put_eigenschap(
        &self,
        read: &ZaakRead,
        eigenschap: &str,
        value: &str,
        me: &OnBehalf,
    ) -> Result<(), ZgwError> {
        let path = format!("zaken/{}/zaakeigenschappen", uuid_of(&read.zaak.url));
        let body = json!({"zaak": read.zaak.url, "eigenschap": eigenschap, "waarde": value});
        match read
            .eigenschappen
            .iter()
            .find(|e| e.eigenschap == eigenschap)
        {
            Some(e) if e.waarde == value => Ok(()),
            Some(e) => self.client.put(&e.url, &body, me).await,
            None => self
                .client
                .post::<Value>(&self.zaken(&path, &[]), &body, me)
                .await
                .map(|_| ()),
        }
    }

    /// Sets a status unless it is the zaak's last one already.
    async fn put_status(
        &self,
        read: &ZaakRead,
        statustype: &str,
        at: DateTime<Utc>,
        me: &OnBehalf,
    ) -> Result<(), ZgwError> {
        let last = read.last_status();
        if last.is_some_and(|s| s.statustype == statustype) {
            return Ok(());
        }
        // A status is not set before the one it follows; the case system
        // orders them by this moment and refuses one in the future, so two
        // steps in one second need the fraction.
        let at = last.map_or(at, |s| {
            at.max(s.datum_status_gezet + chrono::Duration::milliseconds(1))
        });
        let body = json!({
            "zaak": read.zaak.url,
            "statustype": statustype,
            "datumStatusGezet": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        });
        self.client
            .post::<Value>(&self.zaken("statussen", &[]), &body, me)
            .await?;
        Ok(())
    }

    /// Writes a decision on a request: besluit, beslisser, resultaat and
    /// eindstatus on its deelzaak; then projects the case as read back.
    pub async fn write_decision(
        &self,
        actor: &Person,
        before: &Request,
        decided: &Request,
        event: &CaseEvent,
        audit: AuditDraft,
    ) -> Result<Request, SourceError> {
        let (case_url, url, _held) = self.hold_request(before).await?;
        let command = Pending::Decision {
            actor: actor.clone(),
            before: before.clone(),
            decided: decided.clone(),
            event: event.clone(),
            audit,
        };
        let id = self.enter(&case_url, &command).await?;
        self.run(&case_url, id, &command).await?;
        let saved = self
            .store
            .request(before.id)
            .await?
            .ok_or_else(|| SourceError::NotRecorded(url.clone()))?;
        if saved.status != decided.status {
            return Err(SourceError::NotRecorded("het besluit".into()));
        }
        Ok(saved)
    }

    /// Files a request: a deelzaak of the case zaak with the number
    /// regiedesk reserved as its kenmerk, its decision deadline (computed by
    /// regiedesk) as uiterlijkeEinddatumAfdoening, the filer as initiator,
    /// whether it is part of the plan, and its first status; then the
    /// case's own step. Projects the case as read back and returns the
    /// request as stored.
    pub async fn file_request(
        &self,
        actor: &Person,
        before: &Case,
        new: &NewRequest,
        t: &Transition,
        audit: AuditDraft,
    ) -> Result<(Request, Case), SourceError> {
        let (url, _held) = self.hold_case(before).await?;
        let year = chrono::Datelike::year(&local_date(new.filed_at));
        let number = self.store.reserve_request_number(year).await?;
        let command = Pending::Filing {
            actor: actor.clone(),
            before: before.clone(),
            number,
            new: new.clone(),
            transition: t.clone(),
            audit,
        };
        let id = self.enter(&url, &command).await?;
        let Ran::Filed(deelzaak, case) = self.run(&url, id, &command).await? else {
            unreachable!("a filing gives its deelzaak")
        };
        let link = self
            .store
            .zgw_link(&deelzaak)
            .await?
            .ok_or_else(|| SourceError::NotRecorded("de aanvraag".into()))?;
        let request = self
            .store
            .request(link.local_id)
            .await?
            .ok_or_else(|| SourceError::NotRecorded("de aanvraag".into()))?;
        self.check_recorded(&t.case, &case)?;
        Ok((request, case))
    }

    /// The deelzaak of a request, made unless a deelzaak of the case zaak
    /// that is not `linked` to a request already carries its number (a
    /// retry after a lost answer); returns its URL.
    pub(super) async fn push_request(
        &self,
        case_url: &str,
        number: &str,
        new: &NewRequest,
        linked: &HashSet<String>,
        me: &OnBehalf,
    ) -> Result<String, ZgwError> {
        let types = &self.catalogue.requests[&new.kind];
        let case: Zaak = self.client.get(case_url, me).await?;
        let mut found = None;
        for deelzaak in case.deelzaken.iter().filter(|d| !linked.contains(*d)) {
            let zaak: Zaak = self.client.get(deelzaak, me).await?;
            if zaak.zaaktype == types.zaaktype && zaak.number() == number {
                found = Some(zaak.url);
                break;
            }
        }
        let url = match found {
            Some(url) => url,
            None => {
                let today = local_date(new.filed_at).to_string();
                let mut body = json!({
                    "zaaktype": types.zaaktype,
                    "bronorganisatie": self.config.rsin,
                    "verantwoordelijkeOrganisatie": self.config.rsin,
                    "startdatum": today,
                    "registratiedatum": today,
                    "hoofdzaak": case_url,
                    "kenmerken": [{"kenmerk": number, "bron": mapping::KENMERK_BRON}],
                    "omschrijving": new.provision,
                    "toelichting": new.motivation,
                    "uiterlijkeEinddatumAfdoening": local_date(new.decide_by).to_string(),
                });
                // As confidential as the case it belongs to (child safety).
                if let Some(aanduiding) = &case.vertrouwelijkheidaanduiding {
                    body["vertrouwelijkheidaanduiding"] = json!(aanduiding);
                }
                let made: Zaak = self
                    .client
                    .post(&self.zaken("zaken", &[]), &body, me)
                    .await?;
                made.url
            }
        };
        let read = self.read_zaak(&url, false).await?;
        self.put_holder(&read, &types.filer, &new.filed_by, "", me)
            .await?;
        let in_plan = if new.in_plan { "ja" } else { "nee" };
        self.put_eigenschap(&read, &types.in_plan, in_plan, me)
            .await?;
        self.put_status(&read, &types.filed, new.filed_at, me)
            .await?;
        Ok(url)
    }

    /// Writes a request's moved term (a suspension, its end, an
    /// extension): the new deadline as the deelzaak's
    /// uiterlijkeEinddatumAfdoening and whether it stands still as its
    /// opschorting. The term itself is regiedesk's and stored with the
    /// request; the case is then read back.
    pub async fn write_term(
        &self,
        actor: &Person,
        before: &Request,
        next: &Request,
        event: &CaseEvent,
        audit: AuditDraft,
    ) -> Result<Request, SourceError> {
        let (case_url, url, _held) = self.hold_request(before).await?;
        let command = Pending::Term {
            actor: actor.clone(),
            before: before.clone(),
            next: next.clone(),
            event: event.clone(),
            audit,
        };
        let id = self.enter(&case_url, &command).await?;
        self.run(&case_url, id, &command).await?;
        self.store
            .request(before.id)
            .await?
            .ok_or_else(|| SourceError::NotRecorded(url.clone()))
    }

    pub(super) async fn push_term(
        &self,
        url: &str,
        next: &Request,
        me: &OnBehalf,
    ) -> Result<(), ZgwError> {
        let zaak: Zaak = self.client.get(url, me).await?;
        let due = local_date(next.decide_by);
        let today = local_date(self.clock.now());
        let suspension = next.term.suspended_on(today);
        let opschorting = mapping::Opschorting {
            indicatie: suspension.is_some(),
            reden: suspension.map(|s| s.note.clone()).unwrap_or_default(),
        };
        let recorded = zaak.opschorting.clone().unwrap_or_default();
        if zaak.uiterlijke_einddatum_afdoening == Some(due)
            && recorded.indicatie == opschorting.indicatie
        {
            return Ok(());
        }
        let body = json!({
            "uiterlijkeEinddatumAfdoening": due.to_string(),
            "opschorting": {"indicatie": opschorting.indicatie, "reden": opschorting.reden},
        });
        self.client.patch(url, &body, me).await
    }

    pub(super) async fn push_decision(
        &self,
        url: &str,
        decided: &Request,
        me: &OnBehalf,
    ) -> Result<(), ZgwError> {
        let read = self.read_zaak(url, true).await?;
        let types = &self.catalogue.requests[&decided.kind];
        let now = self.clock.now();
        let today = mapping::besluit_date(now).to_string();
        if read.besluiten.is_empty() {
            let body = json!({
                "verantwoordelijkeOrganisatie": self.config.rsin,
                "besluittype": self.catalogue.besluittype,
                "zaak": url,
                "datum": today,
                "ingangsdatum": today,
                "toelichting": decided.reason.clone().unwrap_or_default(),
            });
            let besluiten = with_query(&self.config.besluiten_api, "besluiten", &[]);
            self.client.post::<Value>(&besluiten, &body, me).await?;
        }
        if let Some(login) = &decided.decided_by {
            self.put_holder(&read, &types.decider, login, "mandaat", me)
                .await?;
        }
        if read.zaak.resultaat.as_deref().is_none_or(str::is_empty) {
            let resultaattype = match decided.status {
                RequestStatus::Rejected => &types.rejected,
                _ => &types.approved,
            };
            let body = json!({"zaak": url, "resultaattype": resultaattype, "toelichting": ""});
            self.client
                .post::<Value>(&self.zaken("resultaten", &[]), &body, me)
                .await?;
        }
        self.put_status(&read, &types.decided, now, me).await?;
        Ok(())
    }
}
