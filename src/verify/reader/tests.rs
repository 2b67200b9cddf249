//! The reader against hand-written files: each structural trick a forger
//! could use is a problem, and honest files read as the revisions they are.

use super::*;
use lopdf::dictionary;

/// A revision under construction: objects written in order, then a table.
struct Writer {
    bytes: Vec<u8>,
    prev: Option<usize>,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            bytes: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            prev: None,
        }
    }

    /// Appends objects and a table section (entries from the actual
    /// offsets, unless `lie` changes one) and `startxref … %%EOF`.
    fn revision(
        &mut self,
        objects: &[(u32, &str)],
        trailer_extra: &str,
        lie: Option<(u32, usize)>,
    ) {
        let mut entries = Vec::new();
        for (n, body) in objects {
            let offset = self.bytes.len();
            self.bytes
                .extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
            entries.push((*n, offset));
        }
        if let Some((n, offset)) = lie {
            for e in entries.iter_mut().filter(|e| e.0 == n) {
                e.1 = offset;
            }
        }
        let xref = self.bytes.len();
        let mut text = String::from("xref\n0 1\n0000000000 65535 f \n");
        for (n, offset) in &entries {
            text.push_str(&format!("{n} 1\n{offset:010} 00000 n \n"));
        }
        let size = entries.iter().map(|e| e.0).max().unwrap_or(0) + 1;
        let prev = self.prev.map(|p| format!(" /Prev {p}")).unwrap_or_default();
        text.push_str(&format!(
            "trailer\n<< /Size {size} /Root 1 0 R{prev}{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n"
        ));
        self.bytes.extend_from_slice(text.as_bytes());
        self.prev = Some(xref);
    }
}

/// `haystack` with the first `from` replaced by `to`.
fn replace(haystack: &[u8], from: &str, to: &str) -> Vec<u8> {
    let at = super::find(haystack, from.as_bytes()).expect("text to replace");
    let mut out = haystack[..at].to_vec();
    out.extend_from_slice(to.as_bytes());
    out.extend_from_slice(&haystack[at + from.len()..]);
    out
}

