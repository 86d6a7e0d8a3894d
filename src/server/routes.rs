//! The handlers of the case API. Each one: authenticate, find, authorise,
//! check the precondition, parse the body, apply the domain rule, store,
//! answer. In that order, so errors come out in the order RFC 9110 expects.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use super::AppState;
use super::audit::{AuditDraft, AuditEntry};
use super::disclosure;
use super::error::ApiError;
use super::http::{Actor, Body, IfMatch, etag_header};
use super::store::{NewCase, StoreError};
use crate::api::wire::Tagged;
use crate::api::wire::{
    AssignBody, CaseDetailResponse, CloseBody, ContactBody, DecisionBody, DefaultNoticeBody,
    EvaluationBody, ExtendBody, FollowUpBody, Health, LoginConfig, Me, MeldingBody, NewCaseBody,
    NewHouseholdBody, NewRequestBody, NoteBody, OnderzoekBody, PlanBody, PlanRevisionBody,
    PostponeBody, Problem, ReasonBody, ResumeBody, SuspendBody, SyncResponse,
};
use crate::domain::lifecycle::{self, Transition};
use crate::domain::model::{
    Case, CaseEvent, FollowUpResult, Household, Person, Request, RequestStatus, Role,
};
use crate::domain::need_to_know;
use crate::domain::permissions::{self, CaseAction, TermAction};
use crate::domain::pseudonym;
use crate::domain::stats::{Bucket, Period, Throughput};

/// A path segment parsed into `T`, failing as a problem+json.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct PathId<T>(pub T);

/// A query string parsed into `T`, failing as a problem+json.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct QueryOf<T>(pub T);

// ---------------------------------------------------------------- health, me

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", security(()), responses(
    (status = 200, body = Health),
    (status = 503, body = Problem, content_type = "application/problem+json"),
))]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    // The counters were read within the second: the database answers.
    if !state.changes.database_answers() {
        state.changes.refresh(state.store.as_ref()).await?;
    }
    Ok(Json(Health {
        status: "ok".into(),
        notifications: state
            .source
            .as_ref()
            .and_then(|source| source.notifications()),
    }))
}

/// Who am I, and what may I do?
#[utoipa::path(get, path = "/api/v1/me", responses(
    (status = 200, body = Me),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
pub async fn me(Actor(person): Actor) -> Json<Me> {
    Json(Me::of(person))
}

/// How a desk logs in: public, so `regiedesk login` needs only the
/// server's address. 404 where people log in with static tokens.
#[utoipa::path(get, path = "/api/v1/login", security(()), responses(
    (status = 200, body = LoginConfig),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn login_config(State(state): State<AppState>) -> Result<Json<LoginConfig>, ApiError> {
    let oidc = state.auth.oidc.as_ref().ok_or_else(|| {
        ApiError::NotFound(
            "deze server kent geen identiteitsprovider: vraag de beheerder om een token".into(),
        )
    })?;
    let config = oidc.config();
    Ok(Json(LoginConfig {
        issuer: config.issuer.clone(),
        client_id: config.desk_client_id.clone(),
        scopes: config.desk_scopes.clone(),
    }))
}

// ---------------------------------------------------------------- sync

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncParams {
    /// The `cursor` of the previous sync (`<epoch>.<change>`); absent for
    /// everything.
    #[param(pattern = "^([0-9a-f]{12}\\.[0-9]+)?$")]
    pub since: Option<String>,
    /// Items per page, 1 to 5000 (default 1000).
    #[param(minimum = 1, maximum = 5000)]
    pub limit: Option<u32>,
}

fn sync_etag(cursor: i64, scope: Option<&str>) -> String {
    let scope = match scope {
        None => "all".to_string(),
        Some(login) => hex::encode(&Sha256::digest(login.as_bytes())[..6]),
    };
    format!("W/\"sync-{cursor}-{scope}\"")
}

