//! The one source of "now" for the whole core.
//!
//! Rendering, numbering and the audit log read the time only through a
//! [`Clock`], so tests (and anyone who needs reproducible output) can fix it:
//! same input and same clock give byte-identical PDFs. It does not format
//! dates for people; that is `form::format`.

use chrono::{DateTime, FixedOffset, Local};

/// Environment variable that fixes the clock, as RFC 3339 (`2026-03-15T10:00:00-05:00`).
pub const CLOCK_ENV: &str = "ACTAS_NOW";

/// Where the current time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The machine's local time.
    System,
    /// Always the same instant.
    Fixed(DateTime<FixedOffset>),
}

impl Clock {
    /// The current instant, with the local UTC offset.
    pub fn now(&self) -> DateTime<FixedOffset> {
        match self {
            Clock::System => Local::now().fixed_offset(),
            Clock::Fixed(at) => *at,
        }
    }

    /// A fixed clock when [`CLOCK_ENV`] is set, the system clock otherwise.
    pub fn from_env() -> Result<Clock, String> {
        match std::env::var(CLOCK_ENV) {
            Ok(text) if !text.trim().is_empty() => Clock::parse(&text),
            _ => Ok(Clock::System),
        }
    }

    /// Parses an RFC 3339 instant into a fixed clock.
    pub fn parse(text: &str) -> Result<Clock, String> {
        DateTime::parse_from_rfc3339(text.trim())
            .map(Clock::Fixed)
            .map_err(|_| {
                format!(
                    "fecha y hora inválida en {CLOCK_ENV}: «{}» (se espera AAAA-MM-DDTHH:MM:SS-05:00)",
                    text.trim()
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_is_fixed() {
        let clock = Clock::parse("2026-03-15T10:00:00-05:00").unwrap();
        assert_eq!(clock.now(), clock.now());
        assert_eq!(clock.now().to_rfc3339(), "2026-03-15T10:00:00-05:00");
    }

    #[test]
    fn bad_clock_text_is_refused_in_spanish() {
        let err = Clock::parse("ayer").unwrap_err();
        assert!(err.contains("fecha y hora inválida"), "{err}");
    }
}
