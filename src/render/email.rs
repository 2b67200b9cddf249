//! E-mail output: a template with an `[email]` table and its validated
//! data → an RFC 5322 message (`.eml`) that Thunderbird or Outlook opens.
//!
//! Headers come from the fields the template names (From, To, Cc,
//! Subject); the body is the form itself, section by section, as plain
//! text and as HTML (multipart/alternative), with an optional PDF attached
//! (multipart/mixed). MIME structure, RFC 2047 encoding of UTF-8 headers
//! and transfer encodings are `mail-builder`'s; this module only decides
//! what goes where. Like the PDF, the message is a pure function of its
//! inputs: the Date is the render clock, the Message-ID and the MIME
//! boundaries are derived from the content, so the same input gives the
//! same bytes. Secrets print masked, as in the PDF.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};
use mail_builder::headers::address::Address as MailAddress;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;

use super::layout::{fill_placeholders, printed, shown, HeaderInfo};
use super::RenderError;
use crate::form::address::{parse_list, Address};
use crate::form::{FormData, Value};
use crate::template::{Field, FieldKind, Template};

/// What an e-mail needs besides the template and the data.
#[derive(Debug, Clone)]
pub struct EmailOptions {
    /// The document's correlative, when it has one.
    pub number: Option<String>,
    /// The Date header.
    pub now: DateTime<FixedOffset>,
    /// A PDF to attach (the related acta): file name and bytes.
    pub attachment: Option<(String, Vec<u8>)>,
}

/// One block of the body: what the text and the HTML versions print.
enum Block {
    Heading(String),
    Paragraph(String),
    Pairs(Vec<(String, String)>),
    Table {
        caption: String,
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// Renders the message. Fails when the template is not an e-mail or a
/// header field does not hold what a header needs.
pub fn render_eml(
    template: &Template,
    form: &FormData,
    options: &EmailOptions,
) -> Result<Vec<u8>, RenderError> {
    let fail = |reason: String| RenderError::Email {
        template: template.id.clone(),
        reason,
    };
    let spec = template.email.as_ref().ok_or_else(|| {
        fail("la plantilla no es un correo: genere un PDF (-o archivo.pdf)".into())
    })?;
    let addresses = |id: &str| -> Result<Vec<Address>, RenderError> {
        parse_list(&form.get(id).display()).map_err(fail)
    };
    let from = addresses(&spec.from)?;
    let [from] = from.as_slice() else {
        return Err(fail(format!(
            "«{}» debe tener exactamente una dirección (tiene {})",
            label(template, &spec.from),
            from.len()
        )));
    };
    let to = addresses(&spec.to)?;
    if to.is_empty() {
        return Err(fail(format!(
            "«{}» no tiene destinatarios",
            label(template, &spec.to)
        )));
    }
    let cc = match &spec.cc {
        Some(id) => addresses(id)?,
        None => Vec::new(),
    };
    let subject = form.get(&spec.subject).display();
    let blocks = body_blocks(template, form, options.number.as_deref());
    let text = text_body(&blocks);
    let html = html_body(&blocks, &subject);

    // Content-derived identifiers: the same message gives the same bytes.
    let mut seed = format!(
        "{}\n{}\n{}\n{text}",
        template.id,
        options.number.as_deref().unwrap_or(""),
        options.now.to_rfc3339()
    );
    if let Some((name, bytes)) = &options.attachment {
        let _ = write!(seed, "\n{name}\n{}", crate::store::sha256_hex(bytes));
    }
    let digest = crate::store::sha256_hex(seed.as_bytes());
    let domain = from
        .email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .unwrap_or("actas.local");
    let message_id = format!("{}.{}@{domain}", &digest[..24], template.id);
    let boundary = |n: u8| format!("=_actas_{n}_{}", &digest[24..48]);

    let alternative = MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", boundary(1)),
        vec![
            MimePart::new(
                ContentType::new("text/plain").attribute("charset", "utf-8"),
                text,
            ),
            MimePart::new(
                ContentType::new("text/html").attribute("charset", "utf-8"),
                html,
            ),
        ],
    );
    let body = match &options.attachment {
        Some((name, bytes)) => MimePart::new(
            ContentType::new("multipart/mixed").attribute("boundary", boundary(2)),
            vec![
                alternative,
                MimePart::new("application/pdf", bytes.clone()).attachment(name.clone()),
            ],
        ),
        None => alternative,
    };
    let mail_address = |a: &Address| {
        MailAddress::new_address(
            (!a.name.is_empty()).then(|| a.name.clone()),
            a.email.clone(),
        )
    };
    let list = |list: &[Address]| MailAddress::new_list(list.iter().map(mail_address).collect());
    let mut message = MessageBuilder::new()
        .from(mail_address(from))
        .to(list(&to))
        .subject(subject)
        .header("Date", Raw::new(options.now.to_rfc2822()))
        .message_id(message_id)
        .header("X-Actas-Plantilla", Raw::new(template.id.clone()));
    if !cc.is_empty() {
        message = message.cc(list(&cc));
    }
    if let Some(number) = &options.number {
        message = message.header("X-Actas-Numero", Raw::new(number.clone()));
    }
    message
        .body(body)
        .write_to_vec()
        .map_err(|e| fail(format!("no se pudo escribir el correo: {e}")))
}

fn label(template: &Template, id: &str) -> String {
    template
        .field(id)
        .map(|f| f.label.clone())
        .unwrap_or_else(|| id.to_string())
}

/// The form as blocks, leaving out the fields that became headers.
fn body_blocks(template: &Template, form: &FormData, number: Option<&str>) -> Vec<Block> {
    let headers: Vec<&str> = template
        .email
        .iter()
        .flat_map(|e| {
            [
                Some(e.from.as_str()),
                Some(e.to.as_str()),
                e.cc.as_deref(),
                Some(e.subject.as_str()),
                e.signature.as_deref(),
            ]
        })
        .flatten()
        .collect();
    let shown = |v: &Value| shown(template, v);
    let mut blocks = Vec::new();
    for section in &template.sections {
        // The section that holds the sender is the message's header block:
        // the PDF prints it, the body does not repeat it.
        if section
            .fields
            .iter()
            .any(|f| headers.first() == Some(&f.id.as_str()))
        {
            continue;
        }
        let fields: Vec<&Field> = section
            .fields
            .iter()
            .filter(|f| !headers.contains(&f.id.as_str()))
            .filter(|f| !matches!(f.kind, FieldKind::Signer { .. }))
            .collect();
        if fields.is_empty() {
            continue;
        }
        if !section.title.trim().is_empty() {
            blocks.push(Block::Heading(section.title.clone()));
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        let flush = |pairs: &mut Vec<(String, String)>, blocks: &mut Vec<Block>| {
            if !pairs.is_empty() {
                blocks.push(Block::Pairs(std::mem::take(pairs)));
            }
        };
        for field in fields {
            let value = form.get(&field.id);
            match &field.kind {
                FieldKind::Static { text } => {
                    if !printed(field, form) {
                        continue;
                    }
                    flush(&mut pairs, &mut blocks);
                    let filled = fill_placeholders(text, template, form, &HeaderInfo { number });
                    if field.label.trim().is_empty() {
                        blocks.push(Block::Paragraph(filled));
                    } else {
                        pairs.push((field.label.clone(), filled));
                    }
                }
                FieldKind::Table { columns, .. } => {
                    flush(&mut pairs, &mut blocks);
                    let rows = match value {
                        Value::Table(rows) => rows
                            .iter()
                            .map(|row| {
                                columns
                                    .iter()
                                    .map(|c| row.get(&c.id).map(&shown).unwrap_or_default())
                                    .collect()
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    if !rows.is_empty() {
                        blocks.push(Block::Table {
                            caption: field.label.clone(),
                            headers: columns.iter().map(|c| c.label.clone()).collect(),
                            rows,
                        });
                    }
                }
                _ if value.is_empty() => {}
                _ => pairs.push((field.label.clone(), shown(value))),
            }
        }
        flush(&mut pairs, &mut blocks);
    }
    if let Some(signature) = template.email.as_ref().and_then(|e| e.signature.as_deref()) {
        let text = form.get(signature).display();
        if !text.trim().is_empty() {
            blocks.push(Block::Paragraph(text));
        }
    }
    blocks
}

/// The plain-text body: `Etiqueta : valor` lines aligned per block, as the
/// seeds write their e-mail bodies (002, 1131–1142).
fn text_body(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        match block {
            Block::Heading(title) => {
                let _ = writeln!(out, "{title}");
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "{}", text.trim_end());
            }
            Block::Pairs(pairs) => {
                let width = pairs
                    .iter()
                    .map(|(l, _)| l.chars().count())
                    .max()
                    .unwrap_or(0);
                for (label, value) in pairs {
                    let pad = " ".repeat(width - label.chars().count());
                    let mut lines = value.lines();
                    let _ = writeln!(out, "{label}{pad} : {}", lines.next().unwrap_or(""));
                    for more in lines {
                        let _ = writeln!(out, "{} {more}", " ".repeat(width + 2));
                    }
                }
            }
            Block::Table {
                caption,
                headers,
                rows,
            } => {
                if !caption.trim().is_empty() {
                    let _ = writeln!(out, "{caption}:");
                }
                for (i, row) in rows.iter().enumerate() {
                    let cells: Vec<String> = headers
                        .iter()
                        .zip(row)
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(h, v)| format!("{h}: {}", v.replace('\n', " ")))
                        .collect();
                    let _ = writeln!(out, "{}. {}", i + 1, cells.join(" · "));
                }
            }
        }
    }
    out
}

fn escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['<', '>', '&', '"']) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;"),
    )
}

