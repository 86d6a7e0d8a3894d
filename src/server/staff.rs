//! The handlers about staff rather than cases: a casusregisseur's
//! absences. The desk learns of them through the sync, with the person.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;
use super::audit::AuditDraft;
use super::error::ApiError;
use super::http::{Actor, Body};
use super::routes::{PathId, refused_outright};
use super::store::{AbsenceChange, NewAbsence};
use crate::api::wire::{AbsenceChangeBody, NewAbsenceBody, Problem};
use crate::domain::absence::{self, Absence};
use crate::domain::calendar::local_date;
use crate::domain::model::Person;
use crate::domain::permissions;

/// The person an absence is about, once the caller may mark anyone absent
/// and may mark this one.
async fn absent_person(state: &AppState, actor: &Person, login: &str) -> Result<Person, ApiError> {
    if !actor.role.is_procesregisseur() {
        let denied = permissions::Denied("alleen een procesregisseur legt afwezigheid vast".into());
        return Err(refused_outright(state, actor, "staff.absence", denied).await);
    }
    let Some(person) = state.store.person(login).await? else {
        return Err(ApiError::NotFound(format!(
            "medewerker {login} bestaat niet"
        )));
    };
    if let Err(denied) = permissions::may_mark_absent(actor, &person) {
        return Err(refused_outright(state, actor, "staff.absence", denied).await);
    }
    Ok(person)
}

/// What the audit log says of an absence: dates only, never why.
fn described(absence: &Absence, what: &str) -> String {
    format!(
        "{what}: {} afwezig {} t/m {}{}",
        absence.login,
        absence.from,
        absence.until,
        if absence.temporary {
            " (tijdelijk)"
        } else {
            ""
        }
    )
}

/// Marks a casusregisseur absent from one day to another (procesregisseurs).
#[utoipa::path(post, path = "/api/v1/staff/{login}/absences", request_body = NewAbsenceBody,
    params(("login" = String, Path)),
    responses(
        (status = 201, body = Absence),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It shares a day with another absence of theirs", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_absence(
    State(state): State<AppState>,
    Actor(actor): Actor,
    PathId(login): PathId<String>,
    body: Body,
) -> Result<(StatusCode, Json<Absence>), ApiError> {
    let person = absent_person(&state, &actor, &login).await?;
    let body: NewAbsenceBody = body.parse()?;
    let now = state.clock.now();
    absence::check_period(body.from, body.until, local_date(now))
        .map_err(ApiError::Unprocessable)?;
    let new = NewAbsence {
        login: person.login,
        from: body.from,
        until: body.until,
        temporary: body.temporary,
        by: actor.login.clone(),
        at: now,
    };
    let draft = Absence {
        id: 0,
        login: new.login.clone(),
        from: new.from,
        until: new.until,
        temporary: new.temporary,
        moved: Vec::new(),
        settled: false,
    };
    let audit =
        AuditDraft::ok(&actor, now, "staff.absence").reason(Some(described(&draft, "vastgelegd")));
    let absence = state.store.add_absence(new, audit).await?;
    Ok((StatusCode::CREATED, Json(absence)))
}

/// The absence `id` of `login`, or 404.
async fn absence_of(state: &AppState, login: &str, id: i64) -> Result<Absence, ApiError> {
    match state.store.absence(id).await? {
        Some(absence) if absence.login == login => Ok(absence),
        _ => Err(ApiError::NotFound(format!(
            "afwezigheid {id} van {login} bestaat niet"
        ))),
    }
}

/// Changes an absence: a new last day, or that the return was dealt with.
#[utoipa::path(patch, path = "/api/v1/staff/{login}/absences/{id}", request_body = AbsenceChangeBody,
    params(("login" = String, Path), ("id" = i64, Path)),
    responses(
        (status = 200, body = Absence),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new last day runs into another absence of theirs", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_absence(
    State(state): State<AppState>,
    Actor(actor): Actor,
    PathId((login, id)): PathId<(String, i64)>,
    body: Body,
) -> Result<Json<Absence>, ApiError> {
    absent_person(&state, &actor, &login).await?;
    let absence = absence_of(&state, &login, id).await?;
    let body: AbsenceChangeBody = body.parse()?;
    let change = match (body.until, body.settled) {
        (Some(until), None) => {
            absence::check_length(absence.from, until).map_err(ApiError::Unprocessable)?;
            AbsenceChange::Until(until)
        }
        (None, Some(true)) => AbsenceChange::Settled,
        (None, Some(false)) => {
            return Err(ApiError::Unprocessable(
                "een afgehandelde terugkeer gaat niet terug; alleen settled: true".into(),
            ));
        }
        _ => {
            return Err(ApiError::Unprocessable(
                "geef precies één van until (nieuwe laatste dag) en settled".into(),
            ));
        }
    };
    let what = match change {
        AbsenceChange::Until(until) => format!("laatste dag {until}"),
        _ => "terugkeer afgehandeld".into(),
    };
    let audit = AuditDraft::ok(&actor, state.clock.now(), "staff.absence")
        .reason(Some(described(&absence, &what)));
    Ok(Json(state.store.change_absence(id, change, audit).await?))
}

/// Withdraws an absence recorded by mistake.
#[utoipa::path(delete, path = "/api/v1/staff/{login}/absences/{id}",
    params(("login" = String, Path), ("id" = i64, Path)),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn withdraw_absence(
    State(state): State<AppState>,
    Actor(actor): Actor,
    PathId((login, id)): PathId<(String, i64)>,
) -> Result<StatusCode, ApiError> {
    absent_person(&state, &actor, &login).await?;
    let absence = absence_of(&state, &login, id).await?;
    let audit = AuditDraft::ok(&actor, state.clock.now(), "staff.absence")
        .reason(Some(described(&absence, "ingetrokken")));
    state
        .store
        .change_absence(id, AbsenceChange::Withdrawn, audit)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