/// Delta sync for the desk. With `If-None-Match` set to the last `ETag`
/// and `since` to the last cursor, an idle poll is a bodiless 304.
#[utoipa::path(get, path = "/api/v1/sync", params(SyncParams), responses(
    (status = 200, body = SyncResponse, headers(("ETag" = String))),
    (status = 304, description = "Nothing changed since the cursor"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 410, description = "A cursor this server never handed out (after a restore or a reseed): sync again without `since`", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "This caller already has two syncs running; wait `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
))]
pub async fn sync(
    State(state): State<AppState>,
    Actor(person): Actor,
    QueryOf(params): QueryOf<SyncParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let epoch = state
        .epoch
        .get_or_try_init(|| state.store.epoch())
        .await?
        .clone();
    let since = match params.since.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(c) => {
            // `<epoch>.<change>`; a cursor of another epoch (another
            // database, or this one before a restore) or of the old plain
            // form is gone: the desk syncs afresh.
            let (of, change) = c.split_once('.').unwrap_or(("", c));
            let change = change.parse::<i64>().ok().filter(|c| *c >= 0);
            match change {
                None => {
                    return Err(ApiError::BadRequest(format!(
                        "onbekende cursor {:?}",
                        super::error::ellipsis(c, 40)
                    )));
                }
                Some(_) if of != epoch => {
                    return Err(ApiError::Gone(
                        "deze cursor hoort bij een andere stand van de database (hersteld of \
                         opnieuw gevuld); haal alles opnieuw op (zonder since)"
                            .into(),
                    ));
                }
                Some(change) => change,
            }
        }
    };
    let limit = match params.limit {
        None => 1000,
        Some(n @ 1..=5000) => n as usize,
        Some(_) => return Err(ApiError::BadRequest("limit ligt tussen 1 en 5000".into())),
    };
    if let Err(denied) = permissions::may_sync(&person) {
        return Err(refused_outright(&state, &person, "sync", denied).await);
    }
    let scope = (person.role == Role::Casusregisseur).then_some(person.login.as_str());
    let matches = |tag: &str| {
        headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
    };
    let not_modified = |tag: String| {
        let tag = HeaderValue::from_str(&tag).expect("etag is a valid header value");
        (StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response()
    };
    // An idle poll: the caller has the latest change. Answered from the
    // counters in memory, without the database (see `server::watch`).
    if state.changes.trusted().is_some_and(|c| c.change == since) {
        let tag = sync_etag(since, scope);
        if matches(&tag) {
            return Ok(not_modified(tag));
        }
    }
    let Some(_slot) = state.sync_slots.take(&person.login) else {
        return Err(ApiError::TooManyRequests {
            seconds: super::slots::RETRY_AFTER,
        });
    };
    let page = state.store.sync(since, scope, limit).await?;
    if since > page.latest {
        // After a restore or a reseed: a cursor this database never
        // handed out. 304 would keep the desk on stale data forever.
        // The answer names no counter: how many changes the whole
        // municipality made is not a caller's business.
        return Err(ApiError::Gone(
            "deze cursor is onbekend in deze database; haal alles opnieuw op (zonder since)".into(),
        ));
    }
    let tag = sync_etag(page.cursor, scope);
    if matches(&tag) {
        return Ok(not_modified(tag));
    }
    let tag = HeaderValue::from_str(&tag).expect("etag is a valid header value");
    let served = disclosure::Page {
        since,
        cursor: page.cursor,
        has_more: page.has_more,
        cases: page.cases.len(),
        requests: page.requests.len(),
    };
    let scope_name = scope.map_or("alle zaken", |_| "eigen zaken");
    if let Some(reason) = state.sync_runs.served(&person.login, scope_name, served) {
        let audit = AuditDraft::ok(&person, state.clock.now(), "sync").reason(Some(reason));
        state.store.append_audit_entry(audit).await?;
    }
    let role = person.role;
    let body = SyncResponse {
        cursor: format!("{epoch}.{}", page.cursor),
        has_more: page.has_more,
        cases: (page.cases.into_iter())
            .map(|c| need_to_know::case_for(role, c))
            .collect(),
        requests: (page.requests.into_iter())
            .map(|r| need_to_know::request_for(role, r))
            .collect(),
        // The caller's reminders come with their own row (a note with a
        // reminder gives it a new change number).
        reminders: match page.people.iter().any(|p| p.login == person.login) {
            true => Some(state.store.reminders_of(&person.login).await?),
            false => None,
        },
        people: page.people,
        absences: page.absences,
        removed_cases: page.removed_cases,
    };
    Ok(([(header::ETAG, tag)], Json(body)).into_response())
}

// ---------------------------------------------------------------- households

/// Registers a household under a pseudonym.
#[utoipa::path(post, path = "/api/v1/households", request_body = NewHouseholdBody, responses(
    (status = 201, body = Household),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
pub async fn create_household(
    State(state): State<AppState>,
    Actor(actor): Actor,
    body: Body,
) -> Result<(StatusCode, Json<Household>), ApiError> {
    if let Err(denied) = permissions::may_refer(&actor) {
        return Err(refused_outright(&state, &actor, "case.refer", denied).await);
    }
    not_with_zgw(&state, "een huishouden registreren")?;
    let body: NewHouseholdBody = body.parse()?;
    let typed = body
        .pseudonym
        .as_deref()
        .map(pseudonym::typed)
        .transpose()?;
    let members = lifecycle::household_members(body.members)?;
    // A pseudonym made here that another household already has is made
    // anew; a typed one that is taken is the caller's conflict.
    for _ in 0..8 {
        let pseudonym = match &typed {
            Some(typed) => typed.clone(),
            None => pseudonym::make(&mut rand::rng()),
        };
        let audit = AuditDraft::ok(&actor, state.clock.now(), "household.create");
        match state
            .store
            .create_household(&pseudonym, members, audit)
            .await
        {
            Err(StoreError::Duplicate(_)) if typed.is_none() => continue,
            other => return Ok((StatusCode::CREATED, Json(other?))),
        }
    }
    Err(ApiError::Internal)
}

// ---------------------------------------------------------------- cases

/// Registers a referral: a new, unassigned case.
#[utoipa::path(post, path = "/api/v1/cases", request_body = NewCaseBody, responses(
    (status = 201, body = Case, headers(("ETag" = String))),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