fn html_lines(text: &str) -> String {
    escape(text).replace('\n', "<br>")
}

/// The HTML body: the same blocks with real tables.
fn html_body(blocks: &[Block], subject: &str) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"es\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body style=\"font-family: Arial, sans-serif; font-size: 14px;\">\n",
        escape(subject)
    );
    const CELL: &str = "style=\"border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top;\"";
    for block in blocks {
        match block {
            Block::Heading(title) => {
                let _ = writeln!(
                    out,
                    "<h3 style=\"margin: 12px 0 4px;\">{}</h3>",
                    escape(title)
                );
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", html_lines(text));
            }
            Block::Pairs(pairs) => {
                out.push_str("<table style=\"border-collapse: collapse;\">\n");
                for (label, value) in pairs {
                    let _ = writeln!(
                        out,
                        "<tr><th {CELL}>{}</th><td {CELL}>{}</td></tr>",
                        escape(label),
                        html_lines(value)
                    );
                }
                out.push_str("</table>\n");
            }
            Block::Table {
                caption,
                headers,
                rows,
            } => {
                out.push_str("<table style=\"border-collapse: collapse;\">\n");
                if !caption.trim().is_empty() {
                    let _ = writeln!(
                        out,
                        "<caption style=\"text-align: left; font-weight: bold;\">{}</caption>",
                        escape(caption)
                    );
                }
                out.push_str("<tr>");
                for h in headers {
                    let _ = write!(out, "<th {CELL}>{}</th>", escape(h));
                }
                out.push_str("</tr>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let _ = write!(out, "<td {CELL}>{}</td>", html_lines(cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table>\n");
            }
        }
    }
    out.push_str("</body></html>\n");
    out
}
