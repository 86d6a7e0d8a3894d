//! Where the desk keeps a person's tokens between runs: the operating
//! system's keyring (Secret Service, macOS Keychain, Windows Credential
//! Manager, through the `keyring` crate), or where none runs (a server
//! reached over ssh) a file only the user can read. One entry per server.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::sso::Session;

const KEYRING_SERVICE: &str = "regiedesk";
/// A keyring that does not answer (a locked collection waiting for a
/// prompt nobody sees) is given up on after this.
const KEYRING_WAIT: Duration = Duration::from_secs(5);

/// `[desk] credential_store`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialStore {
    /// The keyring, else the file.
    #[default]
    Auto,
    /// Only the keyring: fail where there is none.
    Keyring,
    /// Only the file (readable by the user alone).
    File,
}

/// Where a session was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    Keyring,
    File(PathBuf),
}

impl std::fmt::Display for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Kept::Keyring => f.write_str("de sleutelbos van het besturingssysteem"),
            Kept::File(path) => write!(f, "{} (alleen voor u leesbaar)", path.display()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Credentials {
    store: CredentialStore,
    dir: PathBuf,
}

impl Credentials {
    /// The credentials of this user, the file fallback in their data
    /// directory (`~/.local/share/regiedesk/credentials` on Linux).
    pub fn new(store: CredentialStore) -> Result<Self, String> {
        let dirs = directories::ProjectDirs::from("nl", "regiedesk", "regiedesk")
            .ok_or("geen thuismap om de aanmelding te bewaren")?;
        Ok(Self::in_dir(
            store,
            dirs.data_local_dir().join("credentials"),
        ))
    }

    pub fn in_dir(store: CredentialStore, dir: PathBuf) -> Self {
        Self { store, dir }
    }

    fn file_of(&self, server: &str) -> PathBuf {
        let digest = hex::encode(Sha256::digest(normalise(server).as_bytes()));
        self.dir.join(format!("{}.json", &digest[..16]))
    }

    /// The session kept for `server`, if any.
    pub async fn load(&self, server: &str) -> Result<Option<Session>, String> {
        if self.store != CredentialStore::File {
            match keyring_get(server).await {
                Ok(Some(text)) => return parse(&text).map(Some),
                Ok(None) => {}
                Err(error) if self.store == CredentialStore::Keyring => return Err(error),
                Err(error) => tracing::debug!(%error, "no keyring; trying the file"),
            }
        }
        if self.store == CredentialStore::Keyring {
            return Ok(None);
        }
        match std::fs::read_to_string(self.file_of(server)) {
            Ok(text) => parse(&text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("kan de aanmelding niet lezen: {e}")),
        }
    }

    /// Keeps `session` (replacing what was kept for its server).
    pub async fn save(&self, session: &Session) -> Result<Kept, String> {
        let text = serde_json::to_string(session).map_err(|e| e.to_string())?;
        if self.store != CredentialStore::File {
            match keyring_set(&session.server, &text).await {
                Ok(()) => {
                    // A file from an earlier run without a keyring is stale now.
                    let _ = std::fs::remove_file(self.file_of(&session.server));
                    return Ok(Kept::Keyring);
                }
                Err(error) if self.store == CredentialStore::Keyring => return Err(error),
                Err(error) => tracing::debug!(%error, "no keyring; keeping the tokens in a file"),
            }
        }
        let path = self.file_of(&session.server);
        write_private(&self.dir, &path, &text)?;
        Ok(Kept::File(path))
    }

    /// Forgets the session of `server`; whether there was one.
    pub async fn forget(&self, server: &str) -> Result<bool, String> {
        let mut forgot = false;
        if self.store != CredentialStore::File {
            match keyring_delete(server).await {
                Ok(deleted) => forgot |= deleted,
                Err(error) if self.store == CredentialStore::Keyring => return Err(error),
                Err(_) => {}
            }
        }
        match std::fs::remove_file(self.file_of(server)) {
            Ok(()) => forgot = true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("kan {} niet verwijderen: {e}", self.dir.display())),
        }
        Ok(forgot)
    }
}

/// `https://x/` and `https://x` are one server.
fn normalise(server: &str) -> String {
    server.trim_end_matches('/').to_ascii_lowercase()
}

fn parse(text: &str) -> Result<Session, String> {
    serde_json::from_str(text)
        .map_err(|e| format!("de bewaarde aanmelding is onleesbaar ({e}): log opnieuw in"))
}

/// Writes `text` to `path` so that only the user can read it: a new file
/// with mode 0600 in a 0700 directory, moved into place whole.
fn write_private(dir: &Path, path: &Path, text: &str) -> Result<(), String> {
    let failed =
        |e: std::io::Error| format!("kan de aanmelding niet bewaren in {}: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(failed)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(failed)?;
    }
    // tempfile creates its files with mode 0600.
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(failed)?;
    file.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

async fn keyring<T: Send + 'static>(
    work: impl FnOnce() -> keyring::Result<T> + Send + 'static,
) -> Result<T, String> {
    let task = tokio::task::spawn_blocking(work);
    match tokio::time::timeout(KEYRING_WAIT, task).await {
        Ok(Ok(result)) => result.map_err(|e| e.to_string()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("de sleutelbos antwoordt niet".into()),
    }
}

async fn keyring_get(server: &str) -> Result<Option<String>, String> {
    let user = normalise(server);
    keyring(move || {
        let entry = keyring::Entry::new(KEYRING_SERVICE, &user)?;
        match entry.get_password() {
            Ok(text) => Ok(Some(text)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        }
    })
    .await
}

async fn keyring_set(server: &str, text: &str) -> Result<(), String> {
    let (user, text) = (normalise(server), text.to_string());
    keyring(move || keyring::Entry::new(KEYRING_SERVICE, &user)?.set_password(&text)).await
}

async fn keyring_delete(server: &str) -> Result<bool, String> {
    let user = normalise(server);
    keyring(
        move || match keyring::Entry::new(KEYRING_SERVICE, &user)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(e),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(server: &str) -> Session {
        Session {
            server: server.into(),
            issuer: "https://idp".into(),
            client_id: "regiedesk-desk".into(),
            token_endpoint: "https://idp/token".into(),
            revocation_endpoint: None,
            access_token: "access".into(),
            refresh_token: Some("refresh".into()),
            expires_at: "2026-12-07T10:00:00Z".parse().unwrap(),
            lifetime_seconds: 300,
        }
    }

    #[tokio::test]
    async fn a_file_keeps_one_session_per_server_readable_by_the_user_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Credentials::in_dir(CredentialStore::File, dir.path().join("c"));
        assert_eq!(store.load("https://a").await.unwrap(), None);
        let kept = store.save(&session("https://a")).await.unwrap();
        let Kept::File(path) = kept else {
            panic!("a file")
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let mode = std::fs::metadata(dir.path().join("c"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o700);
        }
        assert_eq!(
            store.load("https://a/").await.unwrap(),
            Some(session("https://a"))
        );
        assert_eq!(store.load("https://b").await.unwrap(), None);
        assert!(store.forget("https://a").await.unwrap());
        assert!(!store.forget("https://a").await.unwrap());
        assert_eq!(store.load("https://a").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_damaged_file_says_to_log_in_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = Credentials::in_dir(CredentialStore::File, dir.path().to_path_buf());
        std::fs::write(store.file_of("https://a"), "{").unwrap();
        assert!(
            store
                .load("https://a")
                .await
                .unwrap_err()
                .contains("log opnieuw in")
        );
    }
}
