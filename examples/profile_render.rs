use std::time::Instant;
fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cat = actas::template::load_catalogue(&root.join("templates")).unwrap();
    let t = cat.get("senace-acta-instalacion").unwrap();
    let data: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("templates/examples/senace-acta-instalacion.json")).unwrap(),
    )
    .unwrap();
    let now = actas::clock::Clock::parse("2026-03-15T10:00:00-05:00")
        .unwrap()
        .now();
    let form = actas::form::validate(t, &data, &Default::default()).unwrap();
    let opts = actas::render::RenderOptions {
        number: Some("2026-001".into()),
        now,
    };
    let _ = actas::render::render_pdf(t, &form, &opts).unwrap();
    let mut best = std::time::Duration::MAX;
    for _ in 0..20 {
        let s = Instant::now();
        for _ in 0..20 {
            let _ = actas::render::render_pdf(t, &form, &opts).unwrap();
        }
        best = best.min(s.elapsed() / 20);
    }
    println!("render best-of-20 {:?}", best);
}
