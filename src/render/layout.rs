//! Layout: a template and its validated data → pages of positioned drawing
//! primitives, plus where each role's signature field goes.
//!
//! A4 portrait (landscape when the template asks); a header on every page (entity, office, title, form code,
//! format version, number, «Página X de Y»); numbered sections; key–value
//! rows; `( X )` choices; wrapped text; tables that flow across pages
//! repeating their header row; signature blocks kept whole on one page. It
//! does not write PDF syntax (that is `render::pdf`).

use super::fonts::{fonts, wrap, wrap_units, Face, Weight};
use crate::form::condition;
use crate::form::{FormData, SignerData, Value};
use crate::template::{Column, Field, FieldKind, Section, Template};

pub const PAGE_WIDTH: f32 = 595.276;
pub const PAGE_HEIGHT: f32 = 841.89;

/// The sheet a document is laid out on: A4 portrait, or landscape for a
/// form whose table has too many columns for a portrait page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
}

impl PageSize {
    pub const PORTRAIT: PageSize = PageSize {
        width: PAGE_WIDTH,
        height: PAGE_HEIGHT,
    };
    pub const LANDSCAPE: PageSize = PageSize {
        width: PAGE_HEIGHT,
        height: PAGE_WIDTH,
    };

    fn content_width(self) -> f32 {
        self.width - 2.0 * MARGIN_X
    }

    /// The label column of key–value rows (a third of a portrait page).
    fn label_width(self) -> f32 {
        (self.content_width() * 0.32).min(LABEL_WIDTH_MAX)
    }
}
const MARGIN_X: f32 = 42.5;
const MARGIN_TOP: f32 = 34.0;
const MARGIN_BOTTOM: f32 = 40.0;

const BODY_SIZE: f32 = 8.5;
const TABLE_SIZE: f32 = 7.8;
const LINE: f32 = 1.25; // line height as a multiple of the font size
const PAD: f32 = 3.2;
const LABEL_WIDTH_MAX: f32 = 190.0;
const HEADER_GAP: f32 = 10.0;
const SIGNATURE_AREA_HEIGHT: f32 = 58.0;

const FILL_SECTION: f32 = 0.82;
const FILL_LABEL: f32 = 0.94;
const FILL_TABLE_HEADER: f32 = 0.88;
const FILL_SIGNATURE_AREA: f32 = 0.975;

/// One positioned drawing operation (PDF coordinates: points, origin bottom-left).
#[derive(Debug, Clone, PartialEq)]
pub enum Draw {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        text: String,
    },
    /// Filled rectangle, lower-left corner at (x, y), grey level 0–1.
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: f32,
    },
    /// Outlined rectangle, lower-left corner at (x, y).
    Stroke { x: f32, y: f32, w: f32, h: f32 },
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub draws: Vec<Draw>,
}

/// Where a role's empty signature field goes.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureSlot {
    pub role: String,
    /// 0-based page index.
    pub page: usize,
    /// The widget rectangle `[x1, y1, x2, y2]`.
    pub rect: [f32; 4],
    /// The whole printed block `[x1, y1, x2, y2]` (contains `rect`).
    pub block: [f32; 4],
}

#[derive(Debug, Clone)]
pub struct Layout {
    /// Every page has this size.
    pub size: PageSize,
    pub pages: Vec<Page>,
    pub slots: Vec<SignatureSlot>,
}

/// What the header prints besides the template's identity.
#[derive(Debug, Clone)]
pub struct HeaderInfo<'a> {
    /// The document's correlative, or `None` for an unnumbered draft.
    pub number: Option<&'a str>,
}

#[derive(Clone)]
struct Cell {
    x: f32,
    w: f32,
    lines: Vec<String>,
    size: f32,
    weight: Weight,
    fill: Option<f32>,
}

impl Cell {
    fn text(x: f32, w: f32, text: &str, size: f32, weight: Weight) -> Cell {
        let lines = wrap(fonts().face(weight), text, size, w - 2.0 * PAD);
        Cell {
            x,
            w,
            lines,
            size,
            weight,
            fill: None,
        }
    }

    fn filled(mut self, gray: f32) -> Cell {
        self.fill = Some(gray);
        self
    }

    fn line_height(&self) -> f32 {
        self.size * LINE
    }
}

