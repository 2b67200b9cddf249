//! The files the window may touch: only those the user chose in a file
//! dialog (or dropped on the window), and the application's own folders.
//!
//! The webview never hands a path to the core. `choose_file` /
//! `choose_save_path` open the system dialog **from the backend** and keep
//! the answer here, returning an opaque random token (a [`Grant`]: the
//! token, the file's name and its full path to show). Every command that
//! reads or writes a file takes such a token and resolves it with
//! [`Grants::read`] or [`Grants::write`]: an unknown token, a typed path or
//! a token issued for opening used for writing is refused with a Spanish
//! message, so a script injected into the page can read or overwrite
//! nothing the user did not pick for that purpose. Save dialogs start in the
//! user's Documents folder (the home folder when there is none) with a
//! plain file name the backend strips of any folder.
//!
//! **Test hook.** Native dialogs cannot be driven by WebDriver. In a debug
//! build only, when the process starts with `ACTAS_TEST_DIALOG_DIR` set
//! (the e2e harness sets it when it launches the window), a dialog is not
//! shown: it records its question in `<dir>/pregunta` (title, then default
//! path) and answers with the path written in `<dir>/respuesta` (consumed;
//! no file = the user cancelled); «Imprimir» records the file in
//! `<dir>/abierto` instead of starting the viewer. The variable is read
//! once at start-up from the process environment, which the webview cannot
//! set, and a release build never enables it. See docs/desktop.md.
//!
//! It does not read or write the files themselves: the core does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

/// The event that carries the grants of files dropped on the window.
pub const DROPPED_EVENT: &str = "archivos-soltados";

/// Environment variable of the e2e test hook (debug builds only).
pub const TEST_DIALOG_ENV: &str = "ACTAS_TEST_DIALOG_DIR";

/// What a token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Chosen in an «Abrir» dialog or dropped on the window.
    Read,
    /// Chosen in a «Guardar como» dialog.
    Write,
}

/// The kinds of file the dialogs filter for.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    P12,
    Cert,
    Sheet,
    Eml,
    Zip,
    Csv,
}

impl FileKind {
    fn filter(self) -> (&'static str, &'static [&'static str]) {
        match self {
            FileKind::Pdf => ("Documentos PDF", &["pdf", "PDF"]),
            FileKind::P12 => (
                "Certificados PKCS#12 (.p12, .pfx)",
                &["p12", "pfx", "P12", "PFX"],
            ),
            FileKind::Cert => (
                "Certificados raíz (.pem, .der, .cer, .crt)",
                &["pem", "der", "cer", "crt", "PEM", "DER", "CER", "CRT"],
            ),
            FileKind::Sheet => (
                "Hojas de cálculo (.xlsx, .xls, .ods, .csv)",
                &["xlsx", "xls", "ods", "csv", "XLSX", "XLS", "ODS", "CSV"],
            ),
            FileKind::Eml => ("Correo electrónico (.eml)", &["eml", "EML"]),
            FileKind::Csv => ("Informe CSV (.csv)", &["csv", "CSV"]),
            FileKind::Zip => ("Paquete de archivo (.zip)", &["zip", "ZIP"]),
        }
    }

    fn fallback_name(self) -> &'static str {
        match self {
            FileKind::Eml => "correo.eml",
            FileKind::Sheet => "reporte.csv",
            FileKind::Zip => "paquete.zip",
            FileKind::Csv => "informe.csv",
            _ => "documento.pdf",
        }
    }
}

/// A file the user chose: what the window keeps and shows.
#[derive(Debug, Clone, Serialize)]
pub struct Grant {
    /// Opaque; the only thing commands accept in place of a path.
    pub token: String,
    /// The file's name, e.g. `2026-001-Anexo-11.1.pdf`.
    pub name: String,
    /// The full path, to show the user where it is.
    pub path: String,
}

/// The tokens issued in this run of the window (never persisted).
pub struct Grants {
    issued: Mutex<HashMap<String, (PathBuf, Access)>>,
    /// The e2e hook's folder, when enabled.
    test_answers: Option<PathBuf>,
}

