//! Files only their owner may read: the case database, the desk's log and
//! its stored login hold data about families or a way in. New ones are
//! made 0600 in folders made 0700; the umask cannot widen either.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Creates `dir` and any missing parents, each new one 0700. Folders that
/// already exist are left as they are: they may be shared on purpose.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir)
}

/// Opens `path` for appending, creating it 0600 (and its folder 0700) when
/// missing; an existing file that others may read is narrowed to 0600.
pub fn open_append(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir(dir)?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    options.mode(0o600);
    let file = options.open(path)?;
    narrow(&file)?;
    Ok(file)
}

/// Creates `path` empty and 0600 (its folder 0700) unless it exists.
pub fn create_file(path: &Path) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir(dir)?;
    }
    let mut options = OpenOptions::new();
    options.create_new(true).write(true);
    #[cfg(unix)]
    options.mode(0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Whether others than the owner may read or write `path`.
pub fn readable_by_others(path: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    return Ok(std::fs::metadata(path)?.permissions().mode() & 0o077 != 0);
    #[cfg(not(unix))]
    Ok(false)
}

#[cfg(unix)]
fn narrow(file: &File) -> io::Result<()> {
    let mut permissions = file.metadata()?.permissions();
    if permissions.mode() & 0o077 != 0 {
        permissions.set_mode(0o600);
        file.set_permissions(permissions)?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn narrow(_: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_files_and_folders_are_the_owners_alone() {
        let root = tempfile::tempdir().unwrap();
        let log = root.path().join("share/regiedesk/desk.log");
        open_append(&log).unwrap();
        assert_eq!(mode(&log), 0o600);
        assert_eq!(mode(log.parent().unwrap()), 0o700);
        assert_eq!(mode(&root.path().join("share")), 0o700);
        let db = root.path().join("data/regiedesk.db");
        create_file(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        assert!(!readable_by_others(&db).unwrap());
    }

    #[test]
    fn a_log_others_could_read_is_narrowed() {
        let root = tempfile::tempdir().unwrap();
        let log = root.path().join("desk.log");
        std::fs::write(&log, "oud\n").unwrap();
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(readable_by_others(&log).unwrap());
        open_append(&log).unwrap();
        assert_eq!(mode(&log), 0o600);
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "oud\n");
    }
}
