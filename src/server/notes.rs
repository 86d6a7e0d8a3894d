//! A procesregisseur's own notes on a case, with an optional reminder.
//! A note belongs to its author: only they add to it, finish its
//! reminder or read it (in the case's detail, an audited read); anyone
//! else is told there is no such note. The audit log says that a note was
//! kept and when its reminder falls, never what it says.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;
use super::audit::AuditDraft;
use super::error::ApiError;
use super::http::{Actor, Body};
use super::routes::{PathId, not_there, refused};
use super::store::NewNote;
use crate::api::wire::{NewNoteBody, NoteChangeBody, Problem};
use crate::domain::calendar::local_date;
use crate::domain::model::{Case, Person};
use crate::domain::note::{self, CaseNote};
use crate::domain::permissions;

/// The case, once `actor` may keep notes on it; a refusal is audited.
async fn noted_case(state: &AppState, actor: &Person, case_id: i64) -> Result<Case, ApiError> {
    let Some(case) = state.store.case(case_id).await? else {
        return Err(not_there(state, actor, "zaak", case_id, "case.note").await);
    };
    if let Err(denied) = permissions::may_keep_notes(actor, &case) {
        return Err(refused(state, actor, &case, None, "case.note", denied).await);
    }
    Ok(case)
}

/// Keeps a note on a case (procesregisseurs), with an optional reminder.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", request_body = NewNoteBody,
    params(("id" = i64, Path)),
    responses(
        (status = 201, body = CaseNote),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_note(
    State(state): State<AppState>,
    Actor(actor): Actor,
    PathId(case_id): PathId<i64>,
    body: Body,
) -> Result<(StatusCode, Json<CaseNote>), ApiError> {
    let case = noted_case(&state, &actor, case_id).await?;
    let body: NewNoteBody = body.parse()?;
    let now = state.clock.now();
    let text = note::check(body.text.as_deref(), body.remind_on, local_date(now))?;
    let what = match body.remind_on {
        Some(day) => format!("notitie vastgelegd, herinnering {day}"),
        None => "notitie vastgelegd".into(),
    };
    let mut audit = AuditDraft::ok(&actor, now, "case.note").reason(Some(what));
    audit.case_id = Some(case.id);
    let new = NewNote {
        case_id: case.id,
        author: actor.login.clone(),
        text,
        remind_on: body.remind_on,
        at: now,
    };
    let note = state.store.add_note(new, audit).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// Finishes a note's reminder (its author only; the note stays).
#[utoipa::path(patch, path = "/api/v1/cases/{id}/notes/{note}", request_body = NoteChangeBody,
    params(("id" = i64, Path), ("note" = i64, Path)),
    responses(
        (status = 200, body = CaseNote),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_note(
    State(state): State<AppState>,
    Actor(actor): Actor,
    PathId((case_id, note_id)): PathId<(i64, i64)>,
    body: Body,
) -> Result<Json<CaseNote>, ApiError> {
    let case = noted_case(&state, &actor, case_id).await?;
    let body: NoteChangeBody = body.parse()?;
    let now = state.clock.now();
    // Someone else's note is, to the caller, no note at all.
    let note = match state.store.note(note_id).await? {
        Some(note) if note.case_id == case.id && note.author == actor.login => note,
        _ => {
            let mut draft = AuditDraft::refused(
                Some(&actor),
                now,
                "case.note",
                "geen eigen notitie van deze zaak",
            );
            draft.case_id = Some(case.id);
            state.record_refusal(draft).await;
            return Err(ApiError::NotFound(format!(
                "notitie {note_id} van zaak {} bestaat niet",
                case.number
            )));
        }
    };
    if !body.done {
        return Err(ApiError::Unprocessable(
            "een afgehandelde herinnering gaat niet terug; alleen done: true".into(),
        ));
    }
    let what = match note.remind_on {
        Some(day) => format!("herinnering van {day} afgehandeld"),
        None => "notitie afgehandeld".into(),
    };
    let mut audit = AuditDraft::ok(&actor, now, "case.note").reason(Some(what));
    audit.case_id = Some(case.id);
    Ok(Json(state.store.finish_note(note.id, audit).await?))
}