/// Lays out a whole document.
pub fn layout_document(template: &Template, form: &FormData, header: &HeaderInfo) -> Layout {
    let size = if template.landscape {
        PageSize::LANDSCAPE
    } else {
        PageSize::PORTRAIT
    };
    let header_block = HeaderBlock::new(template, header, size);
    let mut layouter = Layouter {
        size,
        pages: vec![Page::default()],
        slots: Vec::new(),
        top: size.height - MARGIN_TOP - header_block.height - HEADER_GAP,
        y: 0.0,
    };
    layouter.y = layouter.top;
    for section in &template.sections {
        layouter.section(template, section, form, header);
    }
    let total = layouter.pages.len();
    for (i, page) in layouter.pages.iter_mut().enumerate() {
        header_block.draw(page, i + 1, total);
    }
    Layout {
        size,
        pages: layouter.pages,
        slots: layouter.slots,
    }
}

struct Layouter {
    size: PageSize,
    pages: Vec<Page>,
    slots: Vec<SignatureSlot>,
    /// Top of the body area on every page.
    top: f32,
    /// Current cursor (top of the next element).
    y: f32,
}

impl Layouter {
    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a page always exists")
    }

    fn available(&self) -> f32 {
        self.y - MARGIN_BOTTOM
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.top;
    }

    fn ensure(&mut self, height: f32) {
        if self.available() < height && self.y < self.top {
            self.new_page();
        }
    }

    fn section(
        &mut self,
        template: &Template,
        section: &Section,
        form: &FormData,
        header: &HeaderInfo,
    ) {
        let title = if section.number.is_empty() {
            section.title.clone()
        } else {
            format!("{}. {}", section.number, section.title)
        };
        let size = if section.level == 1 { 9.2 } else { 8.8 };
        let mut cell = Cell::text(
            MARGIN_X,
            self.size.content_width(),
            &title,
            size,
            Weight::Bold,
        );
        if section.level == 1 {
            cell = cell.filled(FILL_SECTION);
        }
        let height = cell_height(&cell);
        let keep_with = section
            .fields
            .first()
            .map(|f| self.first_height(f, section, template, form))
            .unwrap_or(0.0);
        self.y -= 4.0;
        // A section without number or title (the body of a letter or an
        // e-mail) prints no heading bar, only the gap.
        if title.trim().is_empty() {
            self.ensure(keep_with);
        } else {
            self.ensure(height + keep_with);
            self.place_row(vec![cell], None);
        }
        let mut i = 0;
        while i < section.fields.len() {
            let field = &section.fields[i];
            if matches!(field.kind, FieldKind::Signer { .. }) {
                let group: Vec<&Field> = section.fields[i..]
                    .iter()
                    .take_while(|f| matches!(f.kind, FieldKind::Signer { .. }))
                    .collect();
                i += group.len();
                self.signature_blocks(template, &group, form);
            } else {
                self.field(template, field, form, header);
                i += 1;
            }
        }
    }

    /// Height of what must stay with a section heading: the first field's
    /// row as it will print (a row taller than a quarter page is split, so
    /// no more than that is kept), a table's header and first row, or the
    /// signature blocks.
    fn first_height(
        &self,
        field: &Field,
        section: &Section,
        template: &Template,
        form: &FormData,
    ) -> f32 {
        match &field.kind {
            FieldKind::Text { .. }
            | FieldKind::Multiline { .. }
            | FieldKind::Secret { .. }
            | FieldKind::Email => {
                let label_w = self.size.label_width();
                let label = Cell::text(MARGIN_X, label_w, &field.label, BODY_SIZE, Weight::Bold);
                let value = Cell::text(
                    MARGIN_X + label_w,
                    self.size.content_width() - label_w,
                    &shown(template, form.get(&field.id)),
                    BODY_SIZE,
                    Weight::Regular,
                );
                cell_height(&label)
                    .max(cell_height(&value))
                    .min((self.top - MARGIN_BOTTOM) / 4.0)
            }
            FieldKind::Signer { .. } => {
                let n = section
                    .fields
                    .iter()
                    .take_while(|f| matches!(f.kind, FieldKind::Signer { .. }))
                    .count();
                block_height_estimate(n)
            }
            FieldKind::Table { .. } => 3.0 * (TABLE_SIZE * LINE + 2.0 * PAD),
            _ => BODY_SIZE * LINE * 2.0 + 2.0 * PAD,
        }
    }

    fn field(&mut self, template: &Template, field: &Field, form: &FormData, header: &HeaderInfo) {
        let value = form.get(&field.id);
        let label_w = self.size.label_width();
        let content_w = self.size.content_width();
        let value_x = MARGIN_X + label_w;
        let value_w = content_w - label_w;
        let label = || {
            Cell::text(MARGIN_X, label_w, &field.label, BODY_SIZE, Weight::Bold).filled(FILL_LABEL)
        };
        match &field.kind {
            FieldKind::Static { text } => {
                if !printed(field, form) {
                    return;
                }
                let text = fill_placeholders(text, template, form, header);
                let mut cells = Vec::new();
                if !field.label.trim().is_empty() {
                    cells.push(label());
                    cells.push(Cell::text(
                        value_x,
                        value_w,
                        &text,
                        BODY_SIZE,
                        Weight::Regular,
                    ));
                } else {
                    cells.push(Cell::text(
                        MARGIN_X,
                        content_w,
                        &text,
                        BODY_SIZE,
                        Weight::Regular,
                    ));
                }
                self.place_row(cells, None);
            }
            FieldKind::Table { columns, .. } => self.table(template, field, columns, value),
            FieldKind::Choice { options } | FieldKind::MultiChoice { options } => {
                let chosen = |o: &String| match value {
                    Value::Choice(c) => c == o,
                    Value::MultiChoice(list) => list.contains(o),
                    _ => false,
                };
                let units: Vec<String> = options
                    .iter()
                    .map(|o| format!("{} {o}", mark(chosen(o))))
                    .collect();
                self.place_row(vec![label(), choice_cell(value_x, value_w, &units)], None);
            }
            FieldKind::YesNo => {
                let units = [
                    format!("Sí {}", mark(value == &Value::YesNo(true))),
                    format!("No {}", mark(value == &Value::YesNo(false))),
                ];
                self.place_row(vec![label(), choice_cell(value_x, value_w, &units)], None);
            }
            _ => {
                let text = shown(template, value);
                self.place_row(
                    vec![
                        label(),
                        Cell::text(value_x, value_w, &text, BODY_SIZE, Weight::Regular),
                    ],
                    None,
                );
            }
        }
    }

    fn table(&mut self, template: &Template, field: &Field, columns: &[Column], value: &Value) {
        let total: f32 = columns.iter().map(|c| c.width).sum();
        let content_w = self.size.content_width();
        let mut x = MARGIN_X;
        let geometry: Vec<(f32, f32)> = columns
            .iter()
            .map(|c| {
                let w = content_w * c.width / total;
                let g = (x, w);
                x += w;
                g
            })
            .collect();
        let size = table_font_size(columns, &geometry);
        let header: Vec<Cell> = columns
            .iter()
            .zip(&geometry)
            .map(|(c, (x, w))| {
                Cell::text(*x, *w, &c.label, size, Weight::Bold).filled(FILL_TABLE_HEADER)
            })
            .collect();
        let header_height = header.iter().map(cell_height).fold(0.0, f32::max);
        let mut repeat = vec![header.clone()];
        let mut needed = header_height + size * LINE + 2.0 * PAD;
        if !field.label.trim().is_empty() {
            let caption = Cell::text(MARGIN_X, content_w, &field.label, BODY_SIZE, Weight::Bold)
                .filled(FILL_LABEL);
            let continued = Cell::text(
                MARGIN_X,
                content_w,
                &format!("{} (continuación)", field.label),
                BODY_SIZE,
                Weight::Bold,
            )
            .filled(FILL_LABEL);
            needed += cell_height(&caption);
            self.ensure(needed);
            self.place_row(vec![caption], None);
            repeat.insert(0, vec![continued]);
        } else {
            self.ensure(needed);
        }
        self.place_row(header, None);
        let rows: &[crate::form::Row] = match value {
            Value::Table(rows) => rows,
            _ => &[],
        };
        if rows.is_empty() {
            let cells = geometry
                .iter()
                .map(|(x, w)| Cell::text(*x, *w, "", size, Weight::Regular))
                .collect();
            self.place_row(cells, Some(&repeat));
        }
        for row in rows {
            let cells = columns
                .iter()
                .zip(&geometry)
                .map(|(c, (x, w))| {
                    let v = row.get(&c.id).unwrap_or(&Value::Empty);
                    let text = match (&c.kind, v) {
                        (FieldKind::YesNo, Value::YesNo(b)) => {
                            if *b { "Sí" } else { "No" }.to_string()
                        }
                        _ => shown(template, v),
                    };
                    Cell::text(*x, *w, &text, size, Weight::Regular)
                })
                .collect();
            self.place_row(cells, Some(&repeat));
        }
    }

    /// Places one row of cells at the cursor. A row taller than the space left
    /// is split between lines; when a page break happens, `repeat` rows (a
    /// table's caption and header) are placed first on the new page.
    fn place_row(&mut self, mut cells: Vec<Cell>, repeat: Option<&[Vec<Cell>]>) {
        loop {
            let height = cells.iter().map(cell_height).fold(0.0, f32::max);
            if height <= self.available() {
                self.draw_cells(&cells, height);
                return;
            }
            let line_height = cells.iter().map(Cell::line_height).fold(0.0, f32::max);
            let fit = ((self.available() - 2.0 * PAD) / line_height)
                .floor()
                .max(0.0) as usize;
            let longest = cells.iter().map(|c| c.lines.len()).max().unwrap_or(0);
            // Only a row taller than a quarter page is split; shorter rows move whole.
            if fit >= 2 && longest > fit && height > (self.top - MARGIN_BOTTOM) / 4.0 {
                let rest: Vec<Cell> = cells
                    .iter_mut()
                    .map(|c| {
                        let tail = if c.lines.len() > fit {
                            c.lines.split_off(fit)
                        } else {
                            Vec::new()
                        };
                        Cell {
                            lines: tail,
                            ..c.clone()
                        }
                    })
                    .collect();
                let height = cells.iter().map(cell_height).fold(0.0, f32::max);
                self.draw_cells(&cells, height);
                cells = rest;
            } else if self.y >= self.top {
                // Taller than an empty page and not splittable: draw and overflow is impossible
                // because a page holds far more than two lines; keep the loop finite anyway.
                self.draw_cells(&cells, height);
                return;
            }
            self.new_page();
            for row in repeat.unwrap_or_default() {
                self.place_row(row.clone(), None);
            }
        }
    }

    fn draw_cells(&mut self, cells: &[Cell], height: f32) {
        let top = self.y;
        let page = self.page();
        for cell in cells {
            if let Some(gray) = cell.fill {
                page.draws.push(Draw::Fill {
                    x: cell.x,
                    y: top - height,
                    w: cell.w,
                    h: height,
                    gray,
                });
            }
            page.draws.push(Draw::Stroke {
                x: cell.x,
                y: top - height,
                w: cell.w,
                h: height,
            });
            for (i, line) in cell.lines.iter().enumerate() {
                if line.is_empty() {
                    continue;
                }
                let baseline = top - PAD - cell.size * 0.93 - i as f32 * cell.line_height();
                page.draws.push(Draw::Text {
                    x: cell.x + PAD,
                    y: baseline,
                    size: cell.size,
                    weight: cell.weight,
                    text: line.clone(),
                });
            }
        }
        self.y -= height;
    }

    /// Signature blocks side by side (up to three a row, two when there are
    /// four), each kept whole on one page.
    fn signature_blocks(&mut self, template: &Template, group: &[&Field], form: &FormData) {
        let per_row = match group.len() {
            4 => 2,
            n => n.clamp(1, 3),
        };
        let slots = per_row.max(2);
        let content_w = self.size.content_width();
        let block_w = content_w / slots as f32;
        self.y -= 6.0;
        for row in group.chunks(per_row) {
            let offset = MARGIN_X + (content_w - block_w * row.len() as f32) / 2.0;
            let blocks: Vec<SignatureBlock> = row
                .iter()
                .enumerate()
                .filter_map(|(i, field)| {
                    let FieldKind::Signer { role } = &field.kind else {
                        return None;
                    };
                    let signer = template.signer(role)?;
                    let data = match form.get(&field.id) {
                        Value::Signer(data) => data.clone(),
                        _ => SignerData::default(),
                    };
                    Some(SignatureBlock::new(
                        role,
                        &field.label,
                        &signer.title,
                        &data,
                        offset + block_w * i as f32,
                        block_w,
                    ))
                })
                .collect();
            let title_lines = blocks.iter().map(|b| b.title.len()).max().unwrap_or(1);
            let detail_lines = blocks.iter().map(|b| b.details.len()).max().unwrap_or(1);
            let height = SignatureBlock::height(title_lines, detail_lines);
            self.ensure(height);
            let page = self.pages.len() - 1;
            let top = self.y;
            for block in blocks {
                let slot = block.draw(self.page(), top, height, title_lines, page);
                self.slots.push(slot);
            }
            self.y -= height;
        }
    }
}

