//! A procesregisseur's own note on a case (`m`): a text, an optional
//! reminder day, and the case's open reminders marked dealt with. The
//! note is the author's alone: the server keeps it, the author reads it
//! in the case's history (a logged read), and only its reminder (which
//! case, which day) reaches the author's desk, as a signal on Stagnatie.
//! It never appears in a notification or an export.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::dialog::{Flight, parse_day_near};
use super::{ActionCall, App, Changed, Command, Overlay, StatusKind};
use crate::api::client::ApiFailure;
use crate::api::wire::NewNoteBody;
use crate::domain::boards::Delta;
use crate::domain::calendar::local_date;
use crate::domain::note::{self, CaseNote, Reminder};
use crate::domain::permissions;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteField {
    Text,
    RemindOn,
    /// The case's open reminders: dealt with (Space).
    Finish,
}

#[derive(Debug)]
pub struct NoteForm {
    pub case_id: i64,
    pub number: String,
    pub text: Input,
    pub remind_on: Input,
    pub field: NoteField,
    /// The user's open reminders on this case, when the form opened.
    pub open: Vec<Reminder>,
    /// Mark them dealt with.
    pub finish: bool,
    pub flight: Flight,
    /// The calls under way.
    pub tickets: Vec<u64>,
    /// The note was kept (its text cleared, so a retry after a failed
    /// reminder does not keep it twice).
    pub kept: bool,
    /// The kept note's reminder day, for the footer.
    pub reminded: Option<chrono::NaiveDate>,
}

impl App {
    /// Whether the user may keep notes on the selected case.
    pub(super) fn offers_note(&self) -> bool {
        self.selected_case()
            .is_some_and(|c| permissions::may_keep_notes(&self.me.person, c).is_ok())
    }

    /// `m`: the note form for the selected case.
    pub(super) fn open_note(&mut self) {
        let Some(case) = self.selected_case() else {
            return;
        };
        let open = self
            .snapshot
            .reminders
            .get(&case.id)
            .cloned()
            .unwrap_or_default();
        // Dealing with a reminder is a choice (Space), never a side effect
        // of adding a note.
        self.overlay = Some(Overlay::Note(NoteForm {
            case_id: case.id,
            number: case.number.clone(),
            text: Input::default(),
            remind_on: Input::default(),
            field: NoteField::Text,
            finish: false,
            open,
            flight: Flight::Editing,
            tickets: Vec::new(),
            kept: false,
            reminded: None,
        }));
    }

    pub(super) fn on_note_key(&mut self, mut form: NoteForm, key: KeyEvent) -> Vec<Command> {
        let lang = self.lang();
        let mut commands = Vec::new();
        let fields: &[NoteField] = if form.open.is_empty() {
            &[NoteField::Text, NoteField::RemindOn]
        } else {
            &[NoteField::Text, NoteField::RemindOn, NoteField::Finish]
        };
        let at = fields.iter().position(|f| *f == form.field).unwrap_or(0);
        match key.code {
            KeyCode::Esc => return Vec::new(),
            _ if form.flight == Flight::Sending => {}
            KeyCode::Tab | KeyCode::Down => form.field = fields[(at + 1) % fields.len()],
            KeyCode::BackTab | KeyCode::Up => {
                form.field = fields[(at + fields.len() - 1) % fields.len()];
            }
            KeyCode::Char(' ') if form.field == NoteField::Finish => form.finish = !form.finish,
            KeyCode::Enter => {
                let today = local_date(self.now);
                let typed_day = form.remind_on.value().trim();
                let remind_on = if typed_day.is_empty() {
                    Ok(None)
                } else {
                    parse_day_near(typed_day, today).map(Some).ok_or_else(|| {
                        lang.pick(
                            "Herinnering: typ een datum als 11-12, of laat leeg.",
                            "Reminder: type a date such as 11-12, or leave it empty.",
                        )
                        .to_string()
                    })
                };
                let text = form.text.value().trim().to_string();
                let checked = remind_on.and_then(|day| {
                    if text.is_empty() {
                        return Ok(None);
                    }
                    note::check(Some(&text), day, today)
                        .map(|text| Some((text, day)))
                        .map_err(|refusal| refusal.to_string())
                });
                match checked {
                    Err(why) => form.flight = Flight::Refused(why),
                    Ok(None) if !form.finish => {
                        form.flight = Flight::Refused(
                            if form.open.is_empty() {
                                lang.pick("Typ een notitie.", "Type a note.")
                            } else {
                                lang.pick(
                                    "Typ een notitie, of Tab naar de herinnering en Spatie: afgehandeld.",
                                    "Type a note, or Tab to the reminder and Space: dealt with.",
                                )
                            }
                            .into(),
                        );
                    }
                    Ok(new) => {
                        let case_id = form.case_id;
                        if let Some((text, remind_on)) = new {
                            commands.push(self.note_call(
                                &mut form,
                                ActionCall::NoteAdd {
                                    case_id,
                                    body: NewNoteBody {
                                        text: Some(text),
                                        remind_on,
                                    },
                                },
                            ));
                        }
                        if form.finish {
                            for reminder in form.open.clone() {
                                commands.push(self.note_call(
                                    &mut form,
                                    ActionCall::NoteDone {
                                        case_id,
                                        note_id: reminder.note_id,
                                    },
                                ));
                            }
                        }
                        form.flight = Flight::Sending;
                    }
                }
            }
            _ => {
                let event = Event::Key(key);
                match form.field {
                    NoteField::Text => drop(form.text.handle_event(&event)),
                    NoteField::RemindOn => drop(form.remind_on.handle_event(&event)),
                    NoteField::Finish => {}
                }
                if let Flight::Refused(_) = form.flight {
                    form.flight = Flight::Editing;
                }
            }
        }
        self.overlay = Some(Overlay::Note(form));
        commands
    }

