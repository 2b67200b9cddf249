//! E-mail addresses as users type them in a field: `Nombre <correo@dominio>`
//! or `correo@dominio`, several separated by `;` (or `,`). Parsing here is
//! for validation and for the e-mail headers; it accepts the common
//! addr-spec (RFC 5322 §3.4.1 dot-atoms), not quoted local parts or
//! comments, which no office address uses. Writing headers (encoding the
//! display name) is `mail-builder`'s job.

/// One address: the display name (may be empty) and the mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub name: String,
    pub email: String,
}

/// Every address of `text`; an empty text gives none. The error names the
/// address that is not valid.
pub fn parse_list(text: &str) -> Result<Vec<Address>, String> {
    let mut out = Vec::new();
    for piece in split(text) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        out.push(parse_one(piece)?);
    }
    Ok(out)
}

/// Splits on `;`, and on `,` outside `<…>` and quotes.
fn split(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let (mut angle, mut quoted) = (false, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ';' | ',' if !angle && !quoted => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

fn parse_one(piece: &str) -> Result<Address, String> {
    let invalid =
        || format!("dirección de correo inválida «{piece}» (se espera Nombre <correo@dominio>)");
    let (name, email) = match (piece.find('<'), piece.rfind('>')) {
        (Some(open), Some(close)) if open < close && piece[close + 1..].trim().is_empty() => (
            piece[..open].trim().trim_matches('"').trim().to_string(),
            piece[open + 1..close].trim().to_string(),
        ),
        (None, None) => (String::new(), piece.to_string()),
        _ => return Err(invalid()),
    };
    if !is_mailbox(&email) {
        return Err(invalid());
    }
    Ok(Address { name, email })
}

/// `local@domain`: dot-atom local part, a domain of at least two labels.
fn is_mailbox(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let atom_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .split('.')
            .all(|a| !a.is_empty() && a.chars().all(atom_char));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_bare_addresses_separated_by_semicolons() {
        let list = parse_list(
            "Alvin Enrique Romero Moreno <aromero@senace.gob.pe>; lespinoza@senace.gob.pe ;",
        )
        .unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].name, "Alvin Enrique Romero Moreno");
        assert_eq!(list[0].email, "aromero@senace.gob.pe");
        assert_eq!(list[1].name, "");
        let list = parse_list("\"Núñez, Rosa\" <rnunez@mef.gob.pe>, computo@mef.gob.pe").unwrap();
        assert_eq!(list[0].name, "Núñez, Rosa");
        assert_eq!(list.len(), 2);
        assert!(parse_list("  ").unwrap().is_empty());
    }

    #[test]
    fn bad_addresses_are_named() {
        for bad in [
            "juan",
            "juan@",
            "@mef.gob.pe",
            "juan@localhost",
            "Juan <juan@mef.gob.pe",
            "juan perez@mef.gob.pe",
            "a@b..pe",
        ] {
            let err = parse_list(bad).unwrap_err();
            assert!(err.contains("dirección de correo inválida"), "{bad}: {err}");
        }
    }
}
