//! A procesregisseur's own notes on a case, with an optional reminder
//! date ("bel de casusregisseur vrijdag"). A note is its author's: only
//! they read it (in the case's history, an audited read) and only they
//! see its reminder, as a signal on their own desk. A note's text never
//! leaves the case detail: not in a sync, a notification or an export.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lifecycle::Refusal;
use super::model::Login;
use super::text;

/// How far ahead a reminder may be set.
pub const REMIND_AT_MOST_DAYS: i64 = 366;

/// A note as its author reads it in the case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseNote {
    pub id: i64,
    pub case_id: i64,
    pub author: Login,
    pub text: String,
    /// The day the reminder falls due; none: a plain note.
    pub remind_on: Option<NaiveDate>,
    /// The reminder was dealt with (the note stays).
    pub done: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// What the author's desk learns of an open reminder through the sync:
/// which case and when, never the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reminder {
    pub note_id: i64,
    pub case_id: i64,
    pub remind_on: NaiveDate,
}

impl CaseNote {
    /// The open reminder of this note, if it has one.
    pub fn reminder(&self) -> Option<Reminder> {
        match (self.remind_on, self.done) {
            (Some(remind_on), false) => Some(Reminder {
                note_id: self.id,
                case_id: self.case_id,
                remind_on,
            }),
            _ => None,
        }
    }
}

/// Checks a new note: a text the author can read back (lines allowed),
/// and a reminder from today up to a year ahead.
pub fn check(
    typed: Option<&str>,
    remind_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<String, Refusal> {
    let text = text::required_text("notitie", typed)?;
    if let Some(day) = remind_on {
        if day < today {
            return Err(Refusal::Invalid(format!(
                "de herinnering ({}) ligt in het verleden",
                day.format("%d-%m-%Y")
            )));
        }
        if (day - today).num_days() > REMIND_AT_MOST_DAYS {
            return Err(Refusal::Invalid(format!(
                "een herinnering ligt hoogstens {REMIND_AT_MOST_DAYS} dagen vooruit"
            )));
        }
    }
    Ok(text)
}

/// Whether a reminder is due on `today` (its day or later).
pub fn due(reminder: &Reminder, today: NaiveDate) -> bool {
    reminder.remind_on <= today
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_note_needs_text_and_a_reminder_from_today_to_a_year_ahead() {
        let today = d("2026-12-07");
        assert_eq!(
            check(
                Some("  bel de casusregisseur vrijdag "),
                Some(d("2026-12-11")),
                today
            ),
            Ok("bel de casusregisseur vrijdag".into())
        );
        assert!(check(Some("regel 1\nregel 2"), None, today).is_ok());
        assert!(check(Some("  "), None, today).is_err());
        assert!(check(None, None, today).is_err());
        assert!(check(Some("x"), Some(today), today).is_ok());
        assert!(check(Some("x"), Some(d("2026-12-06")), today).is_err());
        assert!(check(Some("x"), Some(d("2027-12-08")), today).is_ok());
        assert!(check(Some("x"), Some(d("2027-12-09")), today).is_err());
        assert!(
            check(Some("x\u{202e}y"), None, today).is_err(),
            "no bidi override"
        );
    }

    #[test]
    fn only_an_open_dated_note_is_a_reminder_and_it_is_due_from_its_day() {
        let mut note = CaseNote {
            id: 3,
            case_id: 7,
            author: "pr-jeugd".into(),
            text: "bel".into(),
            remind_on: Some(d("2026-12-11")),
            done: false,
            created_at: chrono::DateTime::UNIX_EPOCH,
        };
        let reminder = note.reminder().unwrap();
        assert!(!due(&reminder, d("2026-12-10")));
        assert!(due(&reminder, d("2026-12-11")));
        assert!(due(&reminder, d("2026-12-14")));
        note.done = true;
        assert_eq!(note.reminder(), None);
        note.done = false;
        note.remind_on = None;
        assert_eq!(note.reminder(), None);
    }
}
