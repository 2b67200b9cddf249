//! Reading template files: TOML → checked [`Template`].
//!
//! Parsing goes through "raw" serde structs that keep source spans, then a
//! conversion that checks everything the format promises (known kinds, keys
//! that fit the kind, unique ids, signer order without cycles, rules naming
//! fields of the right kind) and reports the first mistake with file and line.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{
    BusinessDeadline, Catalogue, Column, Condition, EmailSpec, Field, FieldKind, Rule, Section,
    SeedRef, Signer, Template,
};
use crate::calendar::Country;

/// A template that cannot be used, or a catalogue that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("no se puede leer {}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    #[error("{}:{line}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("plantilla desconocida «{id}»; las conocidas son: {}", known.join(", "))]
    Unknown { id: String, known: Vec<String> },
    #[error("no hay plantillas en {}", dir.display())]
    Empty { dir: PathBuf },
}

/// Loads every `*.toml` of `dir` (not sub-directories), sorted by id.
pub fn load_catalogue(dir: &Path) -> Result<Catalogue, TemplateError> {
    let entries = std::fs::read_dir(dir).map_err(|e| TemplateError::Io {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "toml") && p.is_file())
        .collect();
    paths.sort();
    let mut templates: Vec<Template> = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| TemplateError::Io {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let template = load_template_str(&text, &path)?;
        if let Some(other) = templates.iter().find(|t| t.id == template.id) {
            return Err(TemplateError::Invalid {
                path: path.clone(),
                line: 1,
                message: format!(
                    "el id «{}» ya lo usa {}",
                    template.id,
                    other.source.display()
                ),
            });
        }
        templates.push(template);
    }
    if templates.is_empty() {
        return Err(TemplateError::Empty {
            dir: dir.to_path_buf(),
        });
    }
    templates.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Catalogue::loaded(dir.to_path_buf(), templates))
}

/// Loads the template `id` alone from `dir`: its file is `<id>.toml` (the
/// id equals the file stem, see [`load_template_str`]). `None` when there is
/// no such file, or when `id` could not be a file stem (it may come from a
/// PDF anyone wrote: never a path).
pub fn load_template(dir: &Path, id: &str) -> Result<Option<Template>, TemplateError> {
    let plain = !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain {
        return Ok(None);
    }
    let path = dir.join(format!("{id}.toml"));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(TemplateError::Io {
                path,
                reason: e.to_string(),
            })
        }
    };
    load_template_str(&text, &path).map(Some)
}

/// Parses and checks one template. `path` names it in messages; when it has a
/// file stem, the template id must equal it.
pub fn load_template_str(text: &str, path: &Path) -> Result<Template, TemplateError> {
    let raw: RawTemplate = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        TemplateError::Invalid {
            path: path.to_path_buf(),
            line,
            message: translate_toml_message(e.message()),
        }
    })?;
    Converter { text, path }.template(raw)
}

/// The 1-based line of byte `offset` in `text` (for «file:line» messages).
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The toml crate speaks English; keep the user-facing part Spanish.
fn translate_toml_message(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let name = rest.split(',').next().unwrap_or(rest).trim_matches('`');
        return format!("clave desconocida «{name}» (ver docs/templates.md)");
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("falta la clave «{}»", rest.trim_matches('`'));
    }
    if message.starts_with("invalid type") {
        return format!("tipo de valor incorrecto ({message})");
    }
    format!("TOML inválido: {message}")
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    id: Spanned<String>,
    title: String,
    entity: String,
    office: String,
    form_code: String,
    format_version: String,
    series: Option<String>,
    seed: RawSeed,
    design_note: Option<String>,
    /// Certification by default (docs/verification.md); `certify = false` opts out.
    #[serde(default = "yes")]
    certify: bool,
    country: Option<Spanned<String>>,
    email: Option<Spanned<RawEmail>>,
    #[serde(default)]
    restricted_copy: bool,
    orientation: Option<Spanned<String>>,
    #[serde(default)]
    signers: Vec<RawSigner>,
    #[serde(default)]
    sections: Vec<RawSection>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmail {
    from: String,
    to: String,
    cc: Option<String>,
    subject: String,
    signature: Option<String>,
}

