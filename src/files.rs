//! Reading and writing the user's files safely: writes are atomic
//! (temporary file in the same directory, flush, fsync, rename, fsync of the
//! folder so the rename itself survives a power cut), so a crash or a full
//! disk never leaves a half-written output; a new file gets the permissions
//! the user's umask allows; reads name the file in their error. Nothing else
//! touches the filesystem for outputs.

use std::io::Write;
use std::path::Path;

use crate::error::ActasError;

/// Writes `bytes` to `path` atomically: either the whole new content is
/// there, or the old file (if any) is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ActasError> {
    let fail = |reason: String| ActasError::Write {
        path: path.to_path_buf(),
        reason,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(fail("es una carpeta".into()));
    }
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut temp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| fail(describe_io(&e)))?;
    remove_orphan_temporaries(dir, temp.path());
    temp.write_all(bytes).map_err(|e| fail(describe_io(&e)))?;
    // A temporary file is private (0600); the result gets the permissions of
    // the file it replaces, or 0666 less the umask for a new one (as any
    // program creating a file would).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o666 & !umask());
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| fail(describe_io(&e)))?;
    }
    temp.as_file()
        .sync_all()
        .map_err(|e| fail(describe_io(&e)))?;
    temp.persist(path)
        .map_err(|e| fail(describe_io(&e.error)))?;
    // The rename is an entry of the folder: sync it too, or a power cut
    // right after "saved" may bring back the old file (or none).
    sync_dir(dir).map_err(|e| fail(describe_io(&e)))?;
    Ok(())
}

/// fsync of a folder (its entries: creations, renames).
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The process's umask: from /proc on Linux (reading it never changes it,
/// unlike `umask(2)`), else the usual 022.
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// A temporary file younger than this is never removed, whoever left it:
/// its process may be alive where this one cannot see it (another PID
/// namespace, another machine on a network folder). [`GRACE_ENV`] changes
/// it (the crash-soak test sets 0 to check that nothing else is left).
const ORPHAN_GRACE: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Seconds of [`ORPHAN_GRACE`] instead of the default.
pub const GRACE_ENV: &str = "ACTAS_TEMP_GRACE_SECONDS";

fn orphan_grace() -> std::time::Duration {
    std::env::var(GRACE_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map(std::time::Duration::from_secs)
        .unwrap_or(ORPHAN_GRACE)
}

const TEMP_PREFIX: &str = ".actas-";
const TEMP_SUFFIX: &str = ".tmp";

/// Removes temporary files that a killed Actas process left in `dir`
/// (`.actas-<pid>-….tmp`): only those owned by this user (the owner of
/// `mine`, the temporary file just created), older than [`ORPHAN_GRACE`],
/// whose process no longer runs. A crash can leave such a file, never a
/// half-written output; this keeps the folder clean.
fn remove_orphan_temporaries(dir: &Path, mine: &Path) {
    #[cfg(unix)]
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    #[cfg(unix)]
    let Ok(me) = std::fs::metadata(mine).map(|m| m.uid()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name
            .strip_prefix(TEMP_PREFIX)
            .filter(|_| name.ends_with(TEMP_SUFFIX))
        else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        #[cfg(unix)]
        if meta.uid() != me {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age >= orphan_grace());
        if old && pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Without /proc we cannot tell: keep the file.
#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Reads a whole file, naming it in the error.
pub fn read(path: &Path) -> Result<Vec<u8>, ActasError> {
    std::fs::read(path).map_err(|e| ActasError::Read {
        path: path.to_path_buf(),
        reason: describe_io(&e),
    })
}

/// A Spanish description of an I/O error.
pub fn describe_io(error: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match error.kind() {
        NotFound => "no existe (o no existe la carpeta)".into(),
        PermissionDenied => "permiso denegado".into(),
        AlreadyExists => "ya existe".into(),
        StorageFull => "el disco está lleno".into(),
        ReadOnlyFilesystem => "el sistema de archivos es de solo lectura".into(),
        IsADirectory => "es una carpeta".into(),
        _ => format!("error de E/S ({error})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pdf");
        write_atomic(&path, b"uno").unwrap();
        write_atomic(&path, b"dos").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"dos");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn temporaries_of_dead_processes_are_removed_on_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        // PID 4194304 is above Linux's pid_max limit: never a live process.
        let orphan = dir.path().join(".actas-4194304-abc.tmp");
        let mine = dir
            .path()
            .join(format!(".actas-{}-def.tmp", std::process::id()));
        let recent = dir.path().join(".actas-4194305-ghi.tmp");
        for file in [&orphan, &mine, &recent] {
            std::fs::write(file, b"x").unwrap();
        }
        let long_ago = std::time::SystemTime::now() - 2 * ORPHAN_GRACE;
        for file in [&orphan, &mine] {
            std::fs::File::options()
                .write(true)
                .open(file)
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        write_atomic(&dir.path().join("a.pdf"), b"uno").unwrap();
        assert!(!orphan.exists(), "a dead process's temporary file stays");
        assert!(mine.exists(), "a live process's temporary file was removed");
        assert!(
            recent.exists(),
            "a temporary file younger than the grace period was removed"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_gets_the_permissions_the_umask_allows() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nuevo.pdf");
        write_atomic(&path, b"x").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask());
        assert!(umask() <= 0o777);
    }

    #[test]
    fn missing_folder_is_a_spanish_error() {
        let err = write_atomic(Path::new("/nonexistent-dir/x.pdf"), b"x").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("no se puede escribir /nonexistent-dir/x.pdf"),
            "{err}"
        );
    }
}
