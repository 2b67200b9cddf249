//! The visible stamp of a signature: who signed, as which role, when (with
//! time zone), and the certificate's issuer and serial, fitted inside the
//! role's printed block — shrunk and wrapped, never overflowing.
//!
//! It produces the appearance stream's content and nothing else: no keys,
//! no PDF objects (`incremental` writes them).

use chrono::{DateTime, FixedOffset};

use super::stamp_font::{stamp_font, STAMP_FONT_NAME};
use crate::render::fonts::wrap;

/// What the stamp says.
#[derive(Debug, Clone)]
pub struct StampText {
    pub signer: String,
    pub role_title: String,
    pub at: DateTime<FixedOffset>,
    /// `at` comes from a time-stamp authority (B-T), not the local clock.
    pub timestamped: bool,
    pub issuer: String,
    pub serial: String,
}

impl StampText {
    /// The stamp's lines before wrapping.
    pub fn lines(&self) -> Vec<String> {
        vec![
            "Firmado digitalmente por:".to_string(),
            self.signer.clone(),
            self.role_title.clone(),
            format!(
                "Fecha: {} ({}){}",
                self.at.format("%d/%m/%Y %H:%M"),
                utc_offset(&self.at),
                if self.timestamped {
                    ", sello de tiempo"
                } else {
                    ""
                }
            ),
            format!("Emisor: {}", self.issuer),
            format!("N.° de serie: {}", self.serial),
        ]
    }
}

/// `UTC-05:00`.
pub fn utc_offset(at: &DateTime<FixedOffset>) -> String {
    format!("UTC{}", at.format("%:z"))
}

const PADDING: f32 = 2.5;
const MAX_SIZE: f32 = 8.0;
const MIN_SIZE: f32 = 3.0;
const LEADING: f32 = 1.18;

/// The content stream drawing `text` in a `width` × `height` box (origin at
/// its lower-left corner), in the largest size that fits.
pub fn appearance_content(text: &StampText, width: f32, height: f32) -> Vec<u8> {
    // Measured in the stamp font's own table: signing never parses the TrueType files.
    let font = stamp_font();
    let inner_w = (width - 2.0 * PADDING).max(1.0);
    let inner_h = (height - 2.0 * PADDING).max(1.0);
    let source = text.lines();
    let mut size = MAX_SIZE;
    let mut lines = Vec::new();
    while size >= MIN_SIZE {
        lines = source
            .iter()
            .flat_map(|l| wrap(font, l, size, inner_w))
            .collect();
        if lines.len() as f32 * size * LEADING <= inner_h {
            break;
        }
        size -= 0.25;
    }
    // Still too tall at the smallest size: keep what fits (the signature itself holds it all).
    let max_lines = ((inner_h / (size * LEADING)).floor() as usize).max(1);
    lines.truncate(max_lines);

    let mut out = Vec::with_capacity(256 + lines.len() * 80);
    out.extend_from_slice(b"q 0.2 0.2 0.2 RG 0.6 w ");
    push_number(&mut out, 0.3);
    out.push(b' ');
    push_number(&mut out, 0.3);
    out.push(b' ');
    push_number(&mut out, width - 0.6);
    out.push(b' ');
    push_number(&mut out, height - 0.6);
    out.extend_from_slice(b" re S 0 0 0 rg BT /");
    out.extend_from_slice(STAMP_FONT_NAME.as_bytes());
    out.push(b' ');
    push_number(&mut out, size);
    out.extend_from_slice(b" Tf\n");
    let mut y = height - PADDING - size * 0.9;
    for line in &lines {
        out.extend_from_slice(b"1 0 0 1 ");
        push_number(&mut out, PADDING);
        out.push(b' ');
        push_number(&mut out, y);
        out.extend_from_slice(b" Tm <");
        for byte in font.encode(line) {
            out.extend_from_slice(format!("{byte:02X}").as_bytes());
        }
        out.extend_from_slice(b"> Tj\n");
        y -= size * LEADING;
    }
    out.extend_from_slice(b"ET Q");
    out
}

fn push_number(out: &mut Vec<u8>, value: f32) {
    let text = format!("{value:.2}");
    out.extend_from_slice(text.trim_end_matches('0').trim_end_matches('.').as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(signer: &str) -> StampText {
        StampText {
            signer: signer.into(),
            role_title: "Coordinador de Infraestructura y Soporte de Tecnologías de Información"
                .into(),
            at: DateTime::parse_from_rfc3339("2026-03-15T20:45:00-05:00").unwrap(),
            timestamped: false,
            issuer: "Actas Prueba Intermedia".into(),
            serial: "1A2B3C4D5E6F".into(),
        }
    }

    #[test]
    fn lines_carry_date_with_zone_issuer_and_serial() {
        let lines = text("María Quispe").lines();
        assert!(lines.contains(&"Fecha: 15/03/2026 20:45 (UTC-05:00)".to_string()));
        assert!(lines.iter().any(|l| l.contains("1A2B3C4D5E6F")));
    }

    #[test]
    fn long_text_shrinks_to_fit_the_box() {
        let short = appearance_content(&text("Ana Paz"), 160.0, 58.0);
        let long = appearance_content(
            &text("María Fernanda de los Ángeles Quispe Ñahui de la Cruz"),
            120.0,
            40.0,
        );
        let size = |c: &[u8]| {
            let s = String::from_utf8_lossy(c);
            let at = s.find(" Tf").unwrap();
            s[..at].rsplit(' ').next().unwrap().parse::<f32>().unwrap()
        };
        assert!(size(&long) < size(&short));
        assert!(size(&long) >= MIN_SIZE);
    }
}
