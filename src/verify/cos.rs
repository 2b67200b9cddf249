//! The PDF object syntax (ISO 32000-1 §7.2–7.3), parsed strictly: one
//! direct object at a given position, or one indirect object whose header
//! `n g obj` must name exactly the object the cross-reference table says
//! is there. Values are `lopdf::Object`s, so the rest of the code shares
//! one object model.
//!
//! Written by hand because no kept crate does this: lopdf's parser is
//! private to it and recovers from errors (it reads what it can and guesses
//! the rest), while verification must read exactly the bytes a conforming
//! viewer reads and refuse anything else. Nothing here recurses without a
//! depth limit, allocates more than the input holds, or panics.
//!
//! It does not: follow the cross-reference table (`reader` does), decode
//! streams, or decrypt.

use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};

/// Arrays and dictionaries nested deeper than this are refused.
pub const MAX_DEPTH: usize = 64;

/// Why the bytes at a position are not the object expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("byte {offset}: {what}")]
pub struct SyntaxError {
    pub offset: usize,
    pub what: String,
}

/// A cursor over the file's bytes.
pub struct Parser<'a> {
    bytes: &'a [u8],
    pub pos: usize,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl<'a> Parser<'a> {
    pub fn new(bytes: &'a [u8], pos: usize) -> Parser<'a> {
        Parser { bytes, pos }
    }

    pub fn error(&self, what: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            what: what.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips white-space and comments.
    pub fn skip_whitespace(&mut self) {
        while let Some(b) = self.peek() {
            if is_whitespace(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Skips white-space only (`%` is not skipped: `%%EOF` is a marker).
    pub fn skip_spaces(&mut self) {
        while self.peek().is_some_and(is_whitespace) {
            self.pos += 1;
        }
    }

    /// After white-space (no comments), the end-of-file marker `%%EOF`.
    pub fn eof_marker(&mut self) -> bool {
        let start = self.pos;
        self.skip_spaces();
        if self.bytes[self.pos..].starts_with(b"%%EOF") {
            self.pos += 5;
            true
        } else {
            self.pos = start;
            false
        }
    }

    /// After white-space, the keyword `word` ending at a delimiter,
    /// white-space or the end: consumed and true; otherwise nothing moves.
    pub fn keyword(&mut self, word: &[u8]) -> bool {
        let start = self.pos;
        self.skip_whitespace();
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) == Some(word)
            && self.bytes.get(end).is_none_or(|b| !is_regular(*b))
        {
            self.pos = end;
            true
        } else {
            self.pos = start;
            false
        }
    }

    /// An unsigned decimal integer (digits only), after white-space.
    pub fn unsigned(&mut self) -> Result<u64, SyntaxError> {
        self.skip_whitespace();
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
                .ok_or_else(|| self.error("número demasiado grande"))?;
            self.pos += 1;
        }
        if self.pos == start || self.peek().is_some_and(is_regular) {
            self.pos = start;
            return Err(self.error("se esperaba un número entero"));
        }
        Ok(value)
    }

    /// One direct object (or an indirect reference `n g R`).
    pub fn object(&mut self, depth: usize) -> Result<Object, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error("objetos anidados demasiado profundos"));
        }
        self.skip_whitespace();
        let Some(b) = self.peek() else {
            return Err(self.error("fin de datos donde se esperaba un objeto"));
        };
        match b {
            b'/' => self.name().map(Object::Name),
            b'(' => self.literal_string(),
            b'<' if self.bytes.get(self.pos + 1) == Some(&b'<') => {
                self.dictionary(depth).map(Object::Dictionary)
            }
            b'<' => self.hex_string(),
            b'[' => self.array(depth),
            b'0'..=b'9' | b'+' | b'-' | b'.' => self.number_or_reference(),
            _ if self.keyword(b"true") => Ok(Object::Boolean(true)),
            _ if self.keyword(b"false") => Ok(Object::Boolean(false)),
            _ if self.keyword(b"null") => Ok(Object::Null),
            _ => Err(self.error(format!("byte inesperado 0x{b:02x}"))),
        }
    }

    fn name(&mut self) -> Result<Vec<u8>, SyntaxError> {
        self.pos += 1; // '/'
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            if !is_regular(b) {
                break;
            }
            if b == b'#' {
                let hi = self.bytes.get(self.pos + 1).copied().and_then(hex_value);
                let lo = self.bytes.get(self.pos + 2).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => {
                        out.push(hi << 4 | lo);
                        self.pos += 3;
                        continue;
                    }
                    _ => return Err(self.error("secuencia # inválida en un nombre")),
                }
            }
            out.push(b);
            self.pos += 1;
        }
        Ok(out)
    }

    fn literal_string(&mut self) -> Result<Object, SyntaxError> {
        let start = self.pos;
        self.pos += 1; // '('
        let mut out = Vec::new();
        let mut nesting = 1usize;
        loop {
            let Some(b) = self.peek() else {
                self.pos = start;
                return Err(self.error("cadena literal sin cerrar"));
            };
            self.pos += 1;
            match b {
                b'(' => {
                    nesting += 1;
                    out.push(b);
                }
                b')' => {
                    nesting -= 1;
                    if nesting == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else { continue };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'0'..=b'7' => {
                            let mut value = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((value & 0xff) as u8);
                        }
                        b'\r' => {
                            // A backslash before an end-of-line continues the string.
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'\r' => {
                    // Any end-of-line in a literal string reads as one LF (§7.3.4.2).
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                _ => out.push(b),
            }
        }
        Ok(Object::String(out, StringFormat::Literal))
    }

    fn hex_string(&mut self) -> Result<Object, SyntaxError> {
        let start = self.pos;
        self.pos += 1; // '<'
                       // The closing '>' bounds the work and the allocation.
        let Some(len) = self.bytes[self.pos..].iter().position(|b| *b == b'>') else {
            self.pos = start;
            return Err(self.error("cadena hexadecimal sin cerrar"));
        };
        let body = &self.bytes[self.pos..self.pos + len];
        let mut out = Vec::with_capacity(len / 2 + 1);
        let mut high: Option<u8> = None;
        for &c in body {
            if is_whitespace(c) {
                continue;
            }
            let Some(v) = hex_value(c) else {
                return Err(SyntaxError {
                    offset: start,
                    what: "cadena hexadecimal con un carácter que no es hexadecimal".into(),
                });
            };
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        self.pos += len + 1;
        Ok(Object::String(out, StringFormat::Hexadecimal))
    }

    fn array(&mut self, depth: usize) -> Result<Object, SyntaxError> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Object::Array(items));
                }
                None => return Err(self.error("arreglo sin cerrar")),
                _ => items.push(self.object(depth + 1)?),
            }
        }
    }

    fn dictionary(&mut self, depth: usize) -> Result<Dictionary, SyntaxError> {
        self.pos += 2; // '<<'
        let mut dict = Dictionary::new();
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'>') if self.bytes.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    return Ok(dict);
                }
                Some(b'/') => {
                    let key_at = self.pos;
                    let key = self.name()?;
                    let value = self.object(depth + 1)?;
                    if dict.has(&key) {
                        // Readers disagree on which of two equal keys wins.
                        return Err(SyntaxError {
                            offset: key_at,
                            what: format!(
                                "clave /{} repetida en un diccionario",
                                String::from_utf8_lossy(&key)
                            ),
                        });
                    }
                    // A null value is the same as an absent key (§7.3.7).
                    if !matches!(value, Object::Null) {
                        dict.set(key, value);
                    }
                }
                None => return Err(self.error("diccionario sin cerrar")),
                _ => return Err(self.error("se esperaba un nombre como clave de diccionario")),
            }
        }
    }

    fn number_or_reference(&mut self) -> Result<Object, SyntaxError> {
        let start = self.pos;
        while self.peek().is_some_and(is_regular) {
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.bytes[start..self.pos]).unwrap_or("");
        let is_integer = !text.is_empty()
            && text
                .strip_prefix(['+', '-'])
                .unwrap_or(text)
                .bytes()
                .all(|b| b.is_ascii_digit())
            && text.bytes().any(|b| b.is_ascii_digit());
        if is_integer {
            let value: i64 = text.parse().map_err(|_| SyntaxError {
                offset: start,
                what: "número entero fuera de rango".into(),
            })?;
            // `n g R`: two unsigned integers and the keyword.
            if text.bytes().all(|b| b.is_ascii_digit()) {
                let after_first = self.pos;
                if let Ok(generation) = self.unsigned() {
                    if self.keyword(b"R") {
                        let number = u32::try_from(value).ok();
                        let generation = u16::try_from(generation).ok();
                        return match (number, generation) {
                            (Some(n), Some(g)) => Ok(Object::Reference((n, g))),
                            _ => Err(SyntaxError {
                                offset: start,
                                what: "referencia fuera de rango".into(),
                            }),
                        };
                    }
                }
                self.pos = after_first;
            }
            return Ok(Object::Integer(value));
        }
        let valid_real = text.bytes().filter(|b| *b == b'.').count() <= 1
            && text
                .strip_prefix(['+', '-'])
                .unwrap_or(text)
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.')
            && text.bytes().any(|b| b.is_ascii_digit());
        if !valid_real {
            return Err(SyntaxError {
                offset: start,
                what: format!("número mal escrito «{}»", text.escape_debug()),
            });
        }
        let value: f64 = text.parse().map_err(|_| SyntaxError {
            offset: start,
            what: "número real ilegible".into(),
        })?;
        Ok(Object::Real(value as f32))
    }
}