/// One role's printed signature block.
struct SignatureBlock {
    role: String,
    x: f32,
    w: f32,
    title: Vec<String>,
    details: Vec<String>,
}

const BLOCK_TITLE_SIZE: f32 = 8.0;
const BLOCK_DETAIL_SIZE: f32 = 7.3;

impl SignatureBlock {
    /// `label` (the field's, e.g. «Autorizado por») prints above the role title.
    fn new(
        role: &str,
        label: &str,
        title: &str,
        data: &SignerData,
        x: f32,
        w: f32,
    ) -> SignatureBlock {
        let inner = w - 4.0 * PAD;
        let label = label.trim();
        let heading = if label.is_empty() || label.eq_ignore_ascii_case(title.trim()) {
            title.to_string()
        } else {
            format!("{label}: {title}")
        };
        let title = wrap(&fonts().bold, &heading, BLOCK_TITLE_SIZE, inner);
        let regular: &Face = &fonts().regular;
        let mut details = Vec::new();
        details.extend(wrap(
            regular,
            &format!("Nombre: {}", data.nombre),
            BLOCK_DETAIL_SIZE,
            inner,
        ));
        if !data.cargo.trim().is_empty() {
            details.extend(wrap(
                regular,
                &format!("Cargo: {}", data.cargo),
                BLOCK_DETAIL_SIZE,
                inner,
            ));
        }
        details.extend(wrap(
            regular,
            "Fecha y hora: según la firma digital",
            BLOCK_DETAIL_SIZE,
            inner,
        ));
        SignatureBlock {
            role: role.to_string(),
            x,
            w,
            title,
            details,
        }
    }

