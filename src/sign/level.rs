//! The PAdES baseline levels (ETSI EN 319 142-1 §6) a signature is made
//! at, as the CLI, the window and Configuración name them: `B-B` (the
//! signature), `B-T` (+ a signature time-stamp from a TSA), `B-LT` (+ the
//! chains and revocation data in the document's DSS) and `B-LTA` (+ a
//! document time-stamp over all of it). Parsing and the rule for the
//! default level; the work is in `sign` and `sign::ltv`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub enum Level {
    #[serde(rename = "B-B")]
    BB,
    #[serde(rename = "B-T")]
    BT,
    #[serde(rename = "B-LT")]
    BLT,
    #[serde(rename = "B-LTA")]
    BLTA,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::BB, Level::BT, Level::BLT, Level::BLTA];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::BB => "B-B",
            Level::BT => "B-T",
            Level::BLT => "B-LT",
            Level::BLTA => "B-LTA",
        }
    }

    /// `B-T`, `b-lta`, `LTA`, `B_LT`…; None when it names no level.
    pub fn parse(text: &str) -> Option<Level> {
        let norm: String = text
            .trim()
            .to_ascii_uppercase()
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect();
        let norm = norm
            .strip_prefix('B')
            .filter(|r| !r.is_empty())
            .unwrap_or(&norm);
        match norm {
            "B" => Some(Level::BB),
            "T" => Some(Level::BT),
            "LT" => Some(Level::BLT),
            "LTA" => Some(Level::BLTA),
            _ => None,
        }
    }

    /// Whether the level needs a time-stamp authority.
    pub fn needs_tsa(self) -> bool {
        self >= Level::BT
    }

    /// The level used when none is asked for: the configured one, else
    /// B-T when a TSA is configured, else B-B.
    pub fn default_for(configured: Option<Level>, tsa_configured: bool) -> Level {
        configured.unwrap_or(if tsa_configured { Level::BT } else { Level::BB })
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Level, String> {
        Level::parse(s)
            .ok_or_else(|| format!("nivel de firma desconocido «{s}»: use B-B, B-T, B-LT o B-LTA"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_in_their_usual_spellings() {
        for (text, level) in [
            ("B-B", Level::BB),
            ("b-t", Level::BT),
            ("B-LT", Level::BLT),
            ("B_LTA", Level::BLTA),
            ("LTA", Level::BLTA),
            ("T", Level::BT),
        ] {
            assert_eq!(Level::parse(text), Some(level), "{text}");
            assert_eq!(Level::parse(level.as_str()), Some(level));
        }
        assert_eq!(Level::parse("B-X"), None);
        assert_eq!(
            "C".parse::<Level>().unwrap_err(),
            "nivel de firma desconocido «C»: use B-B, B-T, B-LT o B-LTA"
        );
        assert!(!Level::BB.needs_tsa() && Level::BLTA.needs_tsa());
        assert_eq!(Level::default_for(None, true), Level::BT);
        assert_eq!(Level::default_for(None, false), Level::BB);
        assert_eq!(Level::default_for(Some(Level::BLTA), false), Level::BLTA);
    }
}
