//! Helpers for the CLI integration tests: every test gets its own temporary
//! folder and database, and runs the real `actas` binary with the repository's
//! templates and a fixed clock (`ACTAS_NOW`), so output is reproducible.

pub mod forge;
pub mod oracles;
pub mod pki;
pub mod services;
pub mod softhsm;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

/// The instant every command sees unless a test says otherwise.
pub const NOW: &str = "2026-03-15T10:00:00-05:00";

/// The repository's `templates/` folder.
pub fn templates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")
}

/// The example data file shipped with template `id`.
pub fn example(id: &str) -> PathBuf {
    templates_dir().join("examples").join(format!("{id}.json"))
}

/// splitmix64: small, deterministic, good enough to spread kill delays.
#[allow(dead_code)] // used by the crash tests only
pub struct SplitMix(pub u64);

#[allow(dead_code)]
impl SplitMix {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// One test's sandbox: a temporary folder holding its database and outputs.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub templates: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temporary folder");
        let db = dir.path().join("actas.db");
        Sandbox {
            dir,
            db,
            templates: templates_dir(),
        }
    }

    /// A sandbox whose database is a fresh one on the test PostgreSQL
    /// server (`actas::store::testing`); `None` outside CI without one.
    pub fn postgres(test: &str) -> Option<Sandbox> {
        let url = actas::store::testing::fresh_postgres_url(test)?;
        let mut sb = Sandbox::new();
        sb.db = PathBuf::from(url);
        Some(sb)
    }

    /// A path inside the sandbox.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `actas --templates <templates> --db <db>` with the fixed clock and a
    /// clean environment (no ACTAS_DB / ACTAS_TEMPLATES from the caller).
    pub fn actas(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_actas"));
        cmd.arg("--templates")
            .arg(&self.templates)
            .arg("--db")
            .arg(&self.db)
            .current_dir(self.dir.path())
            .env("ACTAS_NOW", NOW)
            .env("ACTAS_USUARIO", "prueba.cli")
            .env_remove("ACTAS_DB")
            .env_remove("ACTAS_TEMPLATES")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `actas <args>` and captures everything.
    pub fn run(&self, args: &[&str]) -> Run {
        run_command(self.actas().args(args))
    }

    /// Runs `actas <args>` with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.actas();
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run_command(&mut cmd)
    }

    /// Starts `actas <args>` without waiting, output piped.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.actas()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start actas")
    }

    /// `actas new TEMPLATE --data <its example>`, which must succeed; returns
    /// the printed reference.
    pub fn new_from_example(&self, template: &str) -> String {
        let data = example(template);
        let run = self.run(&["new", template, "--data", data.to_str().unwrap()]);
        run.assert_ok();
        run.stdout.trim().to_string()
    }

    /// Nothing was stored: no licence, no import record, no audit row (a
    /// sandbox whose database was never created passes too).
    pub fn assert_nothing_stored(&self) {
        if !self.db.exists() {
            return;
        }
        let summary = self
            .run(&["licences", "summary", "--as-of", "2026-03-15", "--json"])
            .json();
        assert_eq!(summary["total"], 0);
        let audit = self.run(&["audit", "verify"]);
        audit.assert_ok();
        assert!(audit.stdout.contains(" 0 filas"), "{}", audit.stdout);
    }

    /// Names of the entries of the sandbox folder `sub` ("" for the root).
    pub fn entries(&self, sub: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path().join(sub))
            .expect("read sandbox folder")
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// A finished command.
#[derive(Debug)]
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    pub fn assert_ok(&self) -> &Run {
        assert!(
            self.status.success(),
            "actas failed ({:?}):\nstdout: {}\nstderr: {}",
            self.code(),
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts failure with the contract's error shape — a non-zero status,
    /// nothing on stdout, and a first stderr line `actas: …` — and returns
    /// that first line.
    pub fn assert_fails(&self) -> String {
        assert!(
            !self.status.success(),
            "actas should have failed:\nstdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        assert!(
            self.stdout.trim().is_empty(),
            "a failure printed on stdout: {}",
            self.stdout
        );
        let first = self.stderr.lines().next().unwrap_or_default().to_string();
        assert!(
            first.starts_with("actas: ") && first.len() > "actas: ".len(),
            "first stderr line is not «actas: …»: {:?}",
            self.stderr
        );
        first
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

pub fn run_command(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run actas");
    Run {
        status: out.status,
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Waits for a spawned child and captures its output.
pub fn finish(child: Child) -> Run {
    let out = child.wait_with_output().expect("wait for actas");
    Run {
        status: out.status,
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// 1-based line of the first occurrence of `needle` in `text` at or after `from_line`.
pub fn line_of(text: &str, needle: &str, from_line: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from_line.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("«{needle}» not found in the template"))
}

/// A path as `&str` (test paths are UTF-8).
pub fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// `actas render TEMPLATE --data <example> -o <name>` in the sandbox.
pub fn render(sb: &Sandbox, template: &str, name: &str) -> PathBuf {
    let out = sb.path(name);
    sb.run(&[
        "render",
        template,
        "--data",
        s(&example(template)),
        "-o",
        s(&out),
    ])
    .assert_ok();
    out
}

/// Runs each listed `fn name(sb: Sandbox)` once on SQLite and once on
/// PostgreSQL (`sqlite::name`, `postgres::name`): the same test, both engines.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name($crate::common::Sandbox::new());
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                if let Some(sb) = $crate::common::Sandbox::postgres(stringify!($name)) {
                    super::$name(sb);
                }
            })*
        }
    };
}
