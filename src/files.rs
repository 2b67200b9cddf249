//! Reading and writing the user's files safely: writes are atomic
//! (temporary file in the same directory, flush, fsync, rename), so a crash
//! or a full disk never leaves a half-written output; reads name the file
//! in their error. Nothing else touches the filesystem for outputs.

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
    let mut temp = tempfile::Builder::new()
        .prefix(".actas-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| fail(describe_io(&e)))?;
    temp.write_all(bytes).map_err(|e| fail(describe_io(&e)))?;
    // A temporary file is private (0600); the result gets the permissions of
    // the file it replaces, or the usual 0644 for a new one.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| fail(describe_io(&e)))?;
    }
    temp.as_file()
        .sync_all()
        .map_err(|e| fail(describe_io(&e)))?;
    temp.persist(path)
        .map_err(|e| fail(describe_io(&e.error)))?;
    Ok(())
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