    fn note_call(&mut self, form: &mut NoteForm, call: ActionCall) -> Command {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        form.tickets.push(ticket);
        Command::Act { ticket, call }
    }

    /// An answer for the note form; `None` when the ticket is not its.
    pub(super) fn on_note_done(
        &mut self,
        ticket: u64,
        result: &Result<Changed, ApiFailure>,
    ) -> Option<Vec<Command>> {
        let lang = self.lang();
        let Some(Overlay::Note(form)) = &mut self.overlay else {
            return None;
        };
        let at = form.tickets.iter().position(|t| *t == ticket)?;
        form.tickets.remove(at);
        match result {
            Ok(Changed::Note(note)) => {
                if note.done {
                    form.open.retain(|r| r.note_id != note.id);
                } else {
                    form.kept = true;
                    form.reminded = note.remind_on;
                    form.text = Input::default();
                    form.remind_on = Input::default();
                }
                let note = (**note).clone();
                self.note_changed(&note);
            }
            Ok(_) => {}
            Err(failure) => {
                // What was typed stays; the user can try again.
                form.flight = Flight::Refused(failure.to_string());
                return Some(Vec::new());
            }
        }
        let Some(Overlay::Note(form)) = &self.overlay else {
            return Some(Vec::new());
        };
        if form.tickets.is_empty() && form.flight == Flight::Sending {
            let text = match (form.kept, &form.reminded) {
                (true, Some(day)) => format!(
                    "{} {}.",
                    lang.pick("Notitie bewaard, herinnering op", "Note kept, reminder on"),
                    crate::desk::labels::short_date(*day)
                ),
                (true, None) => lang.pick("Notitie bewaard.", "Note kept.").into(),
                (false, _) => lang
                    .pick("Herinnering afgehandeld.", "Reminder dealt with.")
                    .into(),
            };
            let text = format!("{}: {text}", form.number);
            self.overlay = None;
            self.say(text, StatusKind::Done);
        }
        Some(Vec::new())
    }

    /// Whether the case of this number stagnates only by the user's own
    /// reminder.
    pub(super) fn only_reminded(&self, number: &str) -> bool {
        self.snapshot
            .cases
            .values()
            .find(|c| c.number == number)
            .is_some_and(|c| {
                let signals = self.index.stagnation_of(c.id);
                !signals.is_empty()
                    && signals
                        .iter()
                        .all(|s| s.kind == crate::domain::norms::StagnationKind::Reminder)
            })
    }

    /// Puts a note's reminder (or its end) in the snapshot at once; the
    /// author's next sync confirms it.
    fn note_changed(&mut self, note: &CaseNote) {
        let mut reminders: Vec<Reminder> = self
            .snapshot
            .reminders
            .values()
            .flatten()
            .filter(|r| r.note_id != note.id)
            .cloned()
            .collect();
        reminders.extend(note.reminder());
        self.apply(Delta {
            reminders: Some(reminders),
            ..Delta::default()
        });
    }
}