fn base() -> Writer {
    let mut w = Writer::new();
    w.revision(
        &[
            (1, "<< /Type /Catalog /Pages 2 0 R >>"),
            (2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            (
                3,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R >>",
            ),
            (4, "<< /Length 8 >>\nstream\nBT ET q \nendstream"),
        ],
        "",
        None,
    );
    w
}

#[test]
fn reads_revisions_and_views() {
    let mut w = base();
    w.revision(&[(4, "<< /Length 3 >>\nstream\nq Q\nendstream")], "", None);
    let file = PdfFile::parse(&w.bytes).unwrap();
    assert!(file.problems().is_empty(), "{:?}", file.problems());
    assert_eq!(file.revisions().len(), 2);
    let (r1, r2) = (&file.revisions()[0], &file.revisions()[1]);
    assert_eq!(r1.start, 0);
    assert_eq!(r2.start, r1.end);
    assert_eq!(&w.bytes[r1.eof - 5..r1.eof], b"%%EOF");
    assert_eq!(r2.end, w.bytes.len());
    assert!(r2.declares(4) && !r2.declares(3));
    let content = |v: View| match v.get((4, 0)) {
        Some(Object::Stream(s)) => s.content.clone(),
        _ => panic!(),
    };
    assert_eq!(content(file.view(1)), b"BT ET q ");
    assert_eq!(content(file.last()), b"q Q");
    assert_ne!(file.view(1).location((4, 0)), file.last().location((4, 0)));
    assert_eq!(file.view(1).location((3, 0)), file.last().location((3, 0)));
    assert_eq!(file.last().pages(), vec![(3, 0)]);
    assert!(file.last().get((3, 1)).is_none(), "another generation");
    assert_eq!(file.revision_ending_at(r1.eof).unwrap().number, 1);
    assert_eq!(file.revision_ending_at(r1.end).unwrap().number, 1);
    assert!(file.revision_ending_at(r1.eof - 1).is_none());
}

#[test]
fn an_entry_that_points_at_another_object_is_a_problem() {
    let mut w = base();
    let offset_of_3 = super::find(&w.bytes, b"3 0 obj").unwrap();
    w.revision(
        &[(4, "<< /Length 3 >>\nstream\nq Q\nendstream")],
        "",
        Some((4, offset_of_3)),
    );
    let file = PdfFile::parse(&w.bytes).unwrap();
    let problems = file.problems().join(" | ");
    assert!(problems.contains("objeto 4"), "{problems}");
    assert!(
        file.last().get((4, 0)).is_none(),
        "read as null, not guessed"
    );
}

#[test]
fn an_entry_into_the_same_revision_but_the_wrong_object_is_a_problem() {
    let mut w = base();
    let start = w.bytes.len();
    w.revision(
        &[
            (4, "<< /Length 3 >>\nstream\nq Q\nendstream"),
            (5, "(otro)"),
        ],
        "",
        None,
    );
    // point 4's entry at object 5's bytes, keeping the table's width
    let five = start + super::find(&w.bytes[start..], b"5 0 obj").unwrap();
    let four = start + super::find(&w.bytes[start..], b"4 0 obj").unwrap();
    let patched = replace(
        &w.bytes,
        &format!("{four:010} 00000 n"),
        &format!("{five:010} 00000 n"),
    );
    let file = PdfFile::parse(&patched).unwrap();
    let problems = file.problems().join(" | ");
    assert!(
        problems.contains("allí está el objeto 5 0, no el 4 0"),
        "{problems}"
    );
}

#[test]
fn prev_loops_and_forward_jumps_are_problems() {
    let mut w = base();
    w.revision(&[(4, "<< /Length 3 >>\nstream\nq Q\nendstream")], "", None);
    let last_xref = w.prev.unwrap();
    // the last section's /Prev points at itself
    let first_xref = super::find(&w.bytes, b"xref").unwrap();
    assert_eq!(first_xref.to_string().len(), last_xref.to_string().len());
    let looped = replace(
        &w.bytes,
        &format!("/Prev {first_xref}"),
        &format!("/Prev {last_xref}"),
    );
    // The chain stops at the loop: the first revision is never reached, so
    // there is no catalog to read — an error naming the loop.
    let err = PdfFile::parse(&looped).err().expect("unreadable");
    assert!(err.to_string().contains("no retrocede"), "{err}");
}

#[test]
fn a_hybrid_update_is_a_problem() {
    let mut w = base();
    w.revision(
        &[(4, "<< /Length 3 >>\nstream\nq Q\nendstream")],
        " /XRefStm 9",
        None,
    );
    let file = PdfFile::parse(&w.bytes).unwrap();
    assert!(
        file.problems().iter().any(|p| p.contains("híbrida")),
        "{:?}",
        file.problems()
    );
}

#[test]
fn stray_bytes_in_an_update_and_after_the_end_are_problems() {
    let mut w = base();
    w.bytes.extend_from_slice(b"9 0 obj (escondido) endobj\n");
    w.revision(&[(4, "<< /Length 3 >>\nstream\nq Q\nendstream")], "", None);
    let file = PdfFile::parse(&w.bytes).unwrap();
    assert!(
        file.problems().iter().any(|p| p.contains("ninguna tabla")),
        "{:?}",
        file.problems()
    );

    let mut w = base();
    w.bytes.extend_from_slice(b"% un comentario\n\n");
    w.revision(&[(4, "<< /Length 3 >>\nstream\nq Q\nendstream")], "", None);
    let file = PdfFile::parse(&w.bytes).unwrap();
    assert!(
        file.problems().is_empty(),
        "comments are fine: {:?}",
        file.problems()
    );

    let mut w = base();
    w.bytes.extend_from_slice(b"basura");
    let file = PdfFile::parse(&w.bytes).unwrap();
    assert!(
        file.problems()
            .iter()
            .any(|p| p.contains("después del último %%EOF")),
        "{:?}",
        file.problems()
    );
}

#[test]
fn an_update_that_points_into_earlier_bytes_is_a_problem() {
    let mut w = base();
    let offset_of_4 = super::find(&w.bytes, b"4 0 obj").unwrap();
    w.revision(&[(5, "(nada)")], "", None);
    // declare object 4 again, at its old place
    let last = *w.prev.as_ref().unwrap();
    let mut patched = w.bytes[..last].to_vec();
    patched.extend_from_slice(&replace(
        &w.bytes[last..],
        "5 1\n",
        &format!("4 2\n{offset_of_4:010} 00000 n \n"),
    ));
    let file = PdfFile::parse(&patched).unwrap();
    assert!(
        file.problems()
            .iter()
            .any(|p| p.contains("fuera de los bytes")),
        "{:?}",
        file.problems()
    );
}

#[test]
fn unreadable_structure_is_an_error() {
    assert_eq!(PdfFile::parse(b"hola").err(), Some(ReadError::NotPdf));
    assert!(matches!(
        PdfFile::parse(b"%PDF-1.7\n1 0 obj 1 endobj\n").err(),
        Some(ReadError::Truncated(_))
    ));
    assert!(matches!(
        PdfFile::parse(b"%PDF-1.7\nstartxref\n999999\n%%EOF\n").err(),
        Some(ReadError::Malformed(_))
    ));
    let mut w = base();
    w.revision(&[(5, "(x)")], " /Encrypt 5 0 R", None);
    assert_eq!(PdfFile::parse(&w.bytes).err(), Some(ReadError::Encrypted));
}

#[test]
fn object_and_xref_streams_are_read() {
    // A file written by lopdf with object streams and a cross-reference stream.
    let mut doc = lopdf::Document::with_version("1.7");
    let pages = doc.new_object_id();
    let content = doc.add_object(Stream::new(Dictionary::new(), b"q Q".to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .build();
    doc.save_with_options(&mut bytes, options).unwrap();
    let file = PdfFile::parse(&bytes).unwrap();
    assert!(file.problems().is_empty(), "{:?}", file.problems());
    assert!(file.revisions()[0].xref_stream);
    assert_eq!(file.last().pages(), vec![page]);
    assert!(file.last().root().is_some());
}