pub async fn create_case(
    State(state): State<AppState>,
    Actor(actor): Actor,
    body: Body,
) -> Result<Response, ApiError> {
    if let Err(denied) = permissions::may_refer(&actor) {
        return Err(refused_outright(&state, &actor, "case.refer", denied).await);
    }
    not_with_zgw(&state, "een aanmelding registreren")?;
    let body: NewCaseBody = body.parse()?;
    if state.store.household(body.household_id).await?.is_none() {
        return Err(ApiError::Unprocessable(format!(
            "huishouden {} bestaat niet",
            body.household_id
        )));
    }
    let now = state.clock.now();
    let new = NewCase {
        household_id: body.household_id,
        domain: body.domain,
        source: body.source,
        risk_flags: body.risk_flags,
        referred_at: now,
        referred_by: actor.login.clone(),
    };
    let case = state
        .store
        .create_case(new, AuditDraft::ok(&actor, now, "case.create"))
        .await?;
    Ok((
        StatusCode::CREATED,
        etag_header(Tagged::Case, case.id, case.version),
        Json(need_to_know::case_for(actor.role, case)),
    )
        .into_response())
}

/// A case's detail. Every read is written to the audit log.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = CaseDetailResponse, headers(("ETag" = String))),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn case_detail(
    State(state): State<AppState>,
    Actor(actor): Actor,
    PathId(id): PathId<i64>,
) -> Result<Response, ApiError> {
    let Some(case) = state.store.case(id).await? else {
        return Err(not_there(&state, &actor, "zaak", id, "case.read").await);
    };
    may_read_detail(&state, &actor, &case, None).await?;
    let audit = AuditDraft::ok(&actor, state.clock.now(), "case.read");
    let detail = state
        .store
        .case_detail(id, audit)
        .await?
        .ok_or_else(|| ApiError::not_found("zaak", id))?;
    let role = actor.role;
    let body = CaseDetailResponse {
        case: need_to_know::case_for(role, detail.case),
        household: detail.household,
        events: (detail.events.into_iter())
            .map(|e| need_to_know::event_for(role, e))
            .collect(),
        requests: (detail.requests.into_iter())
            .map(|r| need_to_know::request_for(role, r))
            .collect(),
        // The caller's own notes only: a note is its author's.
        notes: state.store.notes_of(id, &actor.login).await?,
    };
    Ok((
        etag_header(Tagged::Case, body.case.id, body.case.version),
        Json(body),
    )
        .into_response())
}

/// Whether `actor` may read the detail of `case` (or of its request
/// `request_id`); a refusal is audited, as NEN 7513 asks.
async fn may_read_detail(
    state: &AppState,
    actor: &Person,
    case: &Case,
    request_id: Option<i64>,
) -> Result<(), ApiError> {
    let action = if request_id.is_some() {
        "request.read"
    } else {
        "case.read"
    };
    let Err(denied) = permissions::may_act_on_case(actor, CaseAction::ReadDetail, case) else {
        return Ok(());
    };
    Err(refused(state, actor, case, request_id, action, denied).await)
}

/// Audits a refused read or change of `case` (or of its request) and says
/// what the caller gets: 404, as for an id that was never given out, when
/// they may not see the case at all (so that a casusregisseur cannot count
/// the municipality's cases and requests); else the 403 of `denied`.
pub(super) async fn refused(
    state: &AppState,
    actor: &Person,
    case: &Case,
    request_id: Option<i64>,
    action: &str,
    denied: permissions::Denied,
) -> ApiError {
    let mut draft = AuditDraft::refused(Some(actor), state.clock.now(), action, &denied.0);
    draft.case_id = Some(case.id);
    draft.request_id = request_id;
    state.record_refusal(draft).await;
    match (permissions::sees_case(actor, case), request_id) {
        (true, _) => denied.into(),
        (false, Some(id)) => ApiError::not_found("aanvraag", id),
        (false, None) => ApiError::not_found("zaak", case.id),
    }
}

/// The 404 of a case or request that does not exist, audited like the 404
/// of one the caller may not see: an attempt at an id is on record either
/// way, and both answers cost the same (the attack timed the difference
/// to count the municipality's cases).
pub(super) async fn not_there(
    state: &AppState,
    actor: &Person,
    kind: &str,
    id: i64,
    action: &str,
) -> ApiError {
    let mut draft = AuditDraft::refused(Some(actor), state.clock.now(), action, "bestaat niet");
    match kind {
        "aanvraag" => draft.request_id = Some(id),
        _ => draft.case_id = Some(id),
    }
    state.record_refusal(draft).await;
    ApiError::not_found(kind, id)
}

/// Audits a refusal that concerns no case or request (a referral, the
/// figures, the audit log) and answers it.
pub(super) async fn refused_outright(
    state: &AppState,
    actor: &Person,
    action: &str,
    denied: permissions::Denied,
) -> ApiError {
    let draft = AuditDraft::refused(Some(actor), state.clock.now(), action, &denied.0);
    state.record_refusal(draft).await;
    denied.into()
}

/// With a ZGW source, referrals are made in the case system (where the
/// intake is registered), not through regiedesk.
fn not_with_zgw(state: &AppState, what: &str) -> Result<(), ApiError> {
    match state.source {
        Some(_) => Err(ApiError::Conflict(format!(
            "{what} gebeurt in het zaaksysteem; regiedesk toont het daarna vanzelf"
        ))),
        None => Ok(()),
    }
}

/// Loads a case and checks that `actor` may do `action` and holds its
/// current version: the shared first half of every case action.
async fn prepare(
    state: &AppState,
    actor: &Person,
    id: i64,
    if_match: &IfMatch,
    action: CaseAction,
) -> Result<Case, ApiError> {
    let Some(case) = state.store.case(id).await? else {
        return Err(not_there(state, actor, "zaak", id, "case.change").await);
    };
    if let Err(denied) = permissions::may_act_on_case(actor, action, &case) {
        return Err(refused(state, actor, &case, None, "case.change", denied).await);
    }
    if_match.check(Tagged::Case, case.id, case.version)?;
    Ok(case)
}