    fn height(title_lines: usize, detail_lines: usize) -> f32 {
        2.0 * PAD
            + title_lines as f32 * BLOCK_TITLE_SIZE * LINE
            + 4.0
            + SIGNATURE_AREA_HEIGHT
            + 10.0
            + detail_lines as f32 * BLOCK_DETAIL_SIZE * LINE
            + PAD
    }

    fn draw(
        self,
        page: &mut Page,
        top: f32,
        height: f32,
        title_lines: usize,
        page_index: usize,
    ) -> SignatureSlot {
        let bold = &fonts().bold;
        page.draws.push(Draw::Stroke {
            x: self.x,
            y: top - height,
            w: self.w,
            h: height,
        });
        let mut y = top - PAD;
        for line in &self.title {
            y -= BLOCK_TITLE_SIZE * LINE;
            let x = self.x + (self.w - bold.width(line, BLOCK_TITLE_SIZE)) / 2.0;
            page.draws.push(Draw::Text {
                x,
                y: y + 2.0,
                size: BLOCK_TITLE_SIZE,
                weight: Weight::Bold,
                text: line.clone(),
            });
        }
        y = top - PAD - title_lines as f32 * BLOCK_TITLE_SIZE * LINE - 4.0;
        let area_x = self.x + 2.0 * PAD;
        let area_w = self.w - 4.0 * PAD;
        let area_bottom = y - SIGNATURE_AREA_HEIGHT;
        page.draws.push(Draw::Fill {
            x: area_x,
            y: area_bottom,
            w: area_w,
            h: SIGNATURE_AREA_HEIGHT,
            gray: FILL_SIGNATURE_AREA,
        });
        page.draws.push(Draw::Fill {
            x: area_x,
            y: area_bottom,
            w: area_w,
            h: 0.6,
            gray: 0.0,
        });
        let caption = "Firma digital";
        let regular = &fonts().regular;
        let caption_x = self.x + (self.w - regular.width(caption, 6.5)) / 2.0;
        page.draws.push(Draw::Text {
            x: caption_x,
            y: area_bottom - 7.5,
            size: 6.5,
            weight: Weight::Regular,
            text: caption.into(),
        });
        let mut y = area_bottom - 10.0;
        for line in &self.details {
            y -= BLOCK_DETAIL_SIZE * LINE;
            page.draws.push(Draw::Text {
                x: area_x,
                y: y + 1.5,
                size: BLOCK_DETAIL_SIZE,
                weight: Weight::Regular,
                text: line.clone(),
            });
        }
        SignatureSlot {
            role: self.role,
            page: page_index,
            rect: [
                area_x,
                area_bottom,
                area_x + area_w,
                area_bottom + SIGNATURE_AREA_HEIGHT,
            ],
            block: [self.x, top - height, self.x + self.w, top],
        }
    }
}