impl Grants {
    /// No hook: every dialog is the system's.
    pub fn new() -> Grants {
        Grants {
            issued: Mutex::new(HashMap::new()),
            test_answers: None,
        }
    }

    /// Reads the test hook from the environment (debug builds only).
    pub fn from_env() -> Grants {
        let mut grants = Grants::new();
        if cfg!(debug_assertions) {
            grants.test_answers = std::env::var_os(TEST_DIALOG_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from);
        }
        grants
    }

    /// The test hook answering from `dir`, whatever the build (the shell's
    /// own tests; the window itself only enables it through [`Grants::from_env`]).
    #[doc(hidden)]
    pub fn answering(dir: PathBuf) -> Grants {
        Grants {
            issued: Mutex::new(HashMap::new()),
            test_answers: Some(dir),
        }
    }

    /// Issues a token for `path` (the dialog's answer or a dropped file).
    pub fn issue(&self, path: PathBuf, access: Access) -> Grant {
        let mut bytes = [0u8; 16];
        openssl::rand::rand_bytes(&mut bytes).expect("the system's random generator");
        let token = format!(
            "archivo:{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let grant = Grant {
            token: token.clone(),
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.display().to_string(),
        };
        self.lock().insert(token, (path, access));
        grant
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (PathBuf, Access)>> {
        self.issued.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn resolve(&self, token: &str, access: Access) -> Result<PathBuf, String> {
        let token = token.trim();
        if token.is_empty() {
            return Err(match access {
                Access::Read => "elija el archivo con «Elegir…»".into(),
                Access::Write => "elija dónde guardarlo con «Guardar como…»".into(),
            });
        }
        match self.lock().get(token) {
            Some((path, granted)) if *granted == access || *granted == Access::Write => {
                // A file the user chose to write may be read back (e.g. verified).
                Ok(path.clone())
            }
            Some(_) => Err(
                "ese archivo se eligió para leerlo, no para escribir en él: elija dónde guardar con «Guardar como…»"
                    .into(),
            ),
            None => Err(
                "la ventana solo usa archivos elegidos en el diálogo de archivos: elíjalo con «Elegir…» o «Guardar como…»"
                    .into(),
            ),
        }
    }

    /// The file a read token stands for.
    pub fn read(&self, token: &str) -> Result<PathBuf, String> {
        self.resolve(token, Access::Read)
    }

    /// The file a save token stands for.
    pub fn write(&self, token: &str) -> Result<PathBuf, String> {
        self.resolve(token, Access::Write)
    }

    /// [`Grants::read`] of an optional token (`None` or empty stays `None`).
    pub fn read_optional(&self, token: Option<&str>) -> Result<Option<PathBuf>, String> {
        match token.map(str::trim).filter(|t| !t.is_empty()) {
            Some(token) => self.read(token).map(Some),
            None => Ok(None),
        }
    }

    /// Asks for an existing file; `None` when the user cancels.
    pub fn choose_file<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        kind: FileKind,
        title: &str,
    ) -> Result<Option<Grant>, String> {
        let chosen = match &self.test_answers {
            Some(dir) => test_answer(dir, title, None)?,
            None => {
                let (filter, extensions) = kind.filter();
                app.dialog()
                    .file()
                    .set_title(title)
                    .add_filter(filter, extensions)
                    .blocking_pick_file()
                    .map(|p| p.into_path().map_err(|e| e.to_string()))
                    .transpose()?
            }
        };
        Ok(chosen.map(|path| self.issue(path, Access::Read)))
    }

    /// Asks where to write a file, starting in the user's Documents folder
    /// with `suggested` (its last component only); `None` when cancelled.
    pub fn choose_save_path<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        kind: FileKind,
        title: &str,
        suggested: &str,
    ) -> Result<Option<Grant>, String> {
        let name = actas::app::plain_file_name(suggested, kind.fallback_name());
        let folder = user_folder(app);
        let chosen = match &self.test_answers {
            Some(dir) => test_answer(dir, title, Some(&folder.join(&name)))?,
            None => {
                let (filter, extensions) = kind.filter();
                app.dialog()
                    .file()
                    .set_title(title)
                    .add_filter(filter, extensions)
                    .set_directory(&folder)
                    .set_file_name(name)
                    .blocking_save_file()
                    .map(|p| p.into_path().map_err(|e| e.to_string()))
                    .transpose()?
            }
        };
        Ok(chosen.map(|path| self.issue(path, Access::Write)))
    }