/// Stores a transition and answers with the case's new state. `detail`
/// goes into the audit entry: structured words only (a close result),
/// never what a person typed about a household, since the audit log is
/// read by the privacyfunctionaris (`need_to_know`); the case history
/// keeps the typed reason.
async fn commit(
    state: &AppState,
    actor: &Person,
    before: &Case,
    transition: Transition,
    action: &str,
    detail: Option<String>,
) -> Result<Response, ApiError> {
    let audit = AuditDraft::ok(actor, transition.event.at, action).reason(detail);
    let case = match &state.source {
        Some(zgw) if zgw.records(&transition) => {
            zgw.write_case(actor, before, &transition, audit).await?
        }
        _ => {
            state
                .store
                .save_transition(&transition, before.version, audit)
                .await?
        }
    };
    Ok((
        etag_header(Tagged::Case, case.id, case.version),
        Json(need_to_know::case_for(actor.role, case)),
    )
        .into_response())
}

/// The answers every case action can give.
/// Never built: it only describes the responses to OpenAPI.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, clippy::large_enum_variant)]
pub enum CaseActionResponses {
    /// The case's new state.
    #[response(status = 200, headers(("ETag" = String)))]
    Ok(Case),
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    #[response(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Problem),
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(Problem),
    #[response(status = 428, content_type = "application/problem+json")]
    PreconditionRequired(Problem),
}

/// Declares a case action handler with its OpenAPI description: a POST on
/// `/api/v1/cases/{id}/...` that needs the case's `If-Match`.
macro_rules! case_action {
    ($path:literal, $body:ty, $handler:item) => {
        #[utoipa::path(post, path = $path, request_body = $body,
            params(("id" = i64, Path), ("If-Match" = String, Header, description = "The case's ETag")),
            responses(CaseActionResponses))]
        $handler
    };
}

case_action!(
    "/api/v1/cases/{id}/assign",
    AssignBody,
    /// Assigns or reassigns the casusregisseur (procesregisseurs); a reassignment needs a reason.
    pub async fn assign(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::Assign).await?;
        let body: AssignBody = body.parse()?;
        let to = state
            .store
            .person(&body.casusregisseur)
            .await?
            .ok_or_else(|| {
                ApiError::Unprocessable(format!(
                    "{} is geen bekende medewerker",
                    body.casusregisseur
                ))
            })?;
        // Moved for the time of its holder's absence: that absence, so the
        // case can go back on the return date.
        let absence = match body.absence {
            None => None,
            Some(id) => match state.store.absence(id).await? {
                Some(a) if a.temporary && case.casusregisseur.as_deref() == Some(&a.login) => {
                    Some(a.id)
                }
                _ => {
                    return Err(ApiError::Unprocessable(format!(
                        "afwezigheid {id} is geen tijdelijke afwezigheid van wie deze zaak nu heeft"
                    )));
                }
            },
        };
        let t = lifecycle::assign(
            &case,
            &actor,
            &to,
            body.reason.as_deref(),
            state.clock.now(),
            &state.norms,
        )?;
        let answer = commit(&state, &actor, &case, t, "case.assign", None).await?;
        if let Some(absence) = absence {
            state
                .store
                .absence_moved(absence, case.id, &to.login)
                .await?;
        }
        Ok(answer)
    }
);

case_action!(
    "/api/v1/cases/{id}/contact",
    ContactBody,
    /// Records the first contact (the case's casusregisseur).
    pub async fn contact(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::RecordContact).await?;
        let body: ContactBody = body.parse()?;
        let t = lifecycle::record_contact(
            &case,
            &actor,
            body.at,
            body.note.as_deref(),
            state.clock.now(),
        )?;
        commit(&state, &actor, &case, t, "case.contact", None).await
    }
);

case_action!(
    "/api/v1/cases/{id}/melding",
    MeldingBody,
    /// A Wmo melding for an adults' case: the six-week onderzoek starts
    /// (the casusregisseur, the consulent or the procesregisseur volwassenen).
    pub async fn melding(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::RecordResearch).await?;
        let body: MeldingBody = body.parse()?;
        let t = lifecycle::record_melding(&case, &actor, body.on, state.clock.now())?;
        commit(&state, &actor, &case, t, "case.melding", None).await
    }
);

case_action!(
    "/api/v1/cases/{id}/onderzoek",
    OnderzoekBody,
    /// The Wmo onderzoek after the melding is finished.
    pub async fn onderzoek(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::RecordResearch).await?;
        let body: OnderzoekBody = body.parse()?;
        let t = lifecycle::record_onderzoek(
            &case,
            &actor,
            body.on,
            body.note.as_deref(),
            state.clock.now(),
        )?;
        commit(&state, &actor, &case, t, "case.onderzoek", None).await
    }
);

/// The requests a goal says it is served by must be the case's own.
async fn check_goal_requests(
    state: &AppState,
    case: &Case,
    goals: &[crate::domain::plan::NewGoal],
) -> Result<(), ApiError> {
    if goals.iter().all(|g| g.requests.is_empty()) {
        return Ok(());
    }
    let own: Vec<i64> = state
        .store
        .requests_of_case(case.id)
        .await?
        .iter()
        .map(|r| r.id)
        .collect();
    for id in goals.iter().flat_map(|g| &g.requests) {
        if !own.contains(id) {
            return Err(ApiError::Unprocessable(format!(
                "aanvraag {id} hoort niet bij {}",
                case.number
            )));
        }
    }
    Ok(())
}

