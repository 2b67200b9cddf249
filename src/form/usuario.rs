//! The Senace USUARIO identifier of a person (seed 002, lines 1103–1106):
//! initial of the first given name + paternal surname, upper case, without
//! accents (`ESALVATIERRA`); when another registered person would get the same
//! identifier, the second given name's initial and/or the maternal surname's
//! initial are added until it differs.
//!
//! It only derives identifiers; it does not read the store (the caller passes
//! the registered people in).

use unicode_normalization::UnicodeNormalization;

/// A person's names, split as the rule needs them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonName {
    pub given_names: String,
    pub paternal_surname: String,
    pub maternal_surname: String,
}

impl PersonName {
    /// Splits a full name written "Nombres ApellidoPaterno ApellidoMaterno":
    /// with three words or more the last two are the surnames; particles
    /// ("de", "del", "la", "de la") stay with the word that follows them.
    pub fn from_full_name(full: &str) -> PersonName {
        let words = group_particles(full);
        match words.len() {
            0 => PersonName::default(),
            1 => PersonName {
                given_names: words[0].clone(),
                ..Default::default()
            },
            2 => PersonName {
                given_names: words[0].clone(),
                paternal_surname: words[1].clone(),
                ..Default::default()
            },
            n => PersonName {
                given_names: words[..n - 2].join(" "),
                paternal_surname: words[n - 2].clone(),
                maternal_surname: words[n - 1].clone(),
            },
        }
    }

    /// "Eduardo Salvatierra Pérez", for matching against a typed name.
    pub fn full_name(&self) -> String {
        [
            &self.given_names,
            &self.paternal_surname,
            &self.maternal_surname,
        ]
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim())
        .collect::<Vec<_>>()
        .join(" ")
    }

    /// The identifiers this person may get, from the plain one to the most
    /// qualified: I1+PATERNO, I1 I2+PATERNO, I1+PATERNO+M1, I1 I2+PATERNO+M1.
    fn candidates(&self) -> Vec<String> {
        let given: Vec<String> = self
            .given_names
            .split_whitespace()
            .map(plain_upper)
            .collect();
        let first = given
            .first()
            .and_then(|g| g.chars().next())
            .map(String::from)
            .unwrap_or_default();
        let second = given
            .get(1)
            .and_then(|g| g.chars().next())
            .map(String::from);
        let paternal: String = plain_upper(&self.paternal_surname)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let maternal = plain_upper(&self.maternal_surname)
            .chars()
            .find(|c| c.is_ascii_alphanumeric())
            .map(String::from);
        let mut out = vec![format!("{first}{paternal}")];
        if let Some(s) = &second {
            out.push(format!("{first}{s}{paternal}"));
        }
        if let Some(m) = &maternal {
            out.push(format!("{first}{paternal}{m}"));
            if let Some(s) = &second {
                out.push(format!("{first}{s}{paternal}{m}"));
            }
        }
        out.dedup();
        out
    }
}

/// The USUARIO of `person` among `registered` (which may include the person
/// itself, recognised by full name and ignored). At each step the candidate
/// must differ from every other person's candidate of the same step.
pub fn usuario(person: &PersonName, registered: &[PersonName]) -> String {
    let me = normalize(&person.full_name());
    let others: Vec<Vec<String>> = registered
        .iter()
        .filter(|p| normalize(&p.full_name()) != me)
        .map(PersonName::candidates)
        .collect();
    let mine = person.candidates();
    for (step, candidate) in mine.iter().enumerate() {
        let clash = others.iter().any(|theirs| {
            let same_step = theirs.get(step).or_else(|| theirs.last());
            same_step == Some(candidate)
        });
        if !clash {
            return candidate.clone();
        }
    }
    mine.last().cloned().unwrap_or_default()
}

/// Upper case without accents: "Pérez Ñahui" → "PEREZ NAHUI".
pub fn plain_upper(text: &str) -> String {
    text.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .collect::<String>()
        .to_uppercase()
}

/// Case-, accent- and space-insensitive form for comparing names.
pub fn normalize(text: &str) -> String {
    plain_upper(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn group_particles(full: &str) -> Vec<String> {
    const PARTICLES: [&str; 6] = ["de", "del", "la", "las", "los", "y"];
    let mut words: Vec<String> = Vec::new();
    let mut pending = String::new();
    for word in full.split_whitespace() {
        if PARTICLES.contains(&word.to_lowercase().as_str()) {
            pending.push_str(word);
            pending.push(' ');
        } else {
            words.push(format!("{pending}{word}"));
            pending.clear();
        }
    }
    if !pending.trim().is_empty() {
        words.push(pending.trim().to_string());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(full: &str) -> PersonName {
        PersonName::from_full_name(full)
    }

    #[test]
    fn seed_example() {
        assert_eq!(
            usuario(&p("Eduardo Salvatierra Pérez"), &[]),
            "ESALVATIERRA"
        );
    }

    #[test]
    fn accents_and_enye_are_dropped() {
        assert_eq!(usuario(&p("Ángel Núñez Ñahui"), &[]), "ANUNEZ");
    }

    #[test]
    fn second_given_name_disambiguates() {
        let registered = [
            p("Eduardo José Salvatierra Pérez"),
            p("Enrique Salvatierra Rojas"),
        ];
        assert_eq!(usuario(&registered[0], &registered), "EJSALVATIERRA");
        assert_eq!(usuario(&registered[1], &registered), "ESALVATIERRAR");
    }

    #[test]
    fn maternal_initial_when_given_names_clash_too() {
        let registered = [
            p("Eduardo José Salvatierra Pérez"),
            p("Eduardo Javier Salvatierra Rojas"),
        ];
        assert_eq!(usuario(&registered[0], &registered), "ESALVATIERRAP");
        assert_eq!(usuario(&registered[1], &registered), "ESALVATIERRAR");
    }

    #[test]
    fn particles_stay_with_their_surname() {
        let name = p("María de la Cruz Quispe");
        assert_eq!(name.given_names, "María");
        assert_eq!(name.paternal_surname, "de la Cruz");
        assert_eq!(usuario(&name, &[]), "MDELACRUZ");
    }
}