    /// Opens `file` with the system's default application (its PDF viewer,
    /// from which the user prints); under the test hook, records it instead.
    pub fn open_with_system(&self, file: &Path) -> Result<(), String> {
        if let Some(dir) = &self.test_answers {
            return actas::files::write_atomic(
                &dir.join("abierto"),
                file.display().to_string().as_bytes(),
            )
            .map_err(|e| e.to_string());
        }
        let mut command = if cfg!(target_os = "windows") {
            let mut c = std::process::Command::new("cmd");
            c.args(["/C", "start", ""]);
            c
        } else if cfg!(target_os = "macos") {
            std::process::Command::new("open")
        } else {
            std::process::Command::new("xdg-open")
        };
        command
            .arg(file)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map(drop)
            .map_err(|e| format!("no se pudo abrir el visor de PDF del sistema: {e}"))
    }
}

impl Default for Grants {
    fn default() -> Self {
        Grants::new()
    }
}

/// The user's Documents folder, else the home folder, else the current one.
pub fn user_folder<R: Runtime>(app: &AppHandle<R>) -> PathBuf {
    let paths = app.path();
    paths
        .document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| paths.home_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The application's own folder for the copies «Imprimir» opens.
pub fn print_folder<R: Runtime>(app: &AppHandle<R>) -> Result<PathBuf, String> {
    let dir = app
        .path()
        .app_cache_dir()
        .map_err(|e| format!("no se encontró la carpeta de la aplicación: {e}"))?
        .join("imprimir");
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("no se pudo crear la carpeta {}: {e}", dir.display()))?;
    Ok(dir)
}

/// The e2e hook: records the question, consumes the answer.
fn test_answer(dir: &Path, title: &str, default: Option<&Path>) -> Result<Option<PathBuf>, String> {
    let question = format!(
        "{title}\n{}\n",
        default.map(|d| d.display().to_string()).unwrap_or_default()
    );
    actas::files::write_atomic(&dir.join("pregunta"), question.as_bytes())
        .map_err(|e| e.to_string())?;
    let answer_file = dir.join("respuesta");
    let Ok(answer) = std::fs::read_to_string(&answer_file) else {
        return Ok(None);
    };
    let _ = std::fs::remove_file(&answer_file);
    let answer = answer.trim();
    Ok((!answer.is_empty()).then(|| PathBuf::from(answer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_issued_tokens_resolve_and_only_for_their_purpose() {
        let grants = Grants::new();
        let open = grants.issue(PathBuf::from("/tmp/a.pdf"), Access::Read);
        let save = grants.issue(PathBuf::from("/tmp/b.pdf"), Access::Write);
        assert_ne!(open.token, save.token);
        assert_eq!(open.name, "a.pdf");
        assert_eq!(grants.read(&open.token).unwrap(), Path::new("/tmp/a.pdf"));
        assert_eq!(grants.write(&save.token).unwrap(), Path::new("/tmp/b.pdf"));
        assert_eq!(grants.read(&save.token).unwrap(), Path::new("/tmp/b.pdf"));
        assert!(grants
            .write(&open.token)
            .unwrap_err()
            .contains("para leerlo"));
        for forged in ["/etc/passwd", "archivo:00", "../b.pdf"] {
            assert!(grants
                .read(forged)
                .unwrap_err()
                .contains("elegidos en el diálogo"));
            assert!(grants
                .write(forged)
                .unwrap_err()
                .contains("elegidos en el diálogo"));
        }
        assert!(grants.read("").unwrap_err().contains("Elegir"));
        assert_eq!(grants.read_optional(Some(" ")).unwrap(), None);
    }
}