case_action!(
    "/api/v1/cases/{id}/plan",
    PlanBody,
    /// Records that the plan is agreed, with its goals (at least one), by
    /// the case's casusregisseur or the procesregisseur of its domain.
    pub async fn plan(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::RecordPlan).await?;
        let body: PlanBody = body.parse()?;
        check_goal_requests(&state, &case, &body.goals).await?;
        let t = lifecycle::record_plan(
            &case,
            &actor,
            &body.goals,
            body.note.as_deref(),
            state.clock.now(),
            &state.norms,
        )?;
        commit(&state, &actor, &case, t, "case.plan", None).await
    }
);

case_action!(
    "/api/v1/cases/{id}/plan/revisions",
    PlanRevisionBody,
    /// Revises the plan: goals added, goals dropped with a reason.
    pub async fn revise_plan(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::RecordPlan).await?;
        let body: PlanRevisionBody = body.parse()?;
        check_goal_requests(&state, &case, &body.add).await?;
        let t = lifecycle::revise_plan(
            &case,
            &actor,
            &body.add,
            &body.drop,
            state.clock.now(),
            &state.norms,
        )?;
        commit(&state, &actor, &case, t, "case.plan_revision", None).await
    }
);

case_action!(
    "/api/v1/cases/{id}/evaluations",
    EvaluationBody,
    /// Evaluates the goals still pursued: a ZRM score (1-5) and a state each.
    pub async fn evaluate(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::RecordPlan).await?;
        let body: EvaluationBody = body.parse()?;
        let t = lifecycle::evaluate(
            &case,
            &actor,
            &body.scores,
            body.is_final,
            state.clock.now(),
            &state.norms,
        )?;
        let what = body.is_final.then(|| "final".to_string());
        commit(&state, &actor, &case, t, "case.evaluation", what).await
    }
);

case_action!(
    "/api/v1/cases/{id}/activity",
    NoteBody,
    /// Records activity; `note` is required (the case's casusregisseur).
    pub async fn activity(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::RecordActivity).await?;
        let body: NoteBody = body.parse()?;
        let t = lifecycle::record_activity(&case, &actor, body.note.as_deref(), state.clock.now())?;
        commit(&state, &actor, &case, t, "case.activity", None).await
    }
);

case_action!(
    "/api/v1/cases/{id}/stuck",
    NoteBody,
    /// Reports the case stuck; `note` is required (the case's casusregisseur).
    pub async fn stuck(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::ReportStuck).await?;
        let body: NoteBody = body.parse()?;
        let t = lifecycle::report_stuck(&case, &actor, body.note.as_deref(), state.clock.now())?;
        commit(&state, &actor, &case, t, "case.stuck", None).await
    }
);

case_action!(
    "/api/v1/cases/{id}/close",
    CloseBody,
    /// Closes the case, into waakvlam when a follow-up date is given.
    pub async fn close(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::Close).await?;
        let body: CloseBody = body.parse()?;
        let pending = state
            .store
            .requests_of_case(id)
            .await?
            .iter()
            .filter(|r| r.status == RequestStatus::Pending)
            .count();
        let t = lifecycle::close(
            &case,
            &actor,
            body.result,
            body.waakvlam_until,
            pending,
            state.clock.now(),
            &state.norms,
        )?;
        commit(
            &state,
            &actor,
            &case,
            t,
            "case.close",
            Some(body.result.to_string()),
        )
        .await
    }
);

case_action!(
    "/api/v1/cases/{id}/escalate",
    ReasonBody,
    /// Escalates to the doorzettingsmacht (procesregisseurs); `reason` is required.
    pub async fn escalate(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::Escalate).await?;
        let body: ReasonBody = body.parse()?;
        let t = lifecycle::escalate(&case, &actor, body.reason.as_deref(), state.clock.now())?;
        commit(&state, &actor, &case, t, "case.escalate", None).await
    }
);

case_action!(
    "/api/v1/cases/{id}/takeover",
    ReasonBody,
    /// Takes the case over (doorzettingsmacht); `reason` is required.
    pub async fn takeover(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::TakeOver).await?;
        let body: ReasonBody = body.parse()?;
        let t = lifecycle::take_over(
            &case,
            &actor,
            body.reason.as_deref(),
            state.clock.now(),
            &state.norms,
        )?;
        commit(&state, &actor, &case, t, "case.takeover", None).await
    }
);

case_action!(
    "/api/v1/cases/{id}/deescalate",
    ReasonBody,
    /// Ends the escalation (doorzettingsmacht); `reason` is required.
    pub async fn deescalate(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::Deescalate).await?;
        let body: ReasonBody = body.parse()?;
        let t = lifecycle::deescalate(&case, &actor, body.reason.as_deref(), state.clock.now())?;
        commit(&state, &actor, &case, t, "case.deescalate", None).await
    }
);

// ---------------------------------------------------------------- waakvlam