fn block_height_estimate(signers: usize) -> f32 {
    let _ = signers;
    SignatureBlock::height(2, 3)
}

/// The table font: 7.8 pt, smaller (down to 5.5 pt) when a narrow column
/// could not hold the longest word of its heading.
fn table_font_size(columns: &[Column], geometry: &[(f32, f32)]) -> f32 {
    let bold = &fonts().bold;
    columns
        .iter()
        .zip(geometry)
        .fold(TABLE_SIZE, |size, (column, (_, w))| {
            let widest = column
                .label
                .split_whitespace()
                .map(|word| bold.width(word, 1.0))
                .fold(0.0, f32::max);
            if widest > 0.0 {
                size.min((w - 2.0 * PAD) / widest)
            } else {
                size
            }
        })
        .max(MIN_TABLE_SIZE)
}

const MIN_TABLE_SIZE: f32 = 5.5;

fn cell_height(cell: &Cell) -> f32 {
    cell.lines.len().max(1) as f32 * cell.line_height() + 2.0 * PAD
}

fn mark(chosen: bool) -> &'static str {
    if chosen {
        "( X )"
    } else {
        "(   )"
    }
}

fn choice_cell(x: f32, w: f32, units: &[String]) -> Cell {
    let units: Vec<&str> = units.iter().map(String::as_str).collect();
    let lines = wrap_units(&fonts().regular, &units, "    ", BODY_SIZE, w - 2.0 * PAD);
    Cell {
        x,
        w,
        lines,
        size: BODY_SIZE,
        weight: Weight::Regular,
        fill: None,
    }
}

