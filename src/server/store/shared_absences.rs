// Absences in the SQL both stores share; included by `sqlite.rs` and
// `postgres.rs` after `shared.rs`, whose helpers and `Store` impl it
// extends (see `migrations/*/0012_absences.sql`).

use crate::domain::absence::MovedCase;

#[derive(FromRow)]
struct AbsenceRow {
    id: i64,
    login: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    temporary: bool,
    settled: bool,
}

const ABSENCE_SELECT: &str =
    "SELECT id, login, starts_on, ends_on, temporary, settled FROM absences WHERE NOT withdrawn";

/// The absences of the rows read, each with the cases moved for it.
async fn absences_with_moves<'c, E>(executor: E, rows: Vec<AbsenceRow>) -> StoreResult<Vec<Absence>>
where
    E: sqlx::Executor<'c, Database = Db>,
{
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
    // Ids from the database itself, so joining them into the statement
    // is safe; one statement for every absence of a sync page.
    let moves: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
        "SELECT absence_id, case_id, to_login FROM absence_moves \
         WHERE absence_id IN ({}) ORDER BY absence_id, case_id",
        ids.join(", ")
    ))
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Absence {
            moved: moves
                .iter()
                .filter(|(absence, _, _)| *absence == r.id)
                .map(|(_, case_id, to)| MovedCase {
                    case_id: *case_id,
                    to: to.clone(),
                })
                .collect(),
            id: r.id,
            login: r.login,
            from: r.starts_on,
            until: r.ends_on,
            temporary: r.temporary,
            settled: r.settled,
        })
        .collect())
}

/// Gives `login`'s row a new change number: the desks' next sync carries
/// the person with their absences.
async fn person_changed(tx: &mut Tx, login: &str) -> StoreResult<()> {
    let seq = next_value(tx, "change", 1).await?;
    sqlx::query("UPDATE people SET seq = $1 WHERE login = $2")
        .bind(seq)
        .bind(login)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Another absence of `login` sharing a day with `from..=until`.
async fn overlapping(
    tx: &mut Tx,
    login: &str,
    from: NaiveDate,
    until: NaiveDate,
    besides: i64,
) -> StoreResult<Option<(NaiveDate, NaiveDate)>> {
    Ok(sqlx::query_as(
        "SELECT starts_on, ends_on FROM absences WHERE NOT withdrawn AND login = $1 \
         AND id <> $2 AND starts_on <= $3 AND $4 <= ends_on ORDER BY starts_on LIMIT 1",
    )
    .bind(login)
    .bind(besides)
    .bind(until)
    .bind(from)
    .fetch_optional(&mut **tx)
    .await?)
}

impl SqlStore {
    async fn insert_absence(&self, new: NewAbsence, audit: AuditDraft) -> StoreResult<Absence> {
        let mut tx = self.begin_write().await?;
        if let Some((from, until)) =
            overlapping(&mut tx, &new.login, new.from, new.until, 0).await?
        {
            return Err(StoreError::AbsenceOverlaps(from, until));
        }
        let id = next_value(&mut tx, "absence", 1).await?;
        sqlx::query(
            "INSERT INTO absences (id, login, starts_on, ends_on, temporary, settled, withdrawn, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, FALSE, FALSE, $6, $7)",
        )
        .bind(id)
        .bind(&new.login)
        .bind(new.from)
        .bind(new.until)
        .bind(new.temporary)
        .bind(&new.by)
        .bind(new.at.to_rfc3339())
        .execute(&mut *tx)
        .await?;
        person_changed(&mut tx, &new.login).await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(Absence {
            id,
            login: new.login,
            from: new.from,
            until: new.until,
            temporary: new.temporary,
            moved: Vec::new(),
            settled: false,
        })
    }

    async fn read_absence(&self, id: i64) -> StoreResult<Option<Absence>> {
        let row: Option<AbsenceRow> = sqlx::query_as(&format!("{ABSENCE_SELECT} AND id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(absences_with_moves(&self.pool, vec![row]).await?.pop())
    }

    async fn update_absence(
        &self,
        id: i64,
        change: AbsenceChange,
        audit: AuditDraft,
    ) -> StoreResult<Absence> {
        let mut tx = self.begin_write().await?;
        let row: Option<AbsenceRow> = sqlx::query_as(&format!("{ABSENCE_SELECT} AND id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NoSuchAbsence);
        };
        match change {
            AbsenceChange::Until(until) => {
                if let Some((from, until)) =
                    overlapping(&mut tx, &row.login, row.starts_on, until, id).await?
                {
                    return Err(StoreError::AbsenceOverlaps(from, until));
                }
                sqlx::query("UPDATE absences SET ends_on = $2 WHERE id = $1")
                    .bind(id)
                    .bind(until)
                    .execute(&mut *tx)
                    .await?;
            }
            AbsenceChange::Settled => {
                sqlx::query("UPDATE absences SET settled = TRUE WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            AbsenceChange::Withdrawn => {
                sqlx::query("UPDATE absences SET withdrawn = TRUE WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        person_changed(&mut tx, &row.login).await?;
        append_audit(&mut tx, audit).await?;
        let row: Option<AbsenceRow> = sqlx::query_as(
            "SELECT id, login, starts_on, ends_on, temporary, settled FROM absences WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let absence = absences_with_moves(&mut *tx, row.into_iter().collect())
            .await?
            .pop()
            .ok_or(StoreError::NoSuchAbsence)?;
        tx.commit().await?;
        Ok(absence)
    }

    async fn insert_absence_move(
        &self,
        absence_id: i64,
        case_id: i64,
        to: &str,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let login: Option<String> =
            sqlx::query_scalar("SELECT login FROM absences WHERE id = $1 AND NOT withdrawn")
                .bind(absence_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(login) = login else {
            return Err(StoreError::NoSuchAbsence);
        };
        sqlx::query(
            "INSERT INTO absence_moves (absence_id, case_id, to_login) VALUES ($1, $2, $3) \
             ON CONFLICT (absence_id, case_id) DO UPDATE SET to_login = excluded.to_login",
        )
        .bind(absence_id)
        .bind(case_id)
        .bind(to)
        .execute(&mut *tx)
        .await?;
        person_changed(&mut tx, &login).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The absences of `logins` (the people of a sync page), in the sync's
    /// own transaction.
    async fn absences_of_people(tx: &mut Tx, logins: &[&str]) -> StoreResult<Vec<Absence>> {
        if logins.is_empty() {
            return Ok(Vec::new());
        }
        // Absences are few (a handful per person a year): all are read
        // and those of the page's people kept.
        let rows: Vec<AbsenceRow> =
            sqlx::query_as(&format!("{ABSENCE_SELECT} ORDER BY login, starts_on"))
                .fetch_all(&mut **tx)
                .await?;
        let rows = rows
            .into_iter()
            .filter(|r| logins.contains(&r.login.as_str()))
            .collect();
        absences_with_moves(&mut **tx, rows).await
    }
}