case_action!(
    "/api/v1/cases/{id}/waakvlam/followup",
    FollowUpBody,
    /// Records the waakvlam follow-up contact (who holds it, or the
    /// procesregisseur of the case's domain): the waakvlam ends; with
    /// `concern` (a note required) a new case is opened for the household,
    /// linked through `follow_up_case_id`.
    pub async fn follow_up(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::RecordFollowUp).await?;
        let body: FollowUpBody = body.parse()?;
        if body.result == FollowUpResult::Concern {
            not_with_zgw(&state, "een nieuwe zaak na een waakvlam openen")?;
        }
        let (t, reopen) = lifecycle::record_follow_up(
            &case,
            &actor,
            body.result,
            body.note.as_deref(),
            state.clock.now(),
        )?;
        let audit = AuditDraft::ok(&actor, t.event.at, "case.waakvlam.followup")
            .reason(Some(body.result.to_string()));
        let (case, _) = state
            .store
            .record_follow_up(&t, case.version, reopen, audit)
            .await?;
        Ok((
            etag_header(Tagged::Case, case.id, case.version),
            Json(need_to_know::case_for(actor.role, case)),
        )
            .into_response())
    }
);

case_action!(
    "/api/v1/cases/{id}/waakvlam/postpone",
    PostponeBody,
    /// Moves the waakvlam follow-up to a later date (who holds it, or the
    /// procesregisseur of the case's domain); `reason` is required.
    pub async fn postpone(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::PostponeFollowUp).await?;
        let body: PostponeBody = body.parse()?;
        let t = lifecycle::postpone_follow_up(
            &case,
            &actor,
            body.waakvlam_until,
            body.reason.as_deref(),
            state.clock.now(),
            &state.norms,
        )?;
        commit(&state, &actor, &case, t, "case.waakvlam.postpone", None).await
    }
);

case_action!(
    "/api/v1/cases/{id}/waakvlam/assign",
    AssignBody,
    /// Gives the waakvlam follow-up to another casusregisseur (the
    /// procesregisseur of the case's domain); a reason is required when
    /// someone held it.
    pub async fn hand_on(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let case = prepare(&state, &actor, id, &if_match, CaseAction::AssignFollowUp).await?;
        let body: AssignBody = body.parse()?;
        let to = state
            .store
            .person(&body.casusregisseur)
            .await?
            .ok_or_else(|| {
                ApiError::Unprocessable(format!(
                    "{} is geen bekende medewerker",
                    body.casusregisseur
                ))
            })?;
        let t = lifecycle::assign_follow_up(
            &case,
            &actor,
            &to,
            body.reason.as_deref(),
            state.clock.now(),
        )?;
        commit(&state, &actor, &case, t, "case.waakvlam.assign", None).await
    }
);

// ---------------------------------------------------------------- requests

