//! Logging in again while the desk runs: when the identity provider ends
//! the session (account disabled, logged out elsewhere) or an action asks
//! for a multi-factor login, `L` (or `Ctrl-L`, also inside a dialog)
//! starts a device login over whatever is on screen. The board, the
//! selection and an open dialog with its typed text stay as they are; the
//! new session reaches every request the desk makes.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Command, StatusKind};

/// The login overlay's state.
#[derive(Debug, Clone, PartialEq)]
pub enum Relogin {
    /// Asking the identity provider for a code.
    Starting,
    /// The person approves in a browser.
    Waiting {
        verification_uri: String,
        verification_uri_complete: Option<String>,
        user_code: String,
        expires_at: DateTime<Utc>,
    },
    /// It did not work; why, and `L` tries again.
    Failed(String),
}

/// What the device login brought.
#[derive(Debug)]
pub enum ReloginMsg {
    Prompt {
        verification_uri: String,
        verification_uri_complete: Option<String>,
        user_code: String,
        expires_at: DateTime<Utc>,
    },
    /// Logged in again: the session now carries the new tokens.
    Done,
    Failed(String),
}

impl App {
    /// Whether a key asks to log in again: `L` on a board, `Ctrl-L`
    /// anywhere (a dialog takes a plain `L` as text).
    pub(super) fn asks_relogin(&self, key: &KeyEvent) -> bool {
        self.sso
            && (key.code == KeyCode::Char('l') && key.modifiers.contains(KeyModifiers::CONTROL)
                || key.code == KeyCode::Char('L') && self.overlay.is_none())
    }

    /// Starts (or restarts) a login over what is on screen.
    pub(super) fn start_relogin(&mut self) -> Vec<Command> {
        self.relogin = Some(Relogin::Starting);
        vec![Command::Login]
    }

    /// Keys while the login overlay is up: `Esc` gives up, `L` tries
    /// again after a failure; the rest waits for the browser.
    pub(super) fn on_relogin_key(&mut self, key: KeyEvent) -> Vec<Command> {
        match key.code {
            KeyCode::Esc => {
                self.relogin = None;
                vec![Command::CancelLogin]
            }
            KeyCode::Char('L' | 'l') if matches!(self.relogin, Some(Relogin::Failed(_))) => {
                self.start_relogin()
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn on_relogin(&mut self, msg: ReloginMsg) -> Vec<Command> {
        // A cancelled login's late answers change nothing.
        if self.relogin.is_none() {
            return Vec::new();
        }
        match msg {
            ReloginMsg::Prompt {
                verification_uri,
                verification_uri_complete,
                user_code,
                expires_at,
            } => {
                self.relogin = Some(Relogin::Waiting {
                    verification_uri,
                    verification_uri_complete,
                    user_code,
                    expires_at,
                });
                Vec::new()
            }
            ReloginMsg::Done => {
                self.relogin = None;
                self.connection.offline = None;
                self.say(
                    self.lang()
                        .pick("Opnieuw ingelogd.", "Logged in again.")
                        .to_string(),
                    StatusKind::Done,
                );
                vec![Command::SyncNow]
            }
            ReloginMsg::Failed(why) => {
                self.relogin = Some(Relogin::Failed(why));
                Vec::new()
            }
        }
    }
}
