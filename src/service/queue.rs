//! Each person's signing queue and the check that the certificate's holder
//! is the person a document names for the role.
//!
//! A document names its firmantes in its signer fields (`{"nombre": …,
//! "cargo": …, "dni": …}`); the people register knows each person's DNI and
//! the roles they sign. [`Service::pending`] lists the stored documents
//! whose next role belongs to someone (or to one person, `--mine`).
//! [`holder_matches`] compares a certificate with the named person: by DNI
//! (the certificate's subject serialNumber, e.g. `PNOPE-12345678`) when the
//! person has one, else by name (case, accents and spacing ignored). This
//! module does not sign; `signing.rs` calls it before signing.

use openssl::nid::Nid;
use openssl::x509::X509Ref;
use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use super::{DocumentListing, Service};
use crate::error::ActasError;
use crate::store::{Person, Store};
use crate::template::{FieldKind, Template};

/// Who a document names for one role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NamedSigner {
    pub role: String,
    pub name: String,
    /// From the document, else from the people register (matched by name).
    pub dni: Option<String>,
}

/// A document waiting for a signature, and for whom.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PendingSignature {
    pub document: DocumentListing,
    /// The roles that may sign now, each with the person the document names.
    pub waiting_for: Vec<NamedSigner>,
}

/// The person asking for their queue: a people-register id or a DNI.
pub fn find_person<'p>(people: &'p [Person], who: &str) -> Option<&'p Person> {
    let who = who.trim();
    people
        .iter()
        .find(|p| p.id.to_string() == who || (!p.dni.is_empty() && p.dni == digits(who)))
}

impl Service {
    /// Stored documents with roles that may sign now; with `me`, only those
    /// where such a role names that person (by DNI or name) or is assigned
    /// to them in the people register.
    pub fn pending(
        &self,
        store: &Store,
        me: Option<&Person>,
    ) -> Result<Vec<PendingSignature>, ActasError> {
        let people = store.people()?;
        let mut out = Vec::new();
        for listing in self.list(store)? {
            if listing.next.is_empty() {
                continue;
            }
            let Some(template) = self.catalogue.get(&listing.template) else {
                continue;
            };
            let data = store.document(&listing.reference)?.data;
            let waiting_for: Vec<NamedSigner> = listing
                .next
                .iter()
                .map(|role| {
                    named_signer(template, &data, role, &people).unwrap_or(NamedSigner {
                        role: role.clone(),
                        name: String::new(),
                        dni: None,
                    })
                })
                .collect();
            let mine = match me {
                None => true,
                Some(person) => waiting_for.iter().any(|named| {
                    is_person(named, person)
                        || person.roles.iter().any(|r| {
                            r.role == named.role
                                && (r.template_id.is_empty() || r.template_id == template.id)
                        })
                }),
            };
            if mine {
                out.push(PendingSignature {
                    document: listing,
                    waiting_for,
                });
            }
        }
        Ok(out)
    }
}

/// The person the document names for `role`, if its signer field is filled.
pub fn named_signer(
    template: &Template,
    data: &Json,
    role: &str,
    people: &[Person],
) -> Option<NamedSigner> {
    let field = template
        .fields()
        .find(|f| matches!(&f.kind, FieldKind::Signer { role: r } if r == role))?;
    let value = data.get(&field.id)?;
    let name = value.get("nombre")?.as_str()?.trim().to_string();
    if name.is_empty() {
        return None;
    }
    let dni = value
        .get("dni")
        .and_then(Json::as_str)
        .map(digits)
        .filter(|d| !d.is_empty())
        .or_else(|| {
            people
                .iter()
                .find(|p| same_name(&p.full_name(), &name) && !p.dni.is_empty())
                .map(|p| p.dni.clone())
        });
    Some(NamedSigner {
        role: role.to_string(),
        name,
        dni,
    })
}

fn is_person(named: &NamedSigner, person: &Person) -> bool {
    match (&named.dni, person.dni.is_empty()) {
        (Some(dni), false) => *dni == person.dni,
        _ => same_name(&named.name, &person.full_name()),
    }
}

/// The certificate's holder: DNI digits from the subject's serialNumber
/// (when it has digits) and the common name.
pub fn certificate_holder(certificate: &X509Ref) -> (Option<String>, String) {
    let subject = certificate.subject_name();
    let text = |nid: Nid| {
        subject
            .entries_by_nid(nid)
            .next()
            .and_then(|e| String::from_utf8(e.data().as_slice().to_vec()).ok())
    };
    let dni = text(Nid::SERIALNUMBER)
        .map(|s| digits(&s))
        .filter(|d| !d.is_empty());
    (dni, text(Nid::COMMONNAME).unwrap_or_default())
}

/// Whether the holder (`dni`, `name`) is the person named: DNI against DNI
/// when both are known, else name against name.
pub fn holder_matches(named: &NamedSigner, dni: Option<&str>, name: &str) -> bool {
    match (named.dni.as_deref(), dni) {
        (Some(expected), Some(found)) => expected == found,
        _ => same_name(&named.name, name),
    }
}

/// Names compared without case, accents or extra spaces.
fn same_name(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The digits of a DNI as written (`PNOPE-12345678`, `DNI 12345678`).
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// The message when the holder is not the person named.
pub(super) fn mismatch_message(named: &NamedSigner, dni: Option<&str>, name: &str) -> String {
    let expected = match &named.dni {
        Some(d) => format!("{} (DNI {d})", named.name),
        None => named.name.clone(),
    };
    let found = match dni {
        Some(d) => format!("{name} (DNI {d})"),
        None => name.to_string(),
    };
    format!(
        "el documento nombra a {expected} para el rol «{}», pero el certificado es de {found}; \
         si firma en su reemplazo, indíquelo como suplente",
        named.role
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(dni: Option<&str>) -> NamedSigner {
        NamedSigner {
            role: "coord-calidad".into(),
            name: "María Fernanda Quispe Ñahui".into(),
            dni: dni.map(str::to_string),
        }
    }

    #[test]
    fn holder_matches_by_dni_when_known_else_by_name() {
        assert!(holder_matches(
            &named(Some("40123456")),
            Some("40123456"),
            "Otra Persona"
        ));
        assert!(!holder_matches(
            &named(Some("40123456")),
            Some("40999999"),
            "María Fernanda Quispe Ñahui"
        ));
        assert!(holder_matches(
            &named(None),
            Some("1"),
            "MARIA  FERNANDA QUISPE ÑAHUI"
        ));
        assert!(!holder_matches(&named(None), None, "Carlos Mendoza"));
    }

    #[test]
    fn dni_digits_are_taken_from_how_certificates_write_them() {
        assert_eq!(digits("PNOPE-40123456"), "40123456");
        assert_eq!(digits("DNI 40123456"), "40123456");
        assert!(!same_name("Ana", "Ana María"));
    }

    #[test]
    fn mismatch_names_both_people_in_spanish() {
        let text = mismatch_message(&named(Some("40123456")), Some("1"), "Luis Soto");
        assert!(
            text.contains("María Fernanda Quispe Ñahui (DNI 40123456)"),
            "{text}"
        );
        assert!(text.contains("Luis Soto (DNI 1)"), "{text}");
        assert!(
            !text.contains("--"),
            "no CLI flag in a library message: {text}"
        );
    }
}
