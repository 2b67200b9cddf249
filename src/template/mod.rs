//! Declarative form definitions: the model of a template and the catalogue
//! loaded from `templates/*.toml`.
//!
//! This module knows what a form looks like (sections, fields, signers, rules)
//! and refuses a template with a mistake at load time, naming file, line and
//! reason. It does not validate a document's data (`form`) nor lay anything
//! out (`render`). The file format is documented in `docs/templates.md`.

mod load;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub(crate) use load::line_of;
pub use load::{load_catalogue, load_template, load_template_str, TemplateError};

use crate::calendar::Country;

/// The office-wide correlative register every template numbers in unless it
/// declares its own `series`: one `AAAA-NNN` sequence per year, so a number
/// identifies a document in the store on its own.
pub const DEFAULT_SERIES: &str = crate::store::REGISTER_SERIES;

/// Environment variable naming the templates directory.
pub const TEMPLATES_ENV: &str = "ACTAS_TEMPLATES";

/// One form: identity, printed sections, signers and procedure rules.
#[derive(Debug, Clone)]
pub struct Template {
    pub id: String,
    pub title: String,
    pub entity: String,
    pub office: String,
    pub form_code: String,
    pub format_version: String,
    /// Correlative series the store numbers this form in ([`DEFAULT_SERIES`] unless declared).
    pub series: String,
    pub seed: SeedRef,
    pub design_note: Option<String>,
    /// The first signature certifies the document (DocMDP P=2: later
    /// approval signatures and form filling stay allowed, nothing else).
    pub certify: bool,
    /// The country whose calendar the business-day rules use (default Perú).
    pub country: Country,
    /// A form that is also sent as an e-mail: who it goes to and its subject.
    pub email: Option<EmailSpec>,
    /// The PDF is the restricted copy: secret fields print in clear (and
    /// every page says so). Otherwise they print masked, «•••• 1234».
    pub restricted_copy: bool,
    /// Laid out on landscape A4 (a table with many columns).
    pub landscape: bool,
    pub sections: Vec<Section>,
    /// In signing order.
    pub signers: Vec<Signer>,
    pub rules: Vec<Rule>,
    /// The file it was loaded from (empty for templates loaded from a string).
    pub source: PathBuf,
}

/// Where in the official procedure the form comes from.
#[derive(Debug, Clone)]
pub struct SeedRef {
    pub file: String,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// As printed: "I", "A", "4.1", or empty.
    pub number: String,
    pub title: String,
    /// 1 for a section, 2 for a sub-section.
    pub level: u8,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub id: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    pub hint: Option<String>,
    /// Required only while this condition holds (`required` is then false).
    pub required_when: Option<Condition>,
    /// A static text prints only while this condition holds.
    pub when: Option<Condition>,
    /// Filled by a rule (a deadline, an alert): left empty in the data.
    pub computed: bool,
}

/// «Another field has a value» (or one of `values`; or, for a table, a row
/// whose columns hold the listed values), possibly negated. Conditional
/// required fields and conditional static texts use it; in a table column
/// `field` names a sibling column of the same row.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: String,
    /// Empty: the field has any value.
    pub values: Vec<String>,
    /// For a table field: some row has, in each column, one of the values.
    pub row: Vec<(String, Vec<String>)>,
    /// The condition holds when the test above fails.
    pub negate: bool,
}

/// Which fields make an e-mail's headers (DESIGN §2: e-mail templates
/// render an RFC 5322 message).
#[derive(Debug, Clone, PartialEq)]
pub struct EmailSpec {
    /// An `email` field with exactly one address.
    pub from: String,
    pub to: String,
    pub cc: Option<String>,
    /// A text field: the subject line.
    pub subject: String,
    /// A text or multiline field printed last, as the sender's closing lines.
    pub signature: Option<String>,
}

/// What a field holds and how it prints.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Text {
        max_length: Option<usize>,
    },
    Multiline {
        max_length: Option<usize>,
    },
    Date,
    DateTime,
    /// `20:30`.
    Time,
    /// A token, key or password: typed like text, stored encrypted, printed masked.
    Secret {
        max_length: Option<usize>,
    },
    /// One or more e-mail addresses, `Nombre <correo@dominio>` separated by `;`.
    Email,
    Number {
        min: Option<f64>,
        max: Option<f64>,
        decimals: u8,
    },
    Money {
        min: Option<f64>,
        max: Option<f64>,
    },
    Choice {
        options: Vec<String>,
    },
    MultiChoice {
        options: Vec<String>,
    },
    YesNo,
    Table {
        columns: Vec<Column>,
        min_rows: usize,
        max_rows: Option<usize>,
    },
    Static {
        text: String,
    },
    Signer {
        role: String,
    },
}

impl FieldKind {
    /// The kind's name as written in the template file.
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::Text { .. } => "text",
            FieldKind::Multiline { .. } => "multiline",
            FieldKind::Date => "date",
            FieldKind::DateTime => "datetime",
            FieldKind::Time => "time",
            FieldKind::Secret { .. } => "secret",
            FieldKind::Email => "email",
            FieldKind::Number { .. } => "number",
            FieldKind::Money { .. } => "money",
            FieldKind::Choice { .. } => "choice",
            FieldKind::MultiChoice { .. } => "multichoice",
            FieldKind::YesNo => "yesno",
            FieldKind::Table { .. } => "table",
            FieldKind::Static { .. } => "static",
            FieldKind::Signer { .. } => "signer",
        }
    }

    /// Whether a data file carries a value for this field.
    pub fn holds_data(&self) -> bool {
        !matches!(self, FieldKind::Static { .. })
    }
}

