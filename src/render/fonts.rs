//! The fonts the product ships (DejaVu Sans, regular and bold, in `fonts/`
//! with their licence), parsed once per process, and text measurement and
//! wrapping in their metrics.
//!
//! Parsing a TrueType file costs milliseconds; it happens once per process
//! ([`fonts`]) and only where a page is laid out: signing measures with the
//! stamp font's own table ([`Measure`]) and never parses these. Drawing is
//! `render::pdf`'s job, not this module's.

use std::collections::HashMap;
use std::sync::OnceLock;

use printpdf::{ParsedFont, PdfFontParseWarning};

static REGULAR_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    Regular,
    Bold,
}

/// Text measurement in a font's metrics, for [`wrap`] and [`wrap_units`].
pub trait Measure {
    /// Width of `text` at `size` points.
    fn width(&self, text: &str, size: f32) -> f32;
}

/// A parsed font plus an advance-width table for fast measuring.
pub struct Face {
    pub parsed: ParsedFont,
    /// Advance of each char in 1/1000 em, for the chars seen in Spanish forms.
    widths: HashMap<char, f32>,
    fallback: f32,
}

impl Face {
    fn load(bytes: &[u8]) -> Face {
        let mut warnings: Vec<PdfFontParseWarning> = Vec::new();
        // The shipped font is part of the build: failing to parse it is a bug, not input.
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .expect("the shipped DejaVu font parses");
        let units = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        let advance = |c: char| {
            parsed
                .lookup_glyph_index(c as u32)
                .map(|gid| f32::from(parsed.get_horizontal_advance(gid)) * 1000.0 / units)
        };
        let fallback = advance('n').unwrap_or(556.0);
        let mut widths = HashMap::new();
        for c in (' '..='~')
            .chain('\u{a0}'..='\u{17f}')
            .chain("–—‘’“”•…€°ºª¿¡".chars())
        {
            if let Some(w) = advance(c) {
                widths.insert(c, w);
            }
        }
        Face {
            parsed,
            widths,
            fallback,
        }
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| *self.widths.get(&c).unwrap_or(&self.fallback))
            .sum();
        units * size / 1000.0
    }

    /// Whether the font has a glyph for `c` (else it prints as a box).
    pub fn has_glyph(&self, c: char) -> bool {
        self.widths.contains_key(&c) || self.parsed.lookup_glyph_index(c as u32).is_some()
    }
}

/// The two faces of the document font.
pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Measure for Face {
    fn width(&self, text: &str, size: f32) -> f32 {
        Face::width(self, text, size)
    }
}

impl Fonts {
    pub fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

/// The fonts, parsed on first use.
pub fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        regular: Face::load(REGULAR_TTF),
        bold: Face::load(BOLD_TTF),
    })
}

/// Breaks `text` into lines no wider than `max_width`: paragraphs at `\n`,
/// lines at spaces; a word longer than a line is cut by characters.
pub fn wrap<M: Measure + ?Sized>(face: &M, text: &str, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let units: Vec<&str> = paragraph.split_whitespace().collect();
        wrap_units_into(face, &units, " ", size, max_width, &mut lines);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Like [`wrap`] for pre-cut units (e.g. `( X ) Web`) that must not break
/// inside; units on one line are joined by `separator`.
pub fn wrap_units<M: Measure + ?Sized>(
    face: &M,
    units: &[&str],
    separator: &str,
    size: f32,
    max_width: f32,
) -> Vec<String> {
    let mut lines = Vec::new();
    wrap_units_into(face, units, separator, size, max_width, &mut lines);
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Characters after which a too-long word may break.
const BREAK_AFTER: [char; 5] = ['\\', '/', '_', '-', '.'];

fn wrap_units_into<M: Measure + ?Sized>(
    face: &M,
    units: &[&str],
    separator: &str,
    size: f32,
    max_width: f32,
    lines: &mut Vec<String>,
) {
    let sep_width = face.width(separator, size);
    let mut line = String::new();
    let mut line_width = 0.0;
    if units.is_empty() {
        lines.push(String::new());
        return;
    }
    for unit in units {
        let unit_width = face.width(unit, size);
        if !line.is_empty() && line_width + sep_width + unit_width <= max_width {
            line.push_str(separator);
            line.push_str(unit);
            line_width += sep_width + unit_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if unit_width <= max_width {
            line.push_str(unit);
            line_width = unit_width;
        } else {
            // A unit wider than the line (a path, a URL, an identifier): cut after
            // a separator when one fits, else between characters.
            let mut piece = String::new();
            let mut piece_width = 0.0;
            for c in unit.chars() {
                let w = face.width(c.encode_utf8(&mut [0; 4]), size);
                if !piece.is_empty() && piece_width + w > max_width {
                    let cut = piece
                        .rfind(BREAK_AFTER)
                        .map(|i| i + 1)
                        .filter(|&i| i < piece.len())
                        .unwrap_or(piece.len());
                    let rest = piece.split_off(cut);
                    lines.push(std::mem::replace(&mut piece, rest));
                    piece_width = face.width(&piece, size);
                }
                piece.push(c);
                piece_width += w;
            }
            line_width = face.width(&piece, size);
            line = piece;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_accented_text() {
        let f = &fonts().regular;
        assert!(f.width("Información técnica", 10.0) > 50.0);
        assert!(f.has_glyph('ñ') && f.has_glyph('¿'));
    }

    #[test]
    fn wraps_within_width_and_keeps_words() {
        let f = &fonts().regular;
        let text = "La documentación, scripts, archivos fuentes y ejecutables serán entregados a la oficina de Cómputo";
        let lines = wrap(f, text, 9.0, 150.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(f.width(line, 9.0) <= 150.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn cuts_a_word_longer_than_the_line() {
        let f = &fonts().regular;
        let path = "V:\\70-Oficina_de_Tecnologias_de_la_Informacion\\9.4-Instalaciones\\2026\\2026-038\\01.-SCRIPTS";
        let lines = wrap(f, path, 8.0, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), path);
        for line in &lines[..lines.len() - 1] {
            assert!(
                line.ends_with(BREAK_AFTER),
                "{line} should end at a separator"
            );
        }
    }
}