/// Files a request for specialist care or a Wmo maatwerkvoorziening (the
/// case's casusregisseur). Needs the case's `If-Match`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/requests", request_body = NewRequestBody,
    params(("id" = i64, Path), ("If-Match" = String, Header, description = "The case's ETag")),
    responses(
        (status = 201, body = Request, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn file_request(
    State(state): State<AppState>,
    Actor(actor): Actor,
    PathId(id): PathId<i64>,
    if_match: IfMatch,
    body: Body,
) -> Result<Response, ApiError> {
    let case = prepare(&state, &actor, id, &if_match, CaseAction::FileRequest).await?;
    let body: NewRequestBody = body.parse()?;
    let (new, t) = lifecycle::file_request(
        &case,
        &actor,
        body.kind,
        body.provision.as_deref(),
        body.motivation.as_deref(),
        body.in_plan,
        state.clock.now(),
        &state.norms,
    )?;
    let audit = AuditDraft::ok(&actor, t.event.at, "request.file");
    let (request, _) = match &state.source {
        Some(zgw) => zgw.file_request(&actor, &case, &new, &t, audit).await?,
        None => {
            state
                .store
                .file_request(new, &t, case.version, audit)
                .await?
        }
    };
    Ok((
        StatusCode::CREATED,
        etag_header(Tagged::Request, request.id, request.version),
        Json(need_to_know::request_for(actor.role, request)),
    )
        .into_response())
}

/// A request and the case it belongs to, or 404 for either (audited as an
/// attempt by `actor` at `action`).
async fn request_with_case(
    state: &AppState,
    actor: &Person,
    id: i64,
    action: &str,
) -> Result<(Request, Case), ApiError> {
    let Some(request) = state.store.request(id).await? else {
        return Err(not_there(state, actor, "aanvraag", id, action).await);
    };
    let case = state
        .store
        .case(request.case_id)
        .await?
        .ok_or_else(|| ApiError::not_found("zaak", request.case_id))?;
    Ok((request, case))
}

/// A request. Every read is written to the audit log.
#[utoipa::path(get, path = "/api/v1/requests/{id}", params(("id" = i64, Path)), responses(
    (status = 200, body = Request, headers(("ETag" = String))),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn request_detail(
    State(state): State<AppState>,
    Actor(actor): Actor,
    PathId(id): PathId<i64>,
) -> Result<Response, ApiError> {
    let (_, case) = request_with_case(&state, &actor, id, "request.read").await?;
    may_read_detail(&state, &actor, &case, Some(id)).await?;
    let audit = AuditDraft::ok(&actor, state.clock.now(), "request.read");
    let request = state
        .store
        .request_detail(id, audit)
        .await?
        .ok_or_else(|| ApiError::not_found("aanvraag", id))?;
    Ok((
        etag_header(Tagged::Request, request.id, request.version),
        Json(need_to_know::request_for(actor.role, request)),
    )
        .into_response())
}

/// Approves or rejects a request, by whoever holds the mandate for its
/// kind, never by the one who filed it.
#[utoipa::path(post, path = "/api/v1/requests/{id}/decision", request_body = DecisionBody,
    params(("id" = i64, Path), ("If-Match" = String, Header, description = "The request's ETag")),
    responses(
        (status = 200, body = Request, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    Actor(actor): Actor,
    PathId(id): PathId<i64>,
    if_match: IfMatch,
    body: Body,
) -> Result<Response, ApiError> {
    let (request, case) = request_with_case(&state, &actor, id, "request.decide").await?;
    if let Err(denied) = permissions::may_decide(&actor, &request) {
        return Err(refused(&state, &actor, &case, Some(id), "request.decide", denied).await);
    }
    if_match.check(Tagged::Request, request.id, request.version)?;
    let body: DecisionBody = body.parse()?;
    let (decided, event) = lifecycle::decide(
        &request,
        &case,
        &actor,
        body.decision,
        body.reason.as_deref(),
        state.clock.now(),
    )?;
    // The outcome, not the reason: the audit log is read by the
    // privacyfunctionaris, who is not to read what was typed about a
    // household (`need_to_know`); the case history keeps the reason.
    let outcome = decided.status.as_str().to_string();
    let audit = AuditDraft::ok(&actor, event.at, "request.decide").reason(Some(outcome));
    let saved = match &state.source {
        Some(zgw) => {
            let audit = audit.case(request.case_id).request(request.id);
            zgw.write_decision(&actor, &request, &decided, &event, audit)
                .await?
        }
        None => {
            state
                .store
                .save_request(&decided, request.version, &event, audit)
                .await?
        }
    };
    Ok((
        etag_header(Tagged::Request, saved.id, saved.version),
        Json(need_to_know::request_for(actor.role, saved)),
    )
        .into_response())
}

/// Never built: it only describes the responses to OpenAPI.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, clippy::large_enum_variant)]
pub enum RequestActionResponses {
    /// The request's new state; `decide_by` is the term as it now stands.
    #[response(status = 200, headers(("ETag" = String)))]
    Ok(Request),
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    #[response(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Problem),
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(Problem),
    #[response(status = 428, content_type = "application/problem+json")]
    PreconditionRequired(Problem),
}

/// Declares a handler that records something about a request's decision
/// term: a POST on `/api/v1/requests/{id}/...` with the request's `If-Match`.
macro_rules! term_action {
    ($path:literal, $body:ty, $handler:item) => {
        #[utoipa::path(post, path = $path, request_body = $body,
            params(("id" = i64, Path), ("If-Match" = String, Header, description = "The request's ETag")),
            responses(RequestActionResponses))]
        $handler
    };
}

/// The request and its case, once `actor` may record `action` on it at the
/// version they saw.
async fn prepare_term(
    state: &AppState,
    actor: &Person,
    id: i64,
    if_match: &IfMatch,
    action: TermAction,
) -> Result<(Request, Case), ApiError> {
    let (request, case) = request_with_case(state, actor, id, "request.term").await?;
    if let Err(denied) = permissions::may_move_term(actor, action, &request, &case) {
        return Err(refused(state, actor, &case, Some(id), "request.term", denied).await);
    }
    if_match.check(Tagged::Request, request.id, request.version)?;
    Ok((request, case))
}

/// Stores a request's moved term with its history line and audit entry.
async fn commit_term(
    state: &AppState,
    actor: &Person,
    before: &Request,
    (next, event): (Request, CaseEvent),
    action: &'static str,
) -> Result<Response, ApiError> {
    // Not the note: see `decide`.
    let audit = AuditDraft::ok(actor, event.at, action);
    let saved = match &state.source {
        Some(zgw) => zgw.write_term(actor, before, &next, &event, audit).await?,
        None => {
            state
                .store
                .save_request(&next, before.version, &event, audit)
                .await?
        }
    };
    Ok((
        etag_header(Tagged::Request, saved.id, saved.version),
        Json(need_to_know::request_for(actor.role, saved)),
    )
        .into_response())
}

term_action!(
    "/api/v1/requests/{id}/suspension",
    SuspendBody,
    /// Opschorting (Awb 4:15): the applicant was asked to complete the
    /// request; the term stands still until it arrives or the
    /// hersteltermijn ends (mandate holder or the case's casusregisseur).
    pub async fn suspend(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let (request, case) =
            prepare_term(&state, &actor, id, &if_match, TermAction::Suspend).await?;
        let body: SuspendBody = body.parse()?;
        let next = lifecycle::suspend(
            &request,
            &case,
            &actor,
            body.asked_on,
            body.complete_by,
            body.note.as_deref(),
            state.clock.now(),
            &state.norms,
        )?;
        commit_term(&state, &actor, &request, next, "request.suspend").await
    }
);

term_action!(
    "/api/v1/requests/{id}/resumption",
    ResumeBody,
    /// The information asked for arrived: the term runs again, moved by
    /// the days it stood still.
    pub async fn resume(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let (request, case) =
            prepare_term(&state, &actor, id, &if_match, TermAction::Resume).await?;
        let body: ResumeBody = body.parse()?;
        let next = lifecycle::resume(
            &request,
            &case,
            &actor,
            body.completed_on,
            state.clock.now(),
            &state.norms,
        )?;
        commit_term(&state, &actor, &request, next, "request.resume").await
    }
);

term_action!(
    "/api/v1/requests/{id}/extension",
    ExtendBody,
    /// Verdaging (Awb 4:14): once, before the term ends, with a reason
    /// (mandate holder).
    pub async fn extend(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let (request, case) =
            prepare_term(&state, &actor, id, &if_match, TermAction::Extend).await?;
        let body: ExtendBody = body.parse()?;
        let next = lifecycle::extend(
            &request,
            &case,
            &actor,
            body.weeks,
            body.notified_on,
            body.reason.as_deref(),
            state.clock.now(),
            &state.norms,
        )?;
        commit_term(&state, &actor, &request, next, "request.extend").await
    }
);

term_action!(
    "/api/v1/requests/{id}/default-notice",
    DefaultNoticeBody,
    /// The applicant's ingebrekestelling was received (after the term);
    /// two weeks later the dwangsom of Awb 4:17 starts.
    pub async fn default_notice(
        State(state): State<AppState>,
        Actor(actor): Actor,
        PathId(id): PathId<i64>,
        if_match: IfMatch,
        body: Body,
    ) -> Result<Response, ApiError> {
        let (request, case) = prepare_term(
            &state,
            &actor,
            id,
            &if_match,
            TermAction::RecordDefaultNotice,
        )
        .await?;
        let body: DefaultNoticeBody = body.parse()?;
        let next = lifecycle::record_default_notice(
            &request,
            &case,
            &actor,
            body.received_on,
            state.clock.now(),
            &state.norms,
        )?;
        commit_term(&state, &actor, &request, next, "request.default_notice").await
    }
);

// ---------------------------------------------------------------- audit

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only entries about this case.
    pub case: Option<i64>,
    /// Only entries at or after this moment (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// At most this many entries, 1 to 10000 (default 1000).
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
}

