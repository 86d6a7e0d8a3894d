//! The audit log's hash chain (NEN 7513): every read of a case's detail and
//! every change is an entry; each entry's hash covers its own fields and its
//! predecessor's hash, so altering or removing any stored entry breaks the
//! chain from that point on.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::domain::model::{Login, Person, Role};
use crate::domain::text::{LINE_BREAKS, is_bidi_override};
use crate::server::error::ellipsis;

/// The actor of an access attempt without a valid token.
pub const ANONYMOUS: &str = "anoniem";

/// The hash that the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, before the store gives it its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDraft {
    pub at: DateTime<Utc>,
    pub actor: Login,
    /// `None` for a caller without a valid token.
    pub actor_role: Option<Role>,
    pub on_behalf_of: String,
    pub case_id: Option<i64>,
    pub request_id: Option<i64>,
    /// `case.read`, `case.assign`, `request.decide`, ...
    pub action: String,
    /// `ok`, or `refused` for an access attempt that was turned away.
    pub result: String,
    pub reason: Option<String>,
}

impl AuditDraft {
    /// A successful action by `actor`, on behalf of whom the law says.
    pub fn ok(actor: &Person, at: DateTime<Utc>, action: &str) -> Self {
        Self {
            at,
            actor: actor.login.clone(),
            actor_role: Some(actor.role),
            on_behalf_of: on_behalf_of(actor.role).to_string(),
            case_id: None,
            request_id: None,
            action: action.to_string(),
            result: "ok".to_string(),
            reason: None,
        }
    }

    /// An access attempt that was refused: by `actor`, or by a caller
    /// without a valid token (logged as [`ANONYMOUS`]). NEN 7513 asks for
    /// failed attempts as well as successful ones.
    pub fn refused(actor: Option<&Person>, at: DateTime<Utc>, action: &str, why: &str) -> Self {
        Self {
            at,
            actor: actor.map_or_else(|| ANONYMOUS.to_string(), |p| p.login.clone()),
            actor_role: actor.map(|p| p.role),
            on_behalf_of: actor.map_or("", |p| on_behalf_of(p.role)).to_string(),
            case_id: None,
            request_id: None,
            action: action.to_string(),
            result: "refused".to_string(),
            // Why may quote what the caller sent (a path, a header):
            // bounded as well as one line.
            reason: Some(ellipsis(&one_line(why), MAX_REFUSAL)),
        }
    }

    /// What the functioneel beheerder did on the server's command line
    /// (`staff put`, `staff token`, `reset-demo`, ...): under `beheer:` and
    /// the operating system's user, as no regiedesk login is involved.
    pub fn by_beheerder(at: DateTime<Utc>, action: &str, reason: &str) -> Self {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "onbekend".into());
        Self {
            at,
            actor: format!("beheer:{user}"),
            actor_role: None,
            on_behalf_of: COLLEGE.to_string(),
            case_id: None,
            request_id: None,
            action: action.to_string(),
            result: "ok".to_string(),
            reason: Some(one_line(reason)),
        }
    }

    pub fn case(mut self, id: i64) -> Self {
        self.case_id = Some(id);
        self
    }

    pub fn request(mut self, id: i64) -> Self {
        self.request_id = Some(id);
        self
    }

    /// The reason of a change, kept as one line (a note's line breaks as
    /// `\n`).
    pub fn reason(mut self, reason: Option<String>) -> Self {
        self.reason = reason.map(|r| one_line(&r));
        self
    }
}

/// Longest refusal reason kept: it may quote what a caller sent.
const MAX_REFUSAL: usize = 300;

