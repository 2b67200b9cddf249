//! The one error type the front doors (CLI, desktop) see. Every variant
//! prints as Spanish text that says what went wrong and where; validation
//! problems print on one line, a summary then every problem joined by «; ».

use std::path::PathBuf;

use crate::form::Problems;
use crate::render::RenderError;
use crate::store::StoreError;
use crate::template::TemplateError;

#[derive(Debug, thiserror::Error)]
pub enum ActasError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("{template}: {problems}")]
    Invalid {
        template: String,
        problems: Problems,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Sign(#[from] crate::sign::SignError),
    #[error(transparent)]
    Secret(#[from] crate::secrets::SecretError),
    #[error("no se puede leer {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("no se puede escribir {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    #[error("{}:{line}:{column}: JSON inválido ({reason})", path.display())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        reason: String,
    },
    /// A PDF that cannot be verified at all (not a PDF, no structure,
    /// encrypted): unusable input, exit status 2 (docs/verification.md).
    #[error("{what}: {source}")]
    Unverifiable {
        what: String,
        #[source]
        source: crate::verify::VerifyError,
    },
    /// Input the user must fix (a wrong certificate for the role, a bad
    /// argument value); exit status 2.
    #[error("{0}")]
    Input(String),
    /// Refused by the register's rules (another signed first, a PDF that
    /// conflicts with a stored revision); exit status 1.
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Other(String),
}

impl ActasError {
    /// The process exit status for this error: 2 for input the user must
    /// fix (data, templates, arguments), 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            ActasError::Invalid { .. }
            | ActasError::Json { .. }
            | ActasError::Template(_)
            | ActasError::Unverifiable { .. }
            | ActasError::Input(_) => 2,
            _ => 1,
        }
    }
}
