//! Every template's example rendered by the real `actas` binary and checked
//! with real PDF tools: `qpdf --check`, `pdffonts`, `pdftotext`, `pdfinfo`,
//! `pdfsig`, plus lopdf for the signature widgets. Contracts: DESIGN §3
//! (fonts embedded, metadata, one empty signature field per role on its
//! block) and issue 2's rendering list (tables across pages, determinism).

use std::path::{Path, PathBuf};
use std::process::Command;

use actas::template::{load_catalogue, FieldKind, Template};
use serde_json::Value;

const NOW: &str = "2026-03-15T10:00:00-05:00";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn catalogue() -> Vec<Template> {
    load_catalogue(&root().join("templates"))
        .expect("templates load")
        .templates
}

fn example(id: &str) -> Value {
    let path = root().join("templates/examples").join(format!("{id}.json"));
    serde_json::from_slice(&std::fs::read(path).expect("example exists")).expect("example is JSON")
}

/// Runs a tool and returns stdout; a missing tool fails the test (the test
/// command installs them), it never skips.
fn tool(program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is not installed ({e}); run scripts/install-deps.sh test")
        });
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn render(id: &str, data: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_actas"))
        .args([
            "--templates",
            root().join("templates").to_str().unwrap(),
            "render",
            id,
            "--data",
        ])
        .arg(data)
        .arg("-o")
        .arg(out)
        .args(["--numero", "2026-014"])
        .env("ACTAS_NOW", NOW)
        .output()
        .expect("actas runs");
    assert!(
        status.status.success(),
        "render {id}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Short text values and signer names with Spanish accents: they must print unbroken.
fn accented_values(template: &Template, data: &Value) -> Vec<String> {
    template
        .fields()
        .filter_map(|f| match f.kind {
            FieldKind::Text { .. } | FieldKind::Choice { .. } => {
                data.get(&f.id)?.as_str().map(str::to_string)
            }
            FieldKind::Signer { .. } => {
                data.get(&f.id)?.get("nombre")?.as_str().map(str::to_string)
            }
            _ => None,
        })
        .filter(|v| v.chars().count() <= 28 && v.chars().any(|c| "áéíóúñÁÉÍÓÚÑ".contains(c)))
        .collect()
}

#[test]
fn every_template_renders_a_valid_pdf_with_fonts_text_metadata_and_signature_fields() {
    let dir = tempfile::tempdir().unwrap();
    let mut accented_checked = 0;
    for template in catalogue() {
        let id = template.id.as_str();
        let out = dir.path().join(format!("{id}.pdf"));
        let data_path = root().join("templates/examples").join(format!("{id}.json"));
        render(id, &data_path, &out);
        let pdf = out.to_str().unwrap();

        let (ok, report) = tool("qpdf", &["--check", pdf]);
        assert!(
            ok && report.contains("No syntax or stream encoding errors"),
            "{id}: qpdf --check:\n{report}"
        );

        let (_, fonts) = tool("pdffonts", &[pdf]);
        let font_rows: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVuSans")).collect();
        assert_eq!(font_rows.len(), 2, "{id}: two faces expected:\n{fonts}");
        for row in font_rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            assert!(
                cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+',
                "{id}: subset tag missing in {row}"
            );
            assert!(
                row.contains("yes yes yes"),
                "{id}: font not embedded+subset+unicode: {row}"
            );
        }

        let (_, text) = tool("pdftotext", &["-raw", pdf, "-"]);
        let text = squash(&text);
        assert!(
            text.contains(&squash(&template.title.to_uppercase())),
            "{id}: title missing from the page text"
        );
        assert!(text.contains("Página 1 de"), "{id}: page numbering missing");
        for value in accented_values(&template, &example(id)) {
            assert!(
                text.contains(&squash(&value)),
                "{id}: «{value}» does not extract exactly"
            );
            accented_checked += 1;
        }

        let (_, info) = tool("pdfinfo", &[pdf]);
        assert!(
            info.contains(&format!("Title:           {}", template.title)),
            "{id}: title metadata:\n{info}"
        );
        assert!(
            info.contains(&template.form_code) && info.contains("2026-014"),
            "{id}: subject lacks code/number:\n{info}"
        );

        let (_, sig) = tool("pdfsig", &[pdf]);
        let mut fields: Vec<String> = sig
            .lines()
            .filter_map(|l| {
                l.trim()
                    .strip_prefix("- Signature Field Name: ")
                    .map(str::to_string)
            })
            .collect();
        let mut expected: Vec<String> = template.signers.iter().map(|s| s.field_name()).collect();
        fields.sort();
        expected.sort();
        assert_eq!(fields, expected, "{id}: pdfsig fields");
        assert_eq!(
            sig.matches("not signed").count(),
            expected.len(),
            "{id}: fields must be empty:\n{sig}"
        );

        check_widgets_on_blocks(id, &out, &template);
    }
    assert!(
        accented_checked >= 20,
        "only {accented_checked} accented values checked"
    );
}

/// Each widget lies on its printed block: the block's «Firma digital» caption
/// sits right under the rectangle and the role heading right above it, both
/// within its horizontal extent (positions from `pdftotext -bbox`).
fn check_widgets_on_blocks(id: &str, pdf: &Path, template: &Template) {
    let doc = lopdf::Document::load(pdf).unwrap();
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    let (_, bbox) = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let words = parse_bbox(&bbox);
    let mut seen = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"FT").and_then(|o| o.as_name()).ok() != Some(&b"Sig"[..]) {
            continue;
        }
        seen += 1;
        let rect: Vec<f32> = dict
            .get(b"Rect")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_float().unwrap())
            .collect();
        let page_ref = dict.get(b"P").unwrap().as_reference().unwrap();
        let page = pages
            .iter()
            .position(|p| *p == page_ref)
            .expect("widget's page exists");
        let annots = doc
            .get_dictionary(page_ref)
            .unwrap()
            .get(b"Annots")
            .unwrap()
            .as_array()
            .unwrap();
        assert!(!annots.is_empty(), "{id}: page has no /Annots");
        let (x1, y1, x2, y2) = (rect[0], rect[1], rect[2], rect[3]);
        assert!(
            x2 - x1 > 100.0 && y2 - y1 > 40.0,
            "{id}: widget too small {rect:?}"
        );
        let on_page: Vec<&Word> = words.iter().filter(|w| w.page == page).collect();
        let caption = on_page.iter().any(|w| {
            w.text == "Firma"
                && w.x_min > x1
                && w.x_max < x2
                && w.bottom < y1
                && w.bottom > y1 - 14.0
        });
        let heading = on_page.iter().any(|w| {
            w.x_min >= x1 - 8.0 && w.x_max <= x2 + 8.0 && w.bottom > y2 && w.bottom < y2 + 48.0
        });
        assert!(
            caption && heading,
            "{id}: widget {rect:?} on page {} is not on a printed signature block",
            page + 1
        );
    }
    assert_eq!(seen, template.signers.len(), "{id}: one widget per role");
}