/// `{ field = "x", values = [..], row = { col = [..] }, negate = true }`.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    field: String,
    #[serde(default)]
    values: Vec<String>,
    #[serde(default)]
    row: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    negate: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeed {
    file: String,
    line: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSigner {
    role: Spanned<String>,
    title: String,
    #[serde(default = "yes")]
    required: bool,
    #[serde(default)]
    after: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    #[serde(default)]
    number: String,
    title: Spanned<String>,
    level: Option<Spanned<u8>>,
    #[serde(default)]
    fields: Vec<RawField>,
}

/// Keys of a field or a table column; which apply depends on `kind`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    id: Spanned<String>,
    #[serde(default)]
    label: String,
    kind: Spanned<String>,
    #[serde(default)]
    required: bool,
    hint: Option<String>,
    max_length: Option<usize>,
    min: Option<f64>,
    max: Option<f64>,
    decimals: Option<u8>,
    options: Option<Vec<String>>,
    min_rows: Option<usize>,
    max_rows: Option<usize>,
    columns: Option<Vec<RawField>>,
    width: Option<f32>,
    text: Option<String>,
    role: Option<Spanned<String>>,
    required_when: Option<RawCondition>,
    when: Option<RawCondition>,
    #[serde(default)]
    computed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    kind: String,
    request: Option<String>,
    execution: Option<String>,
    urgent: Option<String>,
    fields: Option<Vec<String>>,
    field: Option<String>,
    system: Option<String>,
    date: Option<String>,
    number: Option<String>,
    requester: Option<String>,
    execution_end: Option<String>,
    from: Option<String>,
    days: Option<u32>,
    due: Option<String>,
    done: Option<String>,
    flag: Option<String>,
    #[serde(default)]
    not_before: bool,
    when: Option<RawCondition>,
}

const KINDS: &str = "text, multiline, date, datetime, time, number, money, choice, multichoice, yesno, secret, email, table, static, signer";
const COLUMN_KINDS: [&str; 11] = [
    "text",
    "multiline",
    "date",
    "datetime",
    "time",
    "number",
    "money",
    "choice",
    "yesno",
    "secret",
    "email",
];
const RULES: &str = "mef-plazos-pase, senace-correlativo, senace-asunto-instalacion, plazo-dias-utiles, sig-publicacion-urgente";
const BUILTIN_PLACEHOLDERS: [&str; 3] = ["numero", "entidad", "oficina"];

