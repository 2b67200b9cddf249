//! Renders every template's example (validation + layout + PDF + signature
//! fields), as `actas render` does minus file I/O. Issue goal: the 3-page acta
//! de instalación under 5 ms, every form under 10 ms (release build).

use std::path::Path;

use actas::clock::Clock;
use actas::form::{validate, ValidationContext};
use actas::render::{render_pdf, RenderOptions};
use actas::template::load_catalogue;
use criterion::{criterion_group, criterion_main, Criterion};

fn render_examples(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalogue = load_catalogue(&root.join("templates")).expect("templates load");
    let now = Clock::parse("2026-03-15T10:00:00-05:00")
        .expect("fixed clock")
        .now();
    let mut group = c.benchmark_group("render");
    for template in &catalogue.templates {
        let path = root
            .join("templates/examples")
            .join(format!("{}.json", template.id));
        let data: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).expect("example exists"))
                .expect("example is JSON");
        let options = RenderOptions {
            number: Some("2026-001".into()),
            now,
        };
        group.bench_function(&template.id, |b| {
            b.iter(|| {
                let form = validate(template, &data, &ValidationContext::default())
                    .expect("example validates");
                render_pdf(template, &form, &options).expect("renders")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, render_examples);
criterion_main!(benches);