/// Whether a field prints: a static text with `when` only while it holds.
pub(crate) fn printed(field: &Field, form: &FormData) -> bool {
    field
        .when
        .as_ref()
        .is_none_or(|w| condition::holds(w, |id| form.get(id)))
}

/// A value as this template prints it: secrets masked, unless the template
/// is the restricted copy.
pub(crate) fn shown(template: &Template, value: &Value) -> String {
    if template.restricted_copy {
        value.reveal()
    } else {
        value.display()
    }
}

/// Replaces `{field}`, `{numero}`, `{entidad}`, `{oficina}` in a static text.
pub(crate) fn fill_placeholders(
    text: &str,
    template: &Template,
    form: &FormData,
    header: &HeaderInfo,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = after[..end].trim();
                let value = match name {
                    "numero" => header.number.unwrap_or("(sin numerar)").to_string(),
                    "entidad" => template.entity.clone(),
                    "oficina" => template.office.clone(),
                    field => shown(template, form.get(field)),
                };
                out.push_str(&value);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The header printed on every page.
struct HeaderBlock {
    size: PageSize,
    left: Vec<(String, Weight)>,
    title: Vec<String>,
    right: Vec<String>,
    height: f32,
}

const HEADER_SIZE: f32 = 7.2;
const HEADER_TITLE_SIZE: f32 = 10.5;
const HEADER_LEFT_WIDTH: f32 = 150.0;
const HEADER_RIGHT_WIDTH: f32 = 125.0;

impl HeaderBlock {
    fn new(template: &Template, info: &HeaderInfo, size: PageSize) -> HeaderBlock {
        let f = fonts();
        let inner_left = HEADER_LEFT_WIDTH - 2.0 * PAD;
        let mut left: Vec<(String, Weight)> =
            wrap(&f.bold, &template.entity, HEADER_SIZE, inner_left)
                .into_iter()
                .map(|l| (l, Weight::Bold))
                .collect();
        left.extend(
            wrap(&f.regular, &template.office, HEADER_SIZE, inner_left)
                .into_iter()
                .map(|l| (l, Weight::Regular)),
        );
        let title_w = size.content_width() - HEADER_LEFT_WIDTH - HEADER_RIGHT_WIDTH - 2.0 * PAD;
        let title = wrap(
            &f.bold,
            &template.title.to_uppercase(),
            HEADER_TITLE_SIZE,
            title_w,
        );
        let inner_right = HEADER_RIGHT_WIDTH - 2.0 * PAD;
        let mut right = Vec::new();
        for text in [
            format!("Código: {}", template.form_code),
            format!("Versión formato: {}", template.format_version),
            format!("N°: {}", info.number.unwrap_or("(sin numerar)")),
        ] {
            right.extend(wrap(&f.regular, &text, HEADER_SIZE, inner_right));
        }
        if template.restricted_copy {
            right.extend(wrap(
                &f.bold,
                "COPIA RESTRINGIDA: contiene secretos",
                HEADER_SIZE,
                inner_right,
            ));
        }
        right.push(String::new()); // «Página X de Y», filled per page
        let left_h = left.len() as f32 * HEADER_SIZE * LINE;
        let title_h = title.len() as f32 * HEADER_TITLE_SIZE * LINE;
        let right_h = right.len() as f32 * HEADER_SIZE * LINE;
        let height = left_h.max(title_h).max(right_h) + 2.0 * PAD + 4.0;
        HeaderBlock {
            size,
            left,
            title,
            right,
            height,
        }
    }

    fn draw(&self, page: &mut Page, number: usize, total: usize) {
        let top = self.size.height - MARGIN_TOP;
        let bottom = top - self.height;
        let title_x = MARGIN_X + HEADER_LEFT_WIDTH;
        let title_w = self.size.content_width() - HEADER_LEFT_WIDTH - HEADER_RIGHT_WIDTH;
        let right_x = title_x + title_w;
        let mut draws = vec![
            Draw::Stroke {
                x: MARGIN_X,
                y: bottom,
                w: HEADER_LEFT_WIDTH,
                h: self.height,
            },
            Draw::Stroke {
                x: title_x,
                y: bottom,
                w: title_w,
                h: self.height,
            },
            Draw::Stroke {
                x: right_x,
                y: bottom,
                w: HEADER_RIGHT_WIDTH,
                h: self.height,
            },
        ];
        let line = HEADER_SIZE * LINE;
        let left_top = top - (self.height - self.left.len() as f32 * line) / 2.0;
        for (i, (text, weight)) in self.left.iter().enumerate() {
            draws.push(Draw::Text {
                x: MARGIN_X + PAD,
                y: left_top - (i as f32 + 0.8) * line,
                size: HEADER_SIZE,
                weight: *weight,
                text: text.clone(),
            });
        }
        let title_line = HEADER_TITLE_SIZE * LINE;
        let title_top = top - (self.height - self.title.len() as f32 * title_line) / 2.0;
        let bold = &fonts().bold;
        for (i, text) in self.title.iter().enumerate() {
            let x = title_x + (title_w - bold.width(text, HEADER_TITLE_SIZE)) / 2.0;
            draws.push(Draw::Text {
                x,
                y: title_top - (i as f32 + 0.8) * title_line,
                size: HEADER_TITLE_SIZE,
                weight: Weight::Bold,
                text: text.clone(),
            });
        }
        let right_top = top - (self.height - self.right.len() as f32 * line) / 2.0;
        let last = self.right.len() - 1;
        for (i, text) in self.right.iter().enumerate() {
            let text = if i == last {
                format!("Página {number} de {total}")
            } else {
                text.clone()
            };
            draws.push(Draw::Text {
                x: right_x + PAD,
                y: right_top - (i as f32 + 0.8) * line,
                size: HEADER_SIZE,
                weight: Weight::Regular,
                text,
            });
        }
        draws.append(&mut page.draws);
        page.draws = draws;
    }
}