/// `text` as one line of the audit log: line breaks, tabs and other
/// control characters written as escapes (`\r\n`, `\u{1b}`), so that no
/// text can start a line of its own in any export or log of it.
pub fn one_line(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            c if needs_escape(c) => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Control characters, and what ends a line or reorders text without
/// being one: the line and paragraph separators, the direction marks,
/// embeddings, overrides and isolates. A request's path (a refusal's
/// reason quotes it) can carry any of them.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || LINE_BREAKS.contains(&c)
        || is_bidi_override(c)
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// On whose behalf a role acts: the doorzettingsmacht regisseur acts for
/// the mayor (seed 000, 3.2); everyone else for the college van B&W, the
/// body responsible under the Wmo and the Jeugdwet.
pub fn on_behalf_of(role: Role) -> &'static str {
    match role {
        Role::ProcesregisseurDoorzettingsmacht => "burgemeester",
        _ => COLLEGE,
    }
}

/// The college van burgemeester en wethouders.
const COLLEGE: &str = "college van burgemeester en wethouders";

/// One stored entry of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: Login,
    pub actor_role: Option<Role>,
    pub on_behalf_of: String,
    pub case_id: Option<i64>,
    pub request_id: Option<i64>,
    pub action: String,
    pub result: String,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// Places `draft` in the chain after `prev_hash` at position `seq`.
    pub fn chain(seq: i64, prev_hash: &str, draft: AuditDraft) -> Self {
        let mut entry = Self {
            seq,
            at: draft.at,
            actor: draft.actor,
            actor_role: draft.actor_role,
            on_behalf_of: draft.on_behalf_of,
            case_id: draft.case_id,
            request_id: draft.request_id,
            action: draft.action,
            result: draft.result,
            reason: draft.reason,
            prev_hash: prev_hash.to_string(),
            hash: String::new(),
        };
        entry.hash = entry.computed_hash();
        entry
    }

    /// SHA-256 over the entry's fields in a fixed order, each length-prefixed
    /// so that no two different entries serialise alike.
    pub fn computed_hash(&self) -> String {
        let mut hasher = Sha256::new();
        let fields: [&str; 11] = [
            &self.seq.to_string(),
            &self.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            &self.actor,
            // No role (an anonymous attempt) hashes as the empty string,
            // which no role is; entries with a role hash as they always did.
            self.actor_role.map_or("", Role::as_str),
            &self.on_behalf_of,
            &self.case_id.map(|v| v.to_string()).unwrap_or_default(),
            &self.request_id.map(|v| v.to_string()).unwrap_or_default(),
            &self.action,
            &self.result,
            self.reason.as_deref().unwrap_or("\u{0}"),
            &self.prev_hash,
        ];
        for field in fields {
            hasher.update((field.len() as u64).to_be_bytes());
            hasher.update(field.as_bytes());
        }
        hex::encode(hasher.finalize())
    }
}

/// Where the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("audit entry {seq} is missing (removed)")]
    Missing { seq: i64 },
    #[error("audit entry {seq} was altered: its hash does not match its contents")]
    Altered { seq: i64 },
    #[error("audit entry {seq} does not link to entry {}: an entry before it was altered or removed", seq - 1)]
    Unlinked { seq: i64 },
}

/// Checks a whole chain, `entries` in `seq` order; `last_seq` is the number
/// of entries ever appended (kept apart from the log, so removing the last
/// entries is noticed too). Returns how many entries were checked.
impl ChainBreak {
    /// What broke, in Dutch, for an operator who reads Dutch.
    pub fn dutch(&self) -> String {
        match self {
            ChainBreak::Missing { seq } => format!("auditregel {seq} ontbreekt (verwijderd)"),
            ChainBreak::Altered { seq } => {
                format!("auditregel {seq} is gewijzigd: de hash past niet bij de inhoud")
            }
            ChainBreak::Unlinked { seq } => format!(
                "auditregel {seq} verwijst niet naar regel {}: een regel ervoor is gewijzigd of verwijderd",
                seq - 1
            ),
        }
    }
}