struct Word {
    page: usize,
    text: String,
    x_min: f32,
    x_max: f32,
    /// Baseline-ish bottom, in PDF coordinates (origin bottom-left).
    bottom: f32,
}

fn parse_bbox(html: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut page = 0usize;
    let mut height = 841.89f32;
    let attr = |line: &str, name: &str| -> f32 {
        let start = line
            .find(&format!("{name}=\""))
            .map(|i| i + name.len() + 2)
            .unwrap();
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    let mut first_page = true;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            if !first_page {
                page += 1;
            }
            first_page = false;
            height = attr(line, "height");
        } else if line.starts_with("<word ") {
            let text = line
                .split('>')
                .nth(1)
                .unwrap_or("")
                .split('<')
                .next()
                .unwrap_or("")
                .to_string();
            words.push(Word {
                page,
                text,
                x_min: attr(line, "xMin"),
                x_max: attr(line, "xMax"),
                bottom: height - attr(line, "yMax"),
            });
        }
    }
    words
}

#[test]
fn a_long_table_flows_over_three_pages_repeating_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let id = "senace-bitacora-respaldo";
    let template = catalogue().into_iter().find(|t| t.id == id).unwrap();
    let (table, columns) = template
        .fields()
        .find_map(|f| match &f.kind {
            FieldKind::Table { columns, .. } => Some((f.id.clone(), columns.clone())),
            _ => None,
        })
        .expect("the bitácora has a table");
    let mut data = example(id);
    let rows = data[&table].as_array().unwrap().clone();
    let long: Vec<Value> = rows.iter().cycle().take(150).cloned().collect();
    data[&table] = Value::Array(long);
    let data_path = dir.path().join("data.json");
    std::fs::write(&data_path, serde_json::to_vec(&data).unwrap()).unwrap();
    let out = dir.path().join("long.pdf");
    render(id, &data_path, &out);
    let pages = lopdf::Document::load(&out).unwrap().get_pages().len();
    assert!(
        pages >= 3,
        "150 rows should need at least 3 pages, got {pages}"
    );
    let heading = squash(&columns[0].label);
    for page in 1..=pages {
        let (_, text) = tool(
            "pdftotext",
            &[
                "-raw",
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
                out.to_str().unwrap(),
                "-",
            ],
        );
        let text = squash(&text);
        if page < pages || text.contains(&heading) {
            assert!(
                text.contains(&heading),
                "page {page} lacks the repeated header «{heading}»"
            );
        }
        if page > 1 && page < pages {
            assert!(
                text.contains("(continuación)")
                    || !template
                        .fields()
                        .any(|f| f.id == table && f.label.is_empty()),
                "page {page} lacks the continuation caption"
            );
        }
    }
}

#[test]
fn same_input_and_clock_give_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = root().join("templates/examples/senace-acta-instalacion.json");
    let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.pdf"));
    render("senace-acta-instalacion", &data, &a);
    render("senace-acta-instalacion", &data, &b);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}