struct Converter<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Converter<'_> {
    fn err(&self, span: Range<usize>, message: impl Into<String>) -> TemplateError {
        TemplateError::Invalid {
            path: self.path.to_path_buf(),
            line: line_of(self.text, span.start),
            message: message.into(),
        }
    }

    fn template(&self, raw: RawTemplate) -> Result<Template, TemplateError> {
        let id_span = raw.id.span();
        let id = raw.id.into_inner();
        if !is_kebab(&id) {
            return Err(self.err(
                id_span,
                format!("el id «{id}» debe estar en minúsculas con guiones (kebab-case)"),
            ));
        }
        if let Some(stem) = self.path.file_stem().and_then(|s| s.to_str()) {
            if stem != id {
                return Err(self.err(
                    id_span,
                    format!("el id «{id}» no coincide con el nombre del archivo «{stem}.toml»"),
                ));
            }
        }
        let country = match &raw.country {
            None => Country::PE,
            Some(c) => Country::parse(c.get_ref()).ok_or_else(|| {
                self.err(
                    c.span(),
                    format!("país desconocido «{}» (PE, BO o MX)", c.get_ref()),
                )
            })?,
        };
        let landscape = match &raw.orientation {
            None => false,
            Some(o) => match o.get_ref().as_str() {
                "portrait" => false,
                "landscape" => true,
                other => {
                    return Err(self.err(
                        o.span(),
                        format!("orientación desconocida «{other}» (portrait o landscape)"),
                    ))
                }
            },
        };
        let signers = self.signers(raw.signers)?;
        let mut seen = HashMap::new();
        let mut sections = Vec::with_capacity(raw.sections.len());
        for section in raw.sections {
            sections.push(self.section(section, &mut seen, &signers)?);
        }
        let template = Template {
            series: raw
                .series
                .unwrap_or_else(|| super::DEFAULT_SERIES.to_string()),
            id,
            title: raw.title,
            entity: raw.entity,
            office: raw.office,
            form_code: raw.form_code,
            format_version: raw.format_version,
            seed: SeedRef {
                file: raw.seed.file,
                line: raw.seed.line,
            },
            design_note: raw.design_note,
            certify: raw.certify,
            country,
            email: None,
            restricted_copy: raw.restricted_copy,
            landscape,
            sections,
            signers,
            rules: Vec::new(),
            source: self.path.to_path_buf(),
        };
        self.check_signer_blocks(&template, id_span.clone())?;
        self.check_placeholders(&template, &seen)?;
        self.check_conditions(&template, &seen)?;
        let email = raw.email.map(|e| self.email(e, &template)).transpose()?;
        let template = Template { email, ..template };
        let mut rules = Vec::with_capacity(raw.rules.len());
        for rule in raw.rules {
            rules.push(self.rule(rule, &template)?);
        }
        Ok(Template { rules, ..template })
    }

    fn signers(&self, raw: Vec<RawSigner>) -> Result<Vec<Signer>, TemplateError> {
        let mut roles: Vec<(String, Range<usize>)> = Vec::new();
        for signer in &raw {
            let role = signer.role.get_ref();
            if !is_kebab(role) {
                return Err(self.err(
                    signer.role.span(),
                    format!("el rol «{role}» debe estar en kebab-case"),
                ));
            }
            if roles.iter().any(|(r, _)| r == role) {
                return Err(self.err(signer.role.span(), format!("el rol «{role}» está repetido")));
            }
            roles.push((role.clone(), signer.role.span()));
        }
        for signer in &raw {
            for dep in &signer.after {
                if !roles.iter().any(|(r, _)| r == dep.get_ref()) {
                    return Err(self.err(
                        dep.span(),
                        format!("«after» nombra el rol desconocido «{}»", dep.get_ref()),
                    ));
                }
            }
        }
        let signers: Vec<Signer> = raw
            .into_iter()
            .map(|s| Signer {
                role: s.role.into_inner(),
                title: s.title,
                required: s.required,
                after: s.after.into_iter().map(Spanned::into_inner).collect(),
            })
            .collect();
        if let Some(role) = find_order_cycle(&signers) {
            let span = roles
                .iter()
                .find(|(r, _)| *r == role)
                .map(|(_, s)| s.clone())
                .unwrap_or(0..0);
            return Err(self.err(
                span,
                format!("el orden de firma tiene un ciclo que pasa por el rol «{role}»"),
            ));
        }
        Ok(signers)
    }

    fn section(
        &self,
        raw: RawSection,
        seen: &mut HashMap<String, Range<usize>>,
        signers: &[Signer],
    ) -> Result<Section, TemplateError> {
        let level = match raw.level {
            None => 1,
            Some(level) if matches!(level.get_ref(), 1 | 2) => *level.get_ref(),
            Some(level) => return Err(self.err(level.span(), "«level» debe ser 1 o 2")),
        };
        let mut fields = Vec::with_capacity(raw.fields.len());
        for field in raw.fields {
            let span = field.id.span();
            let id = field.id.get_ref().clone();
            if !is_snake(&id) {
                return Err(self.err(
                    span,
                    format!("el id de campo «{id}» debe estar en snake_case"),
                ));
            }
            if let Some(first) = seen.get(&id) {
                let first_line = line_of(self.text, first.start);
                return Err(self.err(
                    span,
                    format!(
                        "el id de campo «{id}» está repetido (ya usado en la línea {first_line})"
                    ),
                ));
            }
            seen.insert(id, span);
            let field = self.field(field, false)?;
            if let FieldKind::Signer { role } = &field.kind {
                if !signers.iter().any(|s| &s.role == role) {
                    return Err(self
                        .err(
                            0..0,
                            format!("el campo «{}» nombra el rol desconocido «{role}»", field.id),
                        )
                        .at_line(self.field_line(&field.id, seen)));
                }
            }
            fields.push(field);
        }
        let title = raw.title.into_inner();
        Ok(Section {
            number: raw.number,
            title,
            level,
            fields,
        })
    }

    fn field_line(&self, id: &str, seen: &HashMap<String, Range<usize>>) -> usize {
        seen.get(id)
            .map(|s| line_of(self.text, s.start))
            .unwrap_or(1)
    }

    /// Converts a field (or, with `in_table`, a table column) checking that
    /// only the keys of its kind are present.
    fn field(&self, raw: RawField, in_table: bool) -> Result<Field, TemplateError> {
        let kind_span = raw.kind.span();
        let kind_name = raw.kind.get_ref().as_str();
        if in_table && !COLUMN_KINDS.contains(&kind_name) {
            return Err(self.err(
                kind_span,
                format!(
                    "tipo de columna no admitido «{kind_name}» (admitidos: {})",
                    COLUMN_KINDS.join(", ")
                ),
            ));
        }
        let allowed: &[&str] = match kind_name {
            "text" | "multiline" | "secret" => &["max_length"],
            "date" | "datetime" | "time" | "yesno" | "email" => &[],
            "number" => &["min", "max", "decimals"],
            "money" => &["min", "max"],
            "choice" | "multichoice" => &["options"],
            "table" => &["min_rows", "max_rows", "columns"],
            "static" => &["text"],
            "signer" => &["role"],
            other => {
                return Err(self.err(
                    kind_span,
                    format!("tipo de campo desconocido «{other}» (conocidos: {KINDS})"),
                ));
            }
        };
        let present = [
            ("when", raw.when.is_some() && kind_name != "static"),
            (
                "computed",
                raw.computed && matches!(kind_name, "table" | "static" | "signer"),
            ),
            (
                "required_when",
                raw.required_when.is_some() && kind_name == "static",
            ),
            ("max_length", raw.max_length.is_some()),
            ("min", raw.min.is_some()),
            ("max", raw.max.is_some()),
            ("decimals", raw.decimals.is_some()),
            ("options", raw.options.is_some()),
            ("min_rows", raw.min_rows.is_some()),
            ("max_rows", raw.max_rows.is_some()),
            ("columns", raw.columns.is_some()),
            ("text", raw.text.is_some()),
            ("role", raw.role.is_some()),
            ("width", raw.width.is_some() && !in_table),
        ];
        if let Some((key, _)) = present
            .iter()
            .find(|(key, on)| *on && !allowed.contains(key))
        {
            return Err(self.err(
                kind_span,
                format!("la clave «{key}» no corresponde al tipo «{kind_name}»"),
            ));
        }
        let id = raw.id.get_ref().clone();
        if raw.label.trim().is_empty() && !matches!(kind_name, "static" | "signer" | "table") {
            return Err(self.err(raw.id.span(), format!("el campo «{id}» no tiene «label»")));
        }
        let kind = match kind_name {
            "text" => FieldKind::Text {
                max_length: raw.max_length,
            },
            "multiline" => FieldKind::Multiline {
                max_length: raw.max_length,
            },
            "date" => FieldKind::Date,
            "datetime" => FieldKind::DateTime,
            "time" => FieldKind::Time,
            "secret" => FieldKind::Secret {
                max_length: raw.max_length,
            },
            "email" => FieldKind::Email,
            "yesno" => FieldKind::YesNo,
            "number" => FieldKind::Number {
                min: raw.min,
                max: raw.max,
                decimals: raw.decimals.unwrap_or(0),
            },
            "money" => FieldKind::Money {
                min: raw.min.or(Some(0.0)),
                max: raw.max,
            },
            "choice" | "multichoice" => {
                let options = raw.options.unwrap_or_default();
                if options.is_empty() {
                    return Err(self.err(
                        kind_span,
                        format!("el campo «{id}» de tipo «{kind_name}» necesita «options»"),
                    ));
                }
                let mut unique = HashSet::new();
                if let Some(dup) = options.iter().find(|o| !unique.insert(o.as_str())) {
                    return Err(self.err(
                        kind_span,
                        format!("la opción «{dup}» está repetida en «{id}»"),
                    ));
                }
                if kind_name == "choice" {
                    FieldKind::Choice { options }
                } else {
                    FieldKind::MultiChoice { options }
                }
            }
            "table" => self.table(
                &id,
                kind_span.clone(),
                raw.columns,
                raw.min_rows,
                raw.max_rows,
            )?,
            "static" => match raw.text {
                Some(text) if !text.trim().is_empty() => FieldKind::Static { text },
                _ => {
                    return Err(self.err(
                        kind_span,
                        format!("el campo «{id}» de tipo «static» necesita «text»"),
                    ))
                }
            },
            _ => match raw.role {
                Some(role) => FieldKind::Signer {
                    role: role.into_inner(),
                },
                None => {
                    return Err(self.err(
                        kind_span,
                        format!("el campo «{id}» de tipo «signer» necesita «role»"),
                    ))
                }
            },
        };
        if raw.required && raw.required_when.is_some() {
            return Err(self.err(
                kind_span,
                format!("el campo «{id}» tiene «required» y «required_when»: use solo uno"),
            ));
        }
        if raw.required && raw.computed {
            return Err(self.err(
                kind_span,
                format!(
                    "el campo «{id}» es «computed» (lo llena una regla): no puede ser «required»"
                ),
            ));
        }
        Ok(Field {
            id,
            label: raw.label,
            kind,
            required: raw.required,
            hint: raw.hint,
            required_when: raw.required_when.map(condition),
            when: raw.when.map(condition),
            computed: raw.computed,
        })
    }

    fn table(
        &self,
        id: &str,
        span: Range<usize>,
        columns: Option<Vec<RawField>>,
        min_rows: Option<usize>,
        max_rows: Option<usize>,
    ) -> Result<FieldKind, TemplateError> {
        let raw_columns = columns.unwrap_or_default();
        if raw_columns.is_empty() {
            return Err(self.err(
                span,
                format!("la tabla «{id}» necesita al menos una columna"),
            ));
        }
        if let (Some(min), Some(max)) = (min_rows, max_rows) {
            if min > max {
                return Err(self.err(
                    span,
                    format!("en la tabla «{id}», min_rows ({min}) es mayor que max_rows ({max})"),
                ));
            }
        }
        let mut columns = Vec::with_capacity(raw_columns.len());
        for raw in raw_columns {
            let col_span = raw.id.span();
            let col_id = raw.id.get_ref().clone();
            if !is_snake(&col_id) {
                return Err(self.err(
                    col_span,
                    format!("el id de columna «{col_id}» debe estar en snake_case"),
                ));
            }
            if columns.iter().any(|c: &Column| c.id == col_id) {
                return Err(self.err(
                    col_span,
                    format!("la columna «{col_id}» está repetida en la tabla «{id}»"),
                ));
            }
            let width = raw.width.unwrap_or(1.0);
            if !(width > 0.0 && width.is_finite()) {
                return Err(self.err(
                    col_span,
                    format!("el ancho de la columna «{col_id}» debe ser positivo"),
                ));
            }
            let field = self.field(raw, true)?;
            if field.computed {
                return Err(self.err(
                    col_span,
                    format!("la columna «{}» no puede ser «computed»", field.id),
                ));
            }
            columns.push(Column {
                id: field.id,
                label: field.label,
                kind: field.kind,
                width,
                required: field.required,
                required_when: field.required_when,
            });
        }
        for column in &columns {
            if let Some(condition) = &column.required_when {
                let sibling = |name: &str| columns.iter().find(|c| c.id == name).map(|c| &c.kind);
                if let Err(message) = check_condition(condition, sibling) {
                    return Err(self.err(
                        span.clone(),
                        format!(
                            "«required_when» de la columna «{}» de «{id}»: {message}",
                            column.id
                        ),
                    ));
                }
            }
        }
        Ok(FieldKind::Table {
            columns,
            min_rows: min_rows.unwrap_or(0),
            max_rows,
        })
    }

    fn check_signer_blocks(
        &self,
        template: &Template,
        span: Range<usize>,
    ) -> Result<(), TemplateError> {
        for signer in &template.signers {
            let blocks = template
                .fields()
                .filter(|f| matches!(&f.kind, FieldKind::Signer { role } if *role == signer.role))
                .count();
            if blocks != 1 {
                return Err(self.err(
                    span.clone(),
                    format!(
                        "el rol «{}» debe tener exactamente un campo «signer» (tiene {blocks})",
                        signer.role
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check_placeholders(
        &self,
        template: &Template,
        seen: &HashMap<String, Range<usize>>,
    ) -> Result<(), TemplateError> {
        for field in template.fields() {
            if let FieldKind::Static { text } = &field.kind {
                for name in placeholders(text) {
                    let known = BUILTIN_PLACEHOLDERS.contains(&name)
                        || template.field(name).is_some_and(|f| f.kind.holds_data());
                    if !known {
                        return Err(self
                            .err(
                                0..0,
                                format!(
                                    "el texto de «{}» usa el marcador desconocido {{{name}}}",
                                    field.id
                                ),
                            )
                            .at_line(self.field_line(&field.id, seen)));
                    }
                }
            }
        }
        Ok(())
    }

    /// Every `required_when` / `when` names a field that holds data, with
    /// values it can take.
    fn check_conditions(
        &self,
        template: &Template,
        seen: &HashMap<String, Range<usize>>,
    ) -> Result<(), TemplateError> {
        let kind_of = |name: &str| {
            template
                .field(name)
                .filter(|f| f.kind.holds_data())
                .map(|f| &f.kind)
        };
        for field in template.fields() {
            for (key, condition) in [
                ("required_when", &field.required_when),
                ("when", &field.when),
            ] {
                let Some(condition) = condition else { continue };
                if condition.field == field.id {
                    return Err(self
                        .err(
                            0..0,
                            format!(
                                "«{key}» de «{}» no puede depender del mismo campo",
                                field.id
                            ),
                        )
                        .at_line(self.field_line(&field.id, seen)));
                }
                if let Err(message) = check_condition(condition, kind_of) {
                    return Err(self
                        .err(0..0, format!("«{key}» de «{}»: {message}", field.id))
                        .at_line(self.field_line(&field.id, seen)));
                }
            }
        }
        Ok(())
    }

    fn email(
        &self,
        raw: Spanned<RawEmail>,
        template: &Template,
    ) -> Result<EmailSpec, TemplateError> {
        let span = raw.span();
        let raw = raw.into_inner();
        let need = |key: &str, id: &str, kind: &str| -> Result<String, TemplateError> {
            match template.field(id) {
                Some(f) if kind.split('|').any(|k| k == f.kind.name()) => Ok(id.to_string()),
                Some(f) => Err(self.err(
                    span.clone(),
                    format!(
                        "[email]: «{key}» = «{id}» es de tipo «{}», se espera «{kind}»",
                        f.kind.name()
                    ),
                )),
                None => Err(self.err(
                    span.clone(),
                    format!("[email]: «{key}» nombra el campo desconocido «{id}»"),
                )),
            }
        };
        Ok(EmailSpec {
            from: need("from", &raw.from, "email")?,
            to: need("to", &raw.to, "email")?,
            cc: raw
                .cc
                .as_deref()
                .map(|cc| need("cc", cc, "email"))
                .transpose()?,
            subject: need("subject", &raw.subject, "text")?,
            signature: raw
                .signature
                .as_deref()
                .map(|s| need("signature", s, "text|multiline"))
                .transpose()?,
        })
    }

    fn rule(&self, raw: Spanned<RawRule>, template: &Template) -> Result<Rule, TemplateError> {
        let span = raw.span();
        let raw = raw.into_inner();
        let need =
            |key: &str, value: Option<String>, kinds: &[&str]| -> Result<String, TemplateError> {
                let id = value.ok_or_else(|| {
                    self.err(
                        span.clone(),
                        format!("la regla «{}» necesita «{key}»", raw.kind),
                    )
                })?;
                match template.field(&id) {
                    Some(f) if kinds.contains(&f.kind.name()) => Ok(id),
                    Some(f) => Err(self.err(
                        span.clone(),
                        format!(
                            "la regla «{}»: «{key}» = «{id}» es de tipo «{}», se espera {}",
                            raw.kind,
                            f.kind.name(),
                            kinds.join(" o ")
                        ),
                    )),
                    None => Err(self.err(
                        span.clone(),
                        format!(
                            "la regla «{}»: «{key}» nombra el campo desconocido «{id}»",
                            raw.kind
                        ),
                    )),
                }
            };
        let rule = match raw.kind.as_str() {
            "mef-plazos-pase" => Rule::MefPaseDeadlines {
                request: need("request", raw.request.clone(), &["date", "datetime"])?,
                execution: need("execution", raw.execution.clone(), &["datetime"])?,
                execution_end: raw
                    .execution_end
                    .clone()
                    .map(|id| need("execution_end", Some(id), &["datetime"]))
                    .transpose()?,
                urgent: need("urgent", raw.urgent.clone(), &["yesno"])?,
            },
            "plazo-dias-utiles" => {
                let days = raw.days.ok_or_else(|| {
                    self.err(span.clone(), "la regla «plazo-dias-utiles» necesita «days»")
                })?;
                let due = need("due", raw.due.clone(), &["date"])?;
                let flag = raw
                    .flag
                    .clone()
                    .map(|id| need("flag", Some(id), &["text"]))
                    .transpose()?;
                for id in std::iter::once(&due).chain(flag.as_ref()) {
                    if !template.field(id).is_some_and(|f| f.computed) {
                        return Err(self.err(
                            span.clone(),
                            format!("la regla «plazo-dias-utiles» llena «{id}»: márquelo «computed = true»"),
                        ));
                    }
                }
                let when = raw.when.clone().map(condition);
                if let Some(c) = &when {
                    let kind_of = |name: &str| {
                        template
                            .field(name)
                            .filter(|f| f.kind.holds_data())
                            .map(|f| &f.kind)
                    };
                    check_condition(c, kind_of).map_err(|message| {
                        self.err(span.clone(), format!("«when» de la regla: {message}"))
                    })?;
                }
                Rule::BusinessDeadline(BusinessDeadline {
                    from: need("from", raw.from.clone(), &["date", "datetime"])?,
                    days,
                    due,
                    done: raw
                        .done
                        .clone()
                        .map(|id| need("done", Some(id), &["date", "datetime"]))
                        .transpose()?,
                    flag,
                    not_before: raw.not_before,
                    when,
                })
            }
            "sig-publicacion-urgente" => Rule::SigUrgentSkips {
                urgent: need("urgent", raw.urgent.clone(), &["yesno"])?,
            },
            "senace-correlativo" => {
                let ids = raw.fields.clone().unwrap_or_default();
                if ids.is_empty() {
                    return Err(self.err(span, "la regla «senace-correlativo» necesita «fields»"));
                }
                let mut fields = Vec::new();
                for id in ids {
                    fields.push(need("fields", Some(id), &["text"])?);
                }
                Rule::SenaceCorrelative { fields }
            }
            "senace-asunto-instalacion" => Rule::SenaceInstallSubject {
                field: need("field", raw.field.clone(), &["text"])?,
                system: need("system", raw.system.clone(), &["text"])?,
                date: need("date", raw.date.clone(), &["date", "datetime"])?,
                number: need("number", raw.number.clone(), &["text"])?,
                requester: need("requester", raw.requester.clone(), &["text"])?,
            },
            other => {
                return Err(self.err(
                    span,
                    format!("regla desconocida «{other}» (conocidas: {RULES})"),
                ));
            }
        };
        Ok(rule)
    }
}

impl TemplateError {
    fn at_line(self, new_line: usize) -> TemplateError {
        match self {
            TemplateError::Invalid { path, message, .. } => TemplateError::Invalid {
                path,
                line: new_line,
                message,
            },
            other => other,
        }
    }
}

fn condition(raw: RawCondition) -> Condition {
    Condition {
        field: raw.field,
        values: raw.values,
        row: raw.row.into_iter().collect(),
        negate: raw.negate,
    }
}

/// Whether `condition` fits the field it names (`kind_of` finds a field's
/// kind: the template's fields, or a table's sibling columns).
fn check_condition<'k>(
    condition: &Condition,
    kind_of: impl Fn(&str) -> Option<&'k FieldKind>,
) -> Result<(), String> {
    let Some(kind) = kind_of(&condition.field) else {
        return Err(format!("nombra el campo desconocido «{}»", condition.field));
    };
    let fits = |kind: &FieldKind, value: &str| match kind {
        FieldKind::Choice { options } | FieldKind::MultiChoice { options } => {
            options.iter().any(|o| o == value)
        }
        FieldKind::YesNo => matches!(value, "Sí" | "No"),
        _ => true,
    };
    if let Some(bad) = condition.values.iter().find(|v| !fits(kind, v)) {
        return Err(format!(
            "el valor «{bad}» no es posible en «{}»",
            condition.field
        ));
    }
    match kind {
        FieldKind::Table { columns, .. } => {
            if !condition.values.is_empty() {
                return Err(format!(
                    "«{}» es una tabla: use «row» en lugar de «values»",
                    condition.field
                ));
            }
            for (column, values) in &condition.row {
                let Some(col) = columns.iter().find(|c| &c.id == column) else {
                    return Err(format!(
                        "la tabla «{}» no tiene la columna «{column}»",
                        condition.field
                    ));
                };
                if let Some(bad) = values.iter().find(|v| !fits(&col.kind, v)) {
                    return Err(format!(
                        "el valor «{bad}» no es posible en la columna «{column}»"
                    ));
                }
            }
        }
        _ if !condition.row.is_empty() => {
            return Err(format!(
                "«row» solo vale para tablas, y «{}» no lo es",
                condition.field
            ));
        }
        _ => {}
    }
    Ok(())
}

/// The `{name}` placeholders of a static text.
pub(crate) fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.trim()))
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_snake(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// A role on a cycle of the `after` graph, if there is one.
fn find_order_cycle(signers: &[Signer]) -> Option<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Visiting,
        Done,
    }
    fn visit(i: usize, signers: &[Signer], marks: &mut [Mark]) -> Option<usize> {
        match marks[i] {
            Mark::Done => return None,
            Mark::Visiting => return Some(i),
            Mark::New => {}
        }
        marks[i] = Mark::Visiting;
        for dep in &signers[i].after {
            if let Some(j) = signers.iter().position(|s| &s.role == dep) {
                if let Some(hit) = visit(j, signers, marks) {
                    return Some(hit);
                }
            }
        }
        marks[i] = Mark::Done;
        None
    }
    let mut marks = vec![Mark::New; signers.len()];
    (0..signers.len())
        .find_map(|i| visit(i, signers, &mut marks))
        .map(|i| signers[i].role.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deferred_catalogue_reads_only_the_template_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("demo.toml"), GOOD).unwrap();
        // A broken neighbour is never read.
        std::fs::write(dir.path().join("roto.toml"), "id = ").unwrap();
        let catalogue = Catalogue::deferred(dir.path());
        let demo = catalogue.get_or_load("demo").unwrap().unwrap();
        assert_eq!(demo.title, "Acta de prueba");
        assert!(catalogue.get_or_load("otra").unwrap().is_none());
        // An id from a PDF is never a path.
        for id in ["../demo", "/etc/passwd", ".demo", "", "a/b"] {
            assert!(catalogue.get_or_load(id).unwrap().is_none(), "{id}");
        }
        assert!(catalogue.get_or_load("roto").is_err());
        assert!(
            load_catalogue(dir.path()).is_err(),
            "the full load reads every file"
        );
    }

    const GOOD: &str = r#"
id = "demo"
title = "Acta de prueba"
entity = "Entidad"
office = "Oficina"
form_code = "F-01"
format_version = "01"
seed = { file = "002.txt", line = 10 }

[[signers]]
role = "jefe"
title = "Jefe"

[[signers]]
role = "coordinador"
title = "Coordinador"
after = ["jefe"]

[[sections]]
number = "I"
title = "DATOS"

[[sections.fields]]
id = "sistema"
label = "Sistema"
kind = "text"
required = true

[[sections.fields]]
id = "nota"
kind = "static"
text = "El sistema {sistema} del acta {numero}."

[[sections]]
number = "II"
title = "FIRMAS"

[[sections.fields]]
id = "firma_jefe"
kind = "signer"
role = "jefe"

[[sections.fields]]
id = "firma_coordinador"
kind = "signer"
role = "coordinador"
"#;

    fn load(text: &str) -> Result<Template, TemplateError> {
        load_template_str(text, Path::new("templates/demo.toml"))
    }

    fn error_of(text: &str) -> (usize, String) {
        match load(text).unwrap_err() {
            TemplateError::Invalid { line, message, .. } => (line, message),
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn good_template_loads() {
        let t = load(GOOD).unwrap();
        assert_eq!(t.signers.len(), 2);
        assert_eq!(t.series, super::super::DEFAULT_SERIES);
        assert_eq!(t.fields().count(), 4);
    }

    #[test]
    fn unknown_kind_names_line() {
        let text = GOOD.replace("kind = \"text\"", "kind = \"fecha_hora\"");
        let (line, message) = error_of(&text);
        assert_eq!(line, 26, "{message}");
        assert!(
            message.contains("tipo de campo desconocido «fecha_hora»"),
            "{message}"
        );
    }

    #[test]
    fn duplicate_field_id_names_both_lines() {
        let text = GOOD.replace("id = \"nota\"", "id = \"sistema\"");
        let (line, message) = error_of(&text);
        assert_eq!(line, 30);
        assert!(
            message.contains("repetido (ya usado en la línea 24)"),
            "{message}"
        );
    }

    #[test]
    fn signer_cycle_is_refused() {
        let text = GOOD.replace(
            "role = \"jefe\"\ntitle = \"Jefe\"",
            "role = \"jefe\"\ntitle = \"Jefe\"\nafter = [\"coordinador\"]",
        );
        let (_, message) = error_of(&text);
        assert!(message.contains("ciclo"), "{message}");
    }

    #[test]
    fn unknown_key_is_refused_in_spanish() {
        let text = GOOD.replace("required = true", "requried = true");
        let (line, message) = error_of(&text);
        assert_eq!(line, 27);
        assert!(
            message.contains("clave desconocida «requried»"),
            "{message}"
        );
    }

    #[test]
    fn key_of_another_kind_is_refused() {
        let text = GOOD.replace("required = true", "options = [\"a\"]");
        let (_, message) = error_of(&text);
        assert!(
            message.contains("«options» no corresponde al tipo «text»"),
            "{message}"
        );
    }

    #[test]
    fn missing_signer_block_is_refused() {
        let text = GOOD.replace("role = \"coordinador\"\n", "role = \"jefe\"\n");
        assert!(load(&text).is_err());
    }

    #[test]
    fn unknown_placeholder_is_refused() {
        let text = GOOD.replace("{sistema}", "{sistemas}");
        let (_, message) = error_of(&text);
        assert!(message.contains("{sistemas}"), "{message}");
    }

    #[test]
    fn conditions_name_existing_fields_and_possible_values() {
        let with = |extra: &str| GOOD.replace("required = true\n", &format!("{extra}\n"));
        let t = load(&with("required_when = { field = \"nota_extra\" }")).unwrap_err();
        assert!(
            t.to_string()
                .contains("nombra el campo desconocido «nota_extra»"),
            "{t}"
        );
        let choice = GOOD.replace(
            "[[sections.fields]]\nid = \"nota\"",
            "[[sections.fields]]\nid = \"tipo\"\nlabel = \"Tipo\"\nkind = \"choice\"\noptions = [\"A\", \"B\"]\n\n[[sections.fields]]\nid = \"nota\"",
        );
        let bad = choice.replace(
            "required = true\n",
            "required_when = { field = \"tipo\", values = [\"C\"] }\n",
        );
        let (_, message) = error_of(&bad);
        assert!(
            message.contains("el valor «C» no es posible en «tipo»"),
            "{message}"
        );
        let good = choice.replace(
            "required = true\n",
            "required_when = { field = \"tipo\", values = [\"B\"] }\n",
        );
        let t = load(&good).unwrap();
        assert!(t.field("sistema").unwrap().required_when.is_some());
        let both = choice.replace(
            "required = true\n",
            "required = true\nrequired_when = { field = \"tipo\" }\n",
        );
        let (_, message) = error_of(&both);
        assert!(message.contains("use solo uno"), "{message}");
        // `when` belongs to static texts only.
        let (_, message) =
            error_of(&choice.replace("required = true\n", "when = { field = \"tipo\" }\n"));
        assert!(
            message.contains("«when» no corresponde al tipo «text»"),
            "{message}"
        );
    }

    #[test]
    fn new_kinds_and_the_email_table_are_checked() {
        let t = load(&GOOD.replace("kind = \"text\"", "kind = \"secret\"")).unwrap();
        assert!(t.has_secrets());
        let email = GOOD.replace(
            "[[signers]]\nrole = \"jefe\"",
            "[email]\nfrom = \"sistema\"\nto = \"sistema\"\nsubject = \"sistema\"\n\n[[signers]]\nrole = \"jefe\"",
        );
        let err = load(&email).unwrap_err().to_string();
        assert!(
            err.contains("[email]: «from» = «sistema» es de tipo «text», se espera «email»"),
            "{err}"
        );
        let (_, message) =
            error_of(&GOOD.replace("required = true\n", "required = true\ncomputed = true\n"));
        assert!(message.contains("«computed»"), "{message}");
        let (_, message) = error_of(&GOOD.replace("seed = {", "country = \"CL\"\nseed = {"));
        assert!(message.contains("país desconocido «CL»"), "{message}");
    }

    #[test]
    fn file_name_must_match_id() {
        let err = load_template_str(GOOD, Path::new("templates/otro.toml")).unwrap_err();
        assert!(err.to_string().contains("no coincide"), "{err}");
    }
}