/// A column of a table field.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub id: String,
    pub label: String,
    pub kind: FieldKind,
    pub width: f32,
    pub required: bool,
    /// Required only while this condition (on sibling columns) holds.
    pub required_when: Option<Condition>,
}

#[derive(Debug, Clone)]
pub struct Signer {
    /// Role id; the PDF signature field is `firma.<role>`.
    pub role: String,
    pub title: String,
    pub required: bool,
    /// Roles that must have signed before this one.
    pub after: Vec<String>,
}

impl Signer {
    /// Name of the AcroForm signature field of this role (contract).
    pub fn field_name(&self) -> String {
        format!("firma.{}", self.role)
    }
}

/// A procedure rule the form enforces, with the fields it reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// MEF 000 §6.4: request ≥ 7 × 24 h before execution (72 h if urgent),
    /// execution in the night that starts at 20:00 (it may run past midnight).
    MefPaseDeadlines {
        request: String,
        execution: String,
        /// When the execution window ends (optional).
        execution_end: Option<String>,
        urgent: String,
    },
    /// A deadline in días útiles (MEF 004 §3.5): `due` = `days` business
    /// days after `from` in the template's country; `done` (when given) is
    /// checked against it and `flag` says whether the plazo is met.
    BusinessDeadline(BusinessDeadline),
    /// SIG PSDT-13 activities 2 and 5 (001, lines 77 and 80): an urgent
    /// publication skips the request and the confirmation e-mails.
    SigUrgentSkips { urgent: String },
    /// Senace correlatives printed `AAAA-NNN`.
    SenaceCorrelative { fields: Vec<String> },
    /// Senace 002 l.1097–1107: `PRODUCCIÓN.<Sistema>.<AAAA/MM/DD>.INSTALACIÓN-<Año>-<Nro>.<USUARIO>`.
    SenaceInstallSubject {
        field: String,
        system: String,
        date: String,
        number: String,
        requester: String,
    },
}

/// The parameters of a [`Rule::BusinessDeadline`].
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessDeadline {
    /// A date field: where the count starts (not counted itself).
    pub from: String,
    pub days: u32,
    /// A computed date field the rule fills.
    pub due: String,
    /// A date field: when it was done.
    pub done: Option<String>,
    /// A computed text field the rule fills with «en plazo» / «vencido».
    pub flag: Option<String>,
    /// `done` must not come before `due` (closing «on day 22»).
    pub not_before: bool,
    /// The deadline applies only while this holds.
    pub when: Option<Condition>,
}

impl Template {
    /// Every field of every section, in print order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields().find(|f| f.id == id)
    }

    pub fn signer(&self, role: &str) -> Option<&Signer> {
        self.signers.iter().find(|s| s.role == role)
    }

    /// Whether any field or table column is a secret.
    pub fn has_secrets(&self) -> bool {
        self.fields().any(|f| match &f.kind {
            FieldKind::Secret { .. } => true,
            FieldKind::Table { columns, .. } => columns
                .iter()
                .any(|c| matches!(c.kind, FieldKind::Secret { .. })),
            _ => false,
        })
    }
}

/// All templates of a directory, sorted by id — or, [`Catalogue::deferred`],
/// none yet: each is read from its file when [`Catalogue::get_or_load`] asks.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub dir: PathBuf,
    pub templates: Vec<Template>,
    /// `templates` is not the whole directory: look a missing id up on disk.
    deferred: bool,
}

impl Catalogue {
    pub(crate) fn loaded(dir: PathBuf, templates: Vec<Template>) -> Catalogue {
        Catalogue {
            dir,
            templates,
            deferred: false,
        }
    }

    /// A catalogue that reads nothing until a template is asked for by id:
    /// signing a PDF needs only the template it names (`/ActasTemplate`),
    /// not the parse of every file of the directory.
    pub fn deferred(dir: &Path) -> Catalogue {
        Catalogue {
            dir: dir.to_path_buf(),
            templates: Vec::new(),
            deferred: true,
        }
    }

    /// The template `id`: from the loaded ones, or, when deferred, from its
    /// file `<dir>/<id>.toml` (none when there is no such file).
    pub fn get_or_load(&self, id: &str) -> Result<Option<Cow<'_, Template>>, TemplateError> {
        match self.get(id) {
            Some(t) => Ok(Some(Cow::Borrowed(t))),
            None if self.deferred => Ok(load_template(&self.dir, id)?.map(Cow::Owned)),
            None => Ok(None),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }

    /// The template, or an error that lists the known ids.
    pub fn require(&self, id: &str) -> Result<&Template, TemplateError> {
        self.get(id).ok_or_else(|| TemplateError::Unknown {
            id: id.to_string(),
            known: self.templates.iter().map(|t| t.id.clone()).collect(),
        })
    }

    /// The templates directory: `ACTAS_TEMPLATES`, else `templates/` in the
    /// working directory, else the one shipped beside the executable's source tree.
    pub fn default_dir() -> PathBuf {
        if let Ok(dir) = std::env::var(TEMPLATES_ENV) {
            if !dir.trim().is_empty() {
                return PathBuf::from(dir);
            }
        }
        let local = Path::new("templates");
        if local.is_dir() {
            return local.to_path_buf();
        }
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")
    }
}
