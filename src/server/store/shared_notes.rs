// A procesregisseur's own notes in the SQL both stores share; included by
// `sqlite.rs` and `postgres.rs` after `shared.rs` (see
// `migrations/*/0013_case_notes.sql`).

use crate::domain::note::{CaseNote, Reminder};

#[derive(FromRow)]
struct NoteRow {
    id: i64,
    case_id: i64,
    author: String,
    body: String,
    remind_on: Option<NaiveDate>,
    done: bool,
    created_at: String,
}

impl NoteRow {
    fn into_note(self) -> StoreResult<CaseNote> {
        Ok(CaseNote {
            id: self.id,
            case_id: self.case_id,
            author: self.author,
            text: self.body,
            remind_on: self.remind_on,
            done: self.done,
            created_at: DateTime::parse_from_rfc3339(&self.created_at)
                .map_err(|e| StoreError::Corrupt(format!("case_notes {}: {e}", self.id)))?
                .with_timezone(&Utc),
        })
    }
}

const NOTE_SELECT: &str =
    "SELECT id, case_id, author, body, remind_on, done, created_at FROM case_notes";

impl SqlStore {
    async fn insert_note(&self, new: NewNote, audit: AuditDraft) -> StoreResult<CaseNote> {
        let mut tx = self.begin_write().await?;
        let id = next_value(&mut tx, "case_note", 1).await?;
        sqlx::query(
            "INSERT INTO case_notes (id, case_id, author, body, remind_on, done, created_at) \
             VALUES ($1, $2, $3, $4, $5, FALSE, $6)",
        )
        .bind(id)
        .bind(new.case_id)
        .bind(&new.author)
        .bind(&new.text)
        .bind(new.remind_on)
        .bind(new.at.to_rfc3339())
        .execute(&mut *tx)
        .await?;
        // A reminder reaches the author's desks with their own row.
        if new.remind_on.is_some() {
            person_changed(&mut tx, &new.author).await?;
        }
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(CaseNote {
            id,
            case_id: new.case_id,
            author: new.author,
            text: new.text,
            remind_on: new.remind_on,
            done: false,
            created_at: new.at,
        })
    }

    async fn read_note(&self, id: i64) -> StoreResult<Option<CaseNote>> {
        let row: Option<NoteRow> = sqlx::query_as(&format!("{NOTE_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(NoteRow::into_note).transpose()
    }

    async fn update_note_done(&self, id: i64, audit: AuditDraft) -> StoreResult<CaseNote> {
        let mut tx = self.begin_write().await?;
        let row: Option<NoteRow> =
            sqlx::query_as(&format!("{NOTE_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let mut note = row.ok_or(StoreError::NoSuchNote)?.into_note()?;
        sqlx::query("UPDATE case_notes SET done = TRUE WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if note.remind_on.is_some() && !note.done {
            person_changed(&mut tx, &note.author).await?;
        }
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        note.done = true;
        Ok(note)
    }

    async fn read_notes_of(&self, case_id: i64, author: &str) -> StoreResult<Vec<CaseNote>> {
        let rows: Vec<NoteRow> = sqlx::query_as(&format!(
            "{NOTE_SELECT} WHERE case_id = $1 AND author = $2 ORDER BY id"
        ))
        .bind(case_id)
        .bind(author)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(NoteRow::into_note).collect()
    }

    async fn read_reminders_of(&self, author: &str) -> StoreResult<Vec<Reminder>> {
        let rows: Vec<(i64, i64, NaiveDate)> = sqlx::query_as(
            "SELECT id, case_id, remind_on FROM case_notes \
             WHERE author = $1 AND NOT done AND remind_on IS NOT NULL ORDER BY remind_on, id",
        )
        .bind(author)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(note_id, case_id, remind_on)| Reminder {
                note_id,
                case_id,
                remind_on,
            })
            .collect())
    }
}