/// The audit log (privacyfunctionaris only).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams), responses(
    (status = 200, body = Vec<AuditEntry>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
pub async fn audit(
    State(state): State<AppState>,
    Actor(actor): Actor,
    QueryOf(params): QueryOf<AuditParams>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    if let Err(denied) = permissions::may_read_audit(&actor) {
        return Err(refused_outright(&state, &actor, "audit.read", denied).await);
    }
    let limit = match params.limit {
        None => 1000,
        Some(n @ 1..=10_000) => n as usize,
        Some(_) => return Err(ApiError::BadRequest("limit ligt tussen 1 en 10000".into())),
    };
    // Both stores hold years 1..9999 at most; anything outside is not a
    // moment the log can contain.
    if let Some(since) = params.since
        && !(1..=9999).contains(&chrono::Datelike::year(&since))
    {
        return Err(ApiError::BadRequest(
            "since ligt buiten het bereik van het log".into(),
        ));
    }
    let entries = state
        .store
        .audit_entries(params.case, params.since, limit)
        .await?;
    // Reading the log is itself on record: who looked, at what.
    let what = match (params.case, params.since) {
        (Some(case), _) => format!("zaak {case}"),
        (None, Some(since)) => format!("sinds {since}"),
        (None, None) => "het hele log".into(),
    };
    let mut audit = AuditDraft::ok(&actor, state.clock.now(), "audit.read")
        .reason(Some(format!("{what}: {} regels", entries.len())));
    audit.case_id = params.case;
    state.store.append_audit_entry(audit).await?;
    Ok(Json(entries))
}

// ---------------------------------------------------------------- stats

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThroughputParams {
    /// First day of the period (YYYY-MM-DD, Europe/Amsterdam), included.
    pub from: NaiveDate,
    /// Last day of the period, included; at most five years after `from`.
    pub to: NaiveDate,
    /// The series per `day` (periods of at most 92 days), `week` (default)
    /// or `month`.
    pub by: Option<Bucket>,
}

/// Throughput figures of a period: inflow, outflow, first contact within
/// the norm, lead times, requests, load and a series (procesmanager and
/// procesregisseurs).
#[utoipa::path(get, path = "/api/v1/stats/throughput", params(ThroughputParams), responses(
    (status = 200, body = Throughput),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
pub async fn throughput(
    State(state): State<AppState>,
    Actor(actor): Actor,
    QueryOf(params): QueryOf<ThroughputParams>,
) -> Result<Json<Throughput>, ApiError> {
    if let Err(denied) = permissions::may_read_stats(&actor) {
        return Err(refused_outright(&state, &actor, "stats.read", denied).await);
    }
    // Both stores hold years 1..9999; a period outside them holds nothing
    // and cannot be turned into moments.
    for day in [params.from, params.to] {
        if !(1..=9998).contains(&day.year()) {
            return Err(ApiError::Unprocessable(format!(
                "{day} ligt buiten het bereik van de gegevens"
            )));
        }
    }
    let period = Period::new(params.from, params.to).map_err(ApiError::Unprocessable)?;
    let by = params.by.unwrap_or_default();
    by.fits(&period).map_err(ApiError::Unprocessable)?;
    Ok(Json(
        state
            .facts
            .throughput(
                state.store.as_ref(),
                period,
                by,
                state.clock.now(),
                &state.norms,
            )
            .await?,
    ))
}