pub fn verify(entries: &[AuditEntry], last_seq: i64) -> Result<usize, ChainBreak> {
    let mut prev_hash = GENESIS;
    let mut expected_seq = 1;
    for entry in entries {
        if entry.seq != expected_seq {
            return Err(ChainBreak::Missing { seq: expected_seq });
        }
        if entry.prev_hash != prev_hash {
            return Err(ChainBreak::Unlinked { seq: entry.seq });
        }
        if entry.computed_hash() != entry.hash {
            return Err(ChainBreak::Altered { seq: entry.seq });
        }
        prev_hash = &entry.hash;
        expected_seq += 1;
    }
    if expected_seq <= last_seq {
        return Err(ChainBreak::Missing { seq: expected_seq });
    }
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_text_starts_a_line_of_its_own_in_the_audit_log() {
        let pm = crate::server::demo::people()
            .into_iter()
            .find(|p| p.login == "pm")
            .unwrap();
        let at = "2026-11-24T13:30:00Z".parse().unwrap();
        let draft = AuditDraft::ok(&pm, at, "case.activity")
            .reason(Some("gesprek\r\nactor: pr-dzm\u{1b}[2J".into()));
        assert_eq!(
            draft.reason.as_deref(),
            Some("gesprek\\r\\nactor: pr-dzm\\u{1b}[2J")
        );
        let refused = AuditDraft::refused(None, at, "api", &format!("x\n{}", "y".repeat(500)));
        let why = refused.reason.unwrap();
        assert!(why.starts_with("x\\ny") && why.ends_with('…') && !why.contains('\n'));
        assert_eq!(one_line("gewoon één regel"), "gewoon één regel");
        assert_eq!(
            one_line("/cases/1\u{2028}actor:pm \u{202e}21-esac"),
            "/cases/1\\u{2028}actor:pm \\u{202e}21-esac"
        );
    }

    fn chain_of(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let draft = AuditDraft {
                    at: "2026-11-24T10:00:00.123456Z".parse().unwrap(),
                    actor: "pr-jeugd".into(),
                    actor_role: Some(Role::ProcesregisseurJeugd),
                    on_behalf_of: on_behalf_of(Role::ProcesregisseurJeugd).into(),
                    case_id: Some(seq * 10),
                    request_id: None,
                    action: "case.read".into(),
                    result: "ok".into(),
                    reason: None,
                };
                let entry = AuditEntry::chain(seq, &prev, draft);
                prev = entry.hash.clone();
                entry
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain_of(5), 5), Ok(5));
        assert_eq!(verify(&[], 0), Ok(0));
    }

    #[test]
    fn an_altered_field_is_found() {
        let mut chain = chain_of(5);
        chain[2].case_id = Some(999);
        assert_eq!(verify(&chain, 5), Err(ChainBreak::Altered { seq: 3 }));
        let mut chain = chain_of(5);
        chain[1].reason = Some("".into());
        assert_eq!(verify(&chain, 5), Err(ChainBreak::Altered { seq: 2 }));
    }

    #[test]
    fn a_rehashed_entry_breaks_the_link_of_its_successor() {
        let mut chain = chain_of(5);
        chain[2].actor = "someone-else".into();
        chain[2].hash = chain[2].computed_hash();
        assert_eq!(verify(&chain, 5), Err(ChainBreak::Unlinked { seq: 4 }));
    }

    #[test]
    fn removed_entries_are_found_in_the_middle_and_at_the_end() {
        let mut chain = chain_of(5);
        chain.remove(1);
        assert_eq!(verify(&chain, 5), Err(ChainBreak::Missing { seq: 2 }));
        let mut chain = chain_of(5);
        chain.pop();
        assert_eq!(verify(&chain, 5), Err(ChainBreak::Missing { seq: 5 }));
    }

    #[test]
    fn the_doorzettingsmacht_acts_for_the_mayor() {
        assert_eq!(
            on_behalf_of(Role::ProcesregisseurDoorzettingsmacht),
            "burgemeester"
        );
        assert_ne!(on_behalf_of(Role::Casusregisseur), "burgemeester");
    }
}