/// An indirect object read at `offset`: its value and where `endobj` ends.
pub struct Indirect {
    pub object: Object,
    pub end: usize,
}

/// Reads the indirect object `n g obj … endobj` that must start exactly at
/// `offset` and be object `expect`. A stream's `/Length`, when it is a
/// reference, is asked of `length_of`.
pub fn indirect_object(
    bytes: &[u8],
    offset: usize,
    expect: ObjectId,
    length_of: &mut dyn FnMut(ObjectId) -> Option<i64>,
) -> Result<Indirect, SyntaxError> {
    let mut p = Parser::new(bytes, offset);
    if offset >= bytes.len() {
        return Err(p.error("la posición está fuera del archivo"));
    }
    if p.peek().is_some_and(is_whitespace) {
        return Err(p.error("la posición no apunta al inicio de un objeto"));
    }
    let header = (|| {
        let number = p.unsigned().ok()?;
        let generation = p.unsigned().ok()?;
        p.keyword(b"obj").then_some((number, generation))
    })();
    let Some((number, generation)) = header else {
        return Err(SyntaxError {
            offset,
            what: "no hay una cabecera «n g obj» en esa posición".into(),
        });
    };
    if number != u64::from(expect.0) || generation != u64::from(expect.1) {
        return Err(SyntaxError {
            offset,
            what: format!(
                "allí está el objeto {number} {generation}, no el {} {}",
                expect.0, expect.1
            ),
        });
    }
    let value = p.object(0)?;
    let object = if p.keyword(b"stream") {
        let Object::Dictionary(dict) = value else {
            return Err(p.error("un flujo sin diccionario"));
        };
        // `stream` is followed by CRLF or LF (§7.3.8.1).
        match (p.peek(), p.bytes.get(p.pos + 1)) {
            (Some(b'\r'), Some(b'\n')) => p.pos += 2,
            (Some(b'\n'), _) => p.pos += 1,
            _ => return Err(p.error("falta el fin de línea después de «stream»")),
        }
        let length = match dict.get(b"Length") {
            Ok(Object::Integer(n)) => Some(*n),
            Ok(Object::Reference(id)) => length_of(*id),
            _ => None,
        };
        let length = length
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| p.pos.checked_add(*n).is_some_and(|end| end <= bytes.len()))
            .ok_or_else(|| p.error("el flujo no tiene una longitud (/Length) válida"))?;
        let content = bytes[p.pos..p.pos + length].to_vec();
        p.pos += length;
        if !p.keyword(b"endstream") {
            return Err(p.error("el flujo no termina con «endstream» donde dice /Length"));
        }
        // Not `Stream::new`, which rewrites /Length: the dictionary stays as read.
        let mut stream = Stream::with_position(dict, 0);
        stream.start_position = None;
        stream.content = content;
        Object::Stream(stream)
    } else {
        value
    };
    if !p.keyword(b"endobj") {
        return Err(p.error("el objeto no termina con «endobj»"));
    }
    Ok(Indirect { object, end: p.pos })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Object, SyntaxError> {
        Parser::new(text.as_bytes(), 0).object(0)
    }

    #[test]
    fn direct_objects() {
        assert_eq!(parse("  42 ").unwrap(), Object::Integer(42));
        assert_eq!(parse("-17").unwrap(), Object::Integer(-17));
        assert_eq!(parse("3.5").unwrap(), Object::Real(3.5));
        assert_eq!(parse("-.5").unwrap(), Object::Real(-0.5));
        assert_eq!(parse("12 0 R").unwrap(), Object::Reference((12, 0)));
        assert_eq!(parse("12 0 Rx").unwrap(), Object::Integer(12));
        assert_eq!(parse("/A#42C").unwrap(), Object::Name(b"ABC".to_vec()));
        assert_eq!(parse("true").unwrap(), Object::Boolean(true));
        assert_eq!(parse("null").unwrap(), Object::Null);
        assert_eq!(
            parse("(a\\(b\\)\\101\\\nc\r\nd)").unwrap(),
            Object::String(b"a(b)Ac\nd".to_vec(), StringFormat::Literal)
        );
        assert_eq!(
            parse("<48 65 6c6C 6>").unwrap(),
            Object::String(b"Hell`".to_vec(), StringFormat::Hexadecimal)
        );
        let Object::Dictionary(d) = parse("<< /A [1 2 0 R (x)] /B << /C /D >> /N null >>").unwrap()
        else {
            panic!()
        };
        assert_eq!(d.len(), 2, "a null value is an absent key");
        assert_eq!(
            d.get(b"A").unwrap(),
            &Object::Array(vec![
                Object::Integer(1),
                Object::Reference((2, 0)),
                Object::String(b"x".to_vec(), StringFormat::Literal)
            ])
        );
    }

    #[test]
    fn refuses_what_readers_would_guess() {
        for bad in [
            "<< /A 1 /A 2 >>",
            "<< /A 1",
            "[1 2",
            "(abc",
            "<4G>",
            "1.2.3",
            "99999999999999999999",
            "/A#4",
            "@",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 5) + &"]".repeat(MAX_DEPTH + 5);
        assert!(parse(&deep).is_err());
        assert!(parse(&"[".repeat(100_000)).is_err(), "no stack overflow");
    }

    #[test]
    fn indirect_objects_are_who_the_table_says() {
        let file = b"%PDF-1.7\n7 0 obj\n<< /Length 5 >>\nstream\nhello\nendstream\nendobj\n8 0 obj (x) endobj";
        let mut none = |_| None;
        let read = indirect_object(file, 9, (7, 0), &mut none).unwrap();
        let Object::Stream(s) = read.object else {
            panic!()
        };
        assert_eq!(s.content, b"hello");
        assert_eq!(&file[read.end - 6..read.end], b"endobj");
        let err = indirect_object(file, 9, (8, 0), &mut none).err().unwrap();
        assert!(err.what.contains("objeto 7 0"), "{err}");
        assert!(indirect_object(file, 10, (7, 0), &mut none).is_err());
        assert!(
            indirect_object(file, 8, (7, 0), &mut none).is_err(),
            "whitespace first"
        );
        // a /Length that does not end at `endstream`
        let short = b"1 0 obj << /Length 3 >> stream\nhello\nendstream endobj";
        assert!(indirect_object(short, 0, (1, 0), &mut none).is_err());
        // an indirect /Length
        let indirect = b"1 0 obj << /Length 9 0 R >> stream\r\nhello\nendstream endobj";
        let mut nine = |id: ObjectId| (id == (9, 0)).then_some(5);
        assert!(indirect_object(indirect, 0, (1, 0), &mut nine).is_ok());
        assert!(indirect_object(b"1 0 obj 5", 0, (1, 0), &mut none).is_err());
    }
}
