//! Integration tests of the `actas` CLI (DESIGN §4): the real binary on real
//! files and a real SQLite database, one temporary folder per test.

#[allow(dead_code)] // helpers shared with the other test crates
mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{example, finish, line_of, Sandbox};
use serde_json::Value as Json;

/// The catalogue's ids (DESIGN §2, contract: both parts).
const CATALOGUE: [&str; 30] = [
    "mef-anexo-11-1",
    "senace-plan-pruebas",
    "senace-informe-pruebas",
    "senace-acta-instalacion",
    "senace-acta-aceptacion",
    "senace-despliegue",
    "senace-ficha-mantenimientos",
    "senace-acta-mantenimiento",
    "senace-matriz-respaldo",
    "senace-bitacora-respaldo",
    "senace-inventario-cintas",
    "senace-recuperacion-respaldo",
    "senace-bitacora-restauracion",
    "agetic-solicitud-puesta-produccion",
    "agetic-observaciones",
    "agetic-informe-conclusion",
    "agetic-nota-interna",
    "sig-solicitud-publicacion",
    "sig-confirmacion-publicacion",
    "sig-servicio-no-conforme",
    "mef-aviso-distribucion",
    "mef-atencion-soporte",
    "mef-oficio-soporte",
    "mef-estadisticas-soporte",
    "senace-requerimiento-desarrollo",
    "senace-solicitud-control-validacion",
    "senace-solicitud-instalacion",
    "senace-control-acceso",
    "senace-seguimiento-cuentas-correo",
    "senace-checklist-servicios-ti",
];

const MEF: &str = "mef-anexo-11-1";
const INSTALACION: &str = "senace-acta-instalacion";

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// What a database holds, as the CLI shows it: the documents and the audit chain.
fn db_state(sb: &Sandbox) -> (String, String) {
    let list = sb.run(&["list", "--json"]);
    list.assert_ok();
    let audit = sb.run(&["audit", "verify"]);
    audit.assert_ok();
    (list.stdout, audit.stdout)
}

/// No temporary file left behind by an atomic write in `sub` of the sandbox.
fn assert_no_tmp(sb: &Sandbox, sub: &str) {
    let leftovers: Vec<String> = sb
        .entries(sub)
        .into_iter()
        .filter(|n| n.ends_with(".tmp") || n.starts_with(".actas-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left in {sub:?}: {leftovers:?}"
    );
}

/// The MEF example with the given top-level keys replaced (or added).
fn mef_data_with(changes: &[(&str, Json)]) -> Json {
    let text = std::fs::read_to_string(example(MEF)).unwrap();
    let mut data: Json = serde_json::from_str(&text).unwrap();
    for (key, value) in changes {
        data[*key] = value.clone();
    }
    data
}

/// The newest stored PDF of document `number` of `template`, read straight from SQLite.
/// The `role` of every entry of `entry[key]`, in order.
fn roles_of<'a>(entry: &'a Json, key: &str) -> Vec<&'a str> {
    entry[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {entry}"))
        .iter()
        .map(|x| x["role"].as_str().unwrap())
        .collect()
}

fn stored_pdf(db: &Path, template: &str, number: &str) -> Vec<u8> {
    let store = actas::store::Store::open(db).unwrap();
    let doc = store
        .list_documents()
        .unwrap()
        .into_iter()
        .find(|d| d.template_id == template && d.number == number)
        .expect("stored document");
    store
        .latest_revision(&format!("{}/{}", doc.series, doc.number))
        .unwrap()
        .pdf
}

// ---------------------------------------------------------------- 1. templates

/// §4 `actas templates [--json]`; §2 the catalogue ids and their signers.
#[test]
fn templates_lists_the_whole_catalogue_in_text_and_json() {
    let sb = Sandbox::new();
    let text = sb.run(&["templates"]);
    text.assert_ok();
    for id in CATALOGUE {
        assert!(
            text.stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(id)),
            "`templates` does not list {id}:\n{}",
            text.stdout
        );
    }

    let json = sb.run(&["templates", "--json"]);
    json.assert_ok();
    let list = json.json();
    let list = list.as_array().expect("templates --json is an array");
    let ids: BTreeSet<&str> = list
        .iter()
        .map(|t| t["id"].as_str().expect("id is a string"))
        .collect();
    // The 30 forms of the catalogue are all there (other forms may follow them).
    let catalogue: BTreeSet<&str> = CATALOGUE.iter().copied().collect();
    assert!(
        ids.is_superset(&catalogue),
        "missing: {:?}",
        catalogue.difference(&ids).collect::<Vec<_>>()
    );
    assert_eq!(list.len(), ids.len(), "an id is listed twice");
    for t in list {
        let signers = t["signers"]
            .as_array()
            .unwrap_or_else(|| panic!("{} has no signers array", t["id"]));
        // Every form is signed, except an e-mail (it is sent, not signed).
        assert_eq!(
            signers.is_empty(),
            t["email"] == true,
            "{}: signers and e-mail",
            t["id"]
        );
        for signer in signers {
            assert!(
                signer["role"].as_str().is_some_and(|r| !r.is_empty()),
                "{}: signer without role",
                t["id"]
            );
            assert!(
                signer["title"].as_str().is_some_and(|r| !r.is_empty()),
                "{}: signer without title",
                t["id"]
            );
        }
        assert!(t["title"].as_str().is_some_and(|x| !x.is_empty()));
    }
    let mef = list.iter().find(|t| t["id"] == MEF).unwrap();
    let roles = roles_of(mef, "signers");
    assert_eq!(
        roles,
        [
            "coord-arquitectura",
            "coord-calidad",
            "coord-computo",
            "operador-turno"
        ],
        "MEF signing order (the operador de turno's V°B° last, 000 line 65)"
    );
    assert_eq!(
        mef["signers"][3]["after"],
        serde_json::json!(["coord-computo"])
    );
    assert_eq!(
        mef["signers"][2]["after"],
        serde_json::json!(["coord-calidad"])
    );
}

// ---------------------------------------------------------------- 2. bad input

/// §4: unknown template → non-zero, one `actas: ` line listing the known ids; nothing written.
#[test]
fn unknown_template_is_refused_listing_the_known_ids() {
    let sb = Sandbox::new();
    sb.new_from_example(MEF);
    let before = db_state(&sb);
    let data = example(MEF);

    let run = sb.run(&["new", "acta-inexistente", "--data", s(&data)]);
    let line = run.assert_fails();
    assert_eq!(run.code(), Some(2));
    assert!(
        line.contains("plantilla desconocida «acta-inexistente»"),
        "{line}"
    );
    for id in CATALOGUE {
        assert!(line.contains(id), "the message does not list {id}: {line}");
    }
    assert_eq!(
        db_state(&sb),
        before,
        "a refused `new` changed the database"
    );

    let out = sb.path("out.pdf");
    let run = sb.run(&[
        "render",
        "acta-inexistente",
        "--data",
        s(&data),
        "-o",
        s(&out),
    ]);
    run.assert_fails();
    assert!(!out.exists());
    assert_no_tmp(&sb, "");
}

/// §4 + `read_data_file`: a JSON syntax error names `path:LINE:COL`.
#[test]
fn malformed_json_data_names_file_line_and_column() {
    let sb = Sandbox::new();
    sb.new_from_example(MEF);
    let before = db_state(&sb);
    let bad = sb.path("datos.json");
    // Line 3 lacks the comma before "sistema": the error is at column 15.
    std::fs::write(
        &bad,
        "{\n  \"version\": \"1\",\n  \"ambito\": 2 \"sistema\": \"x\"\n}\n",
    )
    .unwrap();

    let run = sb.run(&["new", MEF, "--data", s(&bad)]);
    let line = run.assert_fails();
    assert_eq!(run.code(), Some(2));
    assert!(
        line.starts_with(&format!("actas: {}:3:", bad.display())),
        "{line}"
    );
    assert!(
        line.contains(&format!("{}:3:15:", bad.display())),
        "wrong column: {line}"
    );
    assert!(line.contains("JSON inválido"), "{line}");
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "more than one line: {}",
        run.stderr
    );
    assert_eq!(db_state(&sb), before);

    let out = sb.path("out.pdf");
    let run = sb.run(&["render", MEF, "--data", s(&bad), "-o", s(&out)]);
    assert!(run.assert_fails().contains(":3:15:"));
    assert!(!out.exists());
}

/// §2 procedure rules + §4: every validation problem is listed with its field
/// path, exit 2, and a refused `new` consumes no correlative (never skipped).
fn invalid_data_lists_every_problem_and_consumes_no_number(sb: Sandbox) {
    let data = mef_data_with(&[
        ("fecha_solicitud", "2026-03-05T10:30".into()),
        ("fecha_ejecucion", "2026-03-07T18:00".into()),
        ("ambito", "Regional".into()),
        ("campo_inventado", "x".into()),
    ]);
    let path = sb.path("mef-invalido.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&data).unwrap()).unwrap();

    let run = sb.run(&["new", MEF, "--data", s(&path)]);
    let first = run.assert_fails();
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    // One line (DESIGN §4): «los datos tienen N problemas: a: …; b: …».
    assert_eq!(run.stderr.trim_end().lines().count(), 1, "{}", run.stderr);
    let (count, listed) = first
        .strip_prefix("actas: mef-anexo-11-1: los datos tienen ")
        .and_then(|rest| rest.split_once(" problemas: "))
        .unwrap_or_else(|| panic!("{first}"));
    let count: usize = count.parse().unwrap();
    let problems: Vec<&str> = listed.split("; ").collect();
    assert_eq!(
        count,
        problems.len(),
        "summary count vs listed problems:\n{}",
        run.stderr
    );
    let has = |path: &str, words: &[&str]| {
        problems
            .iter()
            .any(|p| p.starts_with(&format!("{path}: ")) && words.iter().all(|w| p.contains(w)))
    };
    assert!(
        has("campo_inventado", &["campo desconocido"]),
        "{}",
        run.stderr
    );
    assert!(
        has("ambito", &["\"Regional\"", "Nacional | Internacional"]),
        "{}",
        run.stderr
    );
    assert!(
        has("fecha_ejecucion", &["regla MEF 6.4", "7 días", "2 días"]),
        "{}",
        run.stderr
    );
    assert!(
        has("fecha_ejecucion", &["regla MEF 6.4", "20:00", "18:00"]),
        "{}",
        run.stderr
    );

    // Rendering the same data is refused the same way and writes nothing.
    let out = sb.path("out.pdf");
    let render = sb.run(&["render", MEF, "--data", s(&path), "-o", s(&out)]);
    render.assert_fails();
    assert_eq!(render.code(), Some(2));
    assert_eq!(render.stderr, run.stderr);
    assert!(!out.exists());

    // No number was consumed: the next valid document is the first of the year.
    assert_eq!(sb.new_from_example(MEF), "2026-001");
    let audit = sb.run(&["audit", "verify"]);
    audit.assert_ok();
    assert!(audit.stdout.contains(": 1 filas"), "{}", audit.stdout);
}

/// §3 atomic writes + §4: an output in a missing folder or onto a folder is
/// refused with «no se puede escribir …»; nothing is created, no `.tmp` left.
#[test]
fn unwritable_output_is_refused_without_leftovers() {
    let sb = Sandbox::new();
    let reference = sb.new_from_example(MEF);
    let data = example(MEF);
    std::fs::create_dir(sb.path("salida")).unwrap();
    let before = sb.entries("");

    let missing = sb.path("no-existe").join("acta.pdf");
    let folder = sb.path("salida");
    for out in [&missing, &folder] {
        for args in [
            vec!["render", MEF, "--data", s(&data), "-o", s(out)],
            vec!["export", reference.as_str(), "-o", s(out)],
        ] {
            let run = sb.run(&args);
            let line = run.assert_fails();
            assert!(
                line.starts_with(&format!("actas: no se puede escribir {}", out.display())),
                "{args:?}: {line}"
            );
            assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        }
    }
    assert!(
        !sb.path("no-existe").exists(),
        "the missing folder was created"
    );
    assert!(
        sb.entries("salida").is_empty(),
        "something was written into the folder"
    );
    assert_eq!(sb.entries(""), before, "the sandbox changed");
    assert_no_tmp(&sb, "");
    assert_no_tmp(&sb, "salida");
}

/// Store contract: a file that is not an Actas database is refused, untouched.
#[test]
fn garbage_database_is_refused_and_left_untouched() {
    let sb = Sandbox::new();
    // Deterministic pseudo-random bytes (xorshift), not a SQLite header.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let garbage: Vec<u8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(&sb.db, &garbage).unwrap();
    let data = example(MEF);

    for args in [
        vec!["new", MEF, "--data", s(&data)],
        vec!["list"],
        vec!["audit", "verify"],
    ] {
        let run = sb.run(&args);
        let line = run.assert_fails();
        assert!(
            line.contains(&format!(
                "{} no es una base de datos de Actas válida",
                sb.db.display()
            )),
            "{args:?}: {line}"
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
    assert_eq!(
        std::fs::read(&sb.db).unwrap(),
        garbage,
        "the file was modified"
    );
    assert_eq!(sb.entries(""), ["actas.db"], "side files were created");
}

/// Store contract: another application's SQLite file is refused, untouched.
#[test]
fn foreign_sqlite_database_is_refused_and_left_untouched() {
    let sb = Sandbox::new();
    {
        let conn = rusqlite::Connection::open(&sb.db).unwrap();
        conn.execute_batch("CREATE TABLE facturas (id INTEGER PRIMARY KEY, monto REAL); INSERT INTO facturas (monto) VALUES (10.5);").unwrap();
    }
    let bytes = std::fs::read(&sb.db).unwrap();
    let data = example(MEF);
    let run = sb.run(&["new", MEF, "--data", s(&data)]);
    let line = run.assert_fails();
    assert!(
        line.contains("no es una base de datos de Actas válida"),
        "{line}"
    );
    assert!(line.contains("otra aplicación"), "{line}");
    assert_eq!(std::fs::read(&sb.db).unwrap(), bytes);
}

/// Store contract (`BUSY_TIMEOUT`): a writer waits for another process's lock
/// instead of failing, and readers are not blocked meanwhile.
#[test]
fn locked_database_makes_new_wait_for_the_lock() {
    let sb = Sandbox::new();
    assert_eq!(sb.new_from_example(MEF), "2026-001");

    let holder = rusqlite::Connection::open(&sb.db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let started = Instant::now();
    let writer = sb.spawn(&["new", MEF, "--data", s(&example(MEF))]);

    // WAL: a reader goes through while the write lock is held.
    let list = sb.run(&["list", "--json"]);
    list.assert_ok();
    assert_eq!(list.json().as_array().unwrap().len(), 1);

    std::thread::sleep(Duration::from_millis(1000));
    holder.execute_batch("COMMIT").unwrap();
    drop(holder);
    let run = finish(writer);
    let waited = started.elapsed();
    run.assert_ok();
    assert_eq!(run.stdout.trim(), "2026-002");
    assert!(
        waited >= Duration::from_millis(1000),
        "finished in {waited:?}, before the lock was released"
    );
    assert!(waited < Duration::from_secs(20), "took {waited:?}");
}

/// §2 templates: a broken template file is refused with `file.toml:LINE: …`.
/// Copies the MEF template into a fresh folder, applies one edit (`from` →
/// `to` at its first occurrence) and runs `templates`, `render` and `new`.
fn broken_template(from: &str, to: &str) -> (Sandbox, String, String) {
    let mut sb = Sandbox::new();
    let original =
        std::fs::read_to_string(common::templates_dir().join("mef-anexo-11-1.toml")).unwrap();
    assert!(
        original.contains(from),
        "the template no longer contains {from:?}"
    );
    let broken = original.replacen(from, to, 1);
    let folder = sb.path("plantillas");
    std::fs::create_dir(&folder).unwrap();
    let file = folder.join("mef-anexo-11-1.toml");
    std::fs::write(&file, &broken).unwrap();
    sb.templates = folder;

    let run = sb.run(&["templates"]);
    let line = run.assert_fails();
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    let prefix = format!("actas: {}:", file.display());
    assert!(line.starts_with(&prefix), "{line}");

    let out = sb.path("out.pdf");
    let render = sb.run(&["render", MEF, "--data", s(&example(MEF)), "-o", s(&out)]);
    assert_eq!(render.assert_fails(), line);
    assert!(!out.exists());
    let new = sb.run(&["new", MEF, "--data", s(&example(MEF))]);
    assert_eq!(new.assert_fails(), line);

    let rest = line[prefix.len()..].to_string();
    (sb, original, rest)
}

#[test]
fn template_with_unknown_field_kind_names_its_line() {
    let (_sb, original, rest) = broken_template("kind = \"text\"", "kind = \"fecha_hora\"");
    let line = line_of(&original, "kind = \"text\"", 1);
    assert!(
        rest.starts_with(&format!("{line}: ")),
        "expected line {line}: {rest}"
    );
    assert!(
        rest.contains("tipo de campo desconocido «fecha_hora»"),
        "{rest}"
    );
}

#[test]
fn template_with_duplicated_field_id_names_both_lines() {
    let (_sb, original, rest) = broken_template(
        "id = \"responsable_pase\"",
        "id = \"responsable_aplicacion\"",
    );
    let first = line_of(&original, "id = \"responsable_aplicacion\"", 1);
    let second = line_of(&original, "id = \"responsable_pase\"", 1);
    assert!(
        rest.starts_with(&format!("{second}: ")),
        "expected line {second}: {rest}"
    );
    assert!(
        rest.contains("«responsable_aplicacion» está repetido"),
        "{rest}"
    );
    assert!(
        rest.contains(&format!("ya usado en la línea {first}")),
        "{rest}"
    );
}

#[test]
fn template_with_signer_order_cycle_names_a_role_on_the_cycle() {
    // coord-arquitectura after coord-computo, which is after calidad, which is after arquitectura.
    let (_sb, original, rest) = broken_template("after = []", "after = [\"coord-computo\"]");
    assert!(rest.contains("ciclo"), "{rest}");
    let role = ["coord-arquitectura", "coord-calidad", "coord-computo"]
        .into_iter()
        .find(|r| rest.contains(&format!("«{r}»")))
        .unwrap_or_else(|| panic!("no role of the cycle named: {rest}"));
    let line = line_of(&original, &format!("role = \"{role}\""), 1);
    assert!(
        rest.starts_with(&format!("{line}: ")),
        "expected line {line} (role {role}): {rest}"
    );
}

/// §4: a clap usage error is one Spanish line too, exit 2.
#[test]
fn missing_argument_is_one_spanish_line() {
    let sb = Sandbox::new();
    let run = sb.run(&["new", MEF]);
    let line = run.assert_fails();
    assert_eq!(run.code(), Some(2));
    assert!(line.starts_with("actas: argumentos inválidos"), "{line}");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(!sb.db.exists(), "a usage error created the database");
}

// ---------------------------------------------------------------- 3. new, list, export

/// §4 `new` prints the number, `list --json` shape, `export` writes the stored
/// latest revision; unknown DOC → «documento … no encontrado».
fn new_list_and_export_round_trip(sb: Sandbox) {
    assert_eq!(sb.new_from_example(MEF), "2026-001");
    assert_eq!(sb.new_from_example(MEF), "2026-002");
    // Every template numbers in the office-wide register: the next number.
    let acta = sb.new_from_example(INSTALACION);
    assert_eq!(acta, "2026-003");

    let list = sb.run(&["list", "--json"]);
    list.assert_ok();
    let docs = list.json();
    let docs = docs.as_array().expect("list --json is an array");
    assert_eq!(docs.len(), 3);
    let mut seen = BTreeSet::new();
    for d in docs {
        for key in ["reference", "number", "template", "title", "status"] {
            assert!(
                d[key].as_str().is_some_and(|v| !v.is_empty()),
                "{key} missing in {d}"
            );
        }
        let sigs = d["signatures"]
            .as_array()
            .unwrap_or_else(|| panic!("no signatures in {d}"));
        assert!(!sigs.is_empty());
        for sig in sigs {
            assert!(sig["role"].as_str().is_some(), "{sig}");
            assert_eq!(sig["signed"], Json::Bool(false), "{sig}");
        }
        seen.insert((
            d["template"].as_str().unwrap().to_string(),
            d["number"].as_str().unwrap().to_string(),
        ));
    }
    let expected: BTreeSet<(String, String)> = [
        (MEF, "2026-001"),
        (MEF, "2026-002"),
        (INSTALACION, "2026-003"),
    ]
    .iter()
    .map(|(t, n)| (t.to_string(), n.to_string()))
    .collect();
    assert_eq!(seen, expected);
    let mef = docs.iter().find(|d| d["template"] == MEF).unwrap();
    let roles = roles_of(mef, "signatures");
    assert_eq!(
        roles,
        [
            "coord-arquitectura",
            "coord-calidad",
            "coord-computo",
            "operador-turno"
        ]
    );
    assert_eq!(mef["title"], "Control de revisión del pase a producción");

    // Export: the stored bytes, byte for byte, every time.
    let (a, b) = (sb.path("a.pdf"), sb.path("b.pdf"));
    let run = sb.run(&["export", "2026-002", "-o", s(&a)]);
    run.assert_ok();
    assert!(run.stdout.contains("exportado"), "{}", run.stdout);
    sb.run(&["export", "2026-002", "--output", s(&b)])
        .assert_ok();
    let exported = std::fs::read(&a).unwrap();
    assert!(exported.starts_with(b"%PDF-"), "not a PDF");
    assert_eq!(exported, std::fs::read(&b).unwrap(), "two exports differ");
    assert_eq!(
        exported,
        stored_pdf(&sb.db, MEF, "2026-002"),
        "export is not the stored revision"
    );
    assert!(String::from_utf8_lossy(&exported).contains("2026-002") || exported.len() > 1000);

    // The reference printed for the acta exports the acta, not the MEF form.
    let c = sb.path("c.pdf");
    sb.run(&["export", &acta, "-o", s(&c)]).assert_ok();
    assert_eq!(
        std::fs::read(&c).unwrap(),
        stored_pdf(&sb.db, INSTALACION, "2026-003")
    );

    let missing = sb.path("missing.pdf");
    let run = sb.run(&["export", "2026-999", "-o", s(&missing)]);
    let line = run.assert_fails();
    assert!(line.contains("documento 2026-999 no encontrado"), "{line}");
    assert!(!missing.exists());
    assert_no_tmp(&sb, "");
}

/// §4 «DOC = the number `new` printed (unique in the store)»: a number that
/// `new` printed keeps naming the same document after other forms are numbered.
fn a_number_new_printed_keeps_exporting_after_other_forms_are_numbered(sb: Sandbox) {
    let first = sb.new_from_example(MEF);
    assert_eq!(first, "2026-001");
    assert_eq!(sb.new_from_example(INSTALACION), "2026-002");
    let out = sb.path("a.pdf");
    sb.run(&["export", &first, "-o", s(&out)]).assert_ok();
    assert_eq!(
        std::fs::read(&out).unwrap(),
        stored_pdf(&sb.db, MEF, "2026-001")
    );
}

// ---------------------------------------------------------------- 4. determinism

/// Clock contract: same template, data and ACTAS_NOW → byte-identical PDFs;
/// another instant → different bytes.
#[test]
fn render_is_deterministic_under_a_fixed_clock() {
    let sb = Sandbox::new();
    let data = example(INSTALACION);
    let paths = [sb.path("1.pdf"), sb.path("2.pdf"), sb.path("3.pdf")];
    sb.run(&[
        "render",
        INSTALACION,
        "--data",
        s(&data),
        "-o",
        s(&paths[0]),
    ])
    .assert_ok();
    let run = sb.run(&[
        "render",
        INSTALACION,
        "--data",
        s(&data),
        "-o",
        s(&paths[1]),
    ]);
    run.assert_ok();
    assert!(run.stdout.starts_with("PDF generado:"), "{}", run.stdout);
    let later = sb.run_env(
        &[
            "render",
            INSTALACION,
            "--data",
            s(&data),
            "-o",
            s(&paths[2]),
        ],
        &[("ACTAS_NOW", "2026-03-16T09:30:00-05:00")],
    );
    later.assert_ok();

    let [one, two, three] = paths.map(|p| std::fs::read(p).unwrap());
    assert!(one.starts_with(b"%PDF-"));
    assert_eq!(one, two, "two renders with the same clock differ");
    assert_ne!(one, three, "the clock does not reach the PDF");

    let bad_clock = sb.run_env(
        &[
            "render",
            INSTALACION,
            "--data",
            s(&data),
            "-o",
            s(&sb.path("4.pdf")),
        ],
        &[("ACTAS_NOW", "ayer")],
    );
    assert!(bad_clock.assert_fails().contains("ACTAS_NOW"));
    assert!(!sb.path("4.pdf").exists());
}

// ---------------------------------------------------------------- 5. concurrency

/// §2 Senace numbering: two processes creating documents at once on one
/// database get 400 distinct correlatives, 2026-001..2026-400, no gap; the
/// audit chain stays intact.
fn concurrent_processes_get_every_correlative_exactly_once(sb: Sandbox) {
    const PER_WORKER: usize = 200;
    let data = example(MEF);
    let started = Instant::now();
    let numbers: Vec<Vec<String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    (0..PER_WORKER)
                        .map(|_| {
                            let run = sb.run(&["new", MEF, "--data", s(&data)]);
                            run.assert_ok();
                            run.stdout.trim().to_string()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("worker panicked"))
            .collect()
    });
    let elapsed = started.elapsed();
    eprintln!(
        "concurrency: {} `actas new` processes in {elapsed:.2?}",
        2 * PER_WORKER
    );

    for worker in &numbers {
        assert!(
            worker.windows(2).all(|w| w[0] < w[1]),
            "one process's numbers go backwards: {worker:?}"
        );
    }
    let mut all: Vec<String> = numbers.concat();
    all.sort();
    let expected: Vec<String> = (1..=2 * PER_WORKER)
        .map(|n| format!("2026-{n:03}"))
        .collect();
    assert_eq!(all, expected, "numbers are not exactly 2026-001..2026-400");

    let audit = sb.run(&["audit", "verify"]);
    audit.assert_ok();
    assert!(
        audit.stdout.contains("íntegro") && audit.stdout.contains("400"),
        "{}",
        audit.stdout
    );
    assert_eq!(
        sb.run(&["list", "--json"]).json().as_array().unwrap().len(),
        2 * PER_WORKER
    );
}

// ---------------------------------------------------------------- 6. audit chain

/// Store contract: the audit log is hash-chained; editing a row (after
/// dropping its guard trigger) makes `audit verify` fail naming the row.
#[test]
fn audit_verify_detects_a_tampered_row() {
    let sb = Sandbox::new();
    sb.new_from_example(MEF);
    sb.new_from_example(INSTALACION);
    sb.new_from_example(MEF);
    let run = sb.run(&["audit", "verify"]);
    run.assert_ok();
    assert!(
        run.stdout.contains("íntegro") && run.stdout.contains("3 filas"),
        "{}",
        run.stdout
    );

    {
        let conn = rusqlite::Connection::open(&sb.db).unwrap();
        let refused = conn.execute("UPDATE audit_log SET detail = '{}' WHERE id = 2", []);
        assert!(refused.is_err(), "the trigger did not protect the log");
        conn.execute_batch("DROP TRIGGER audit_log_no_update")
            .unwrap();
        let changed = conn
            .execute(
                "UPDATE audit_log SET detail = '{\"titulo\":\"otro\"}' WHERE id = 2",
                [],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }
    let run = sb.run(&["audit", "verify"]);
    let line = run.assert_fails();
    assert!(
        line.contains("alterado") && line.contains("fila 2"),
        "{line}"
    );
    assert!(
        !line.contains("fila 1:") && !line.contains("fila 3:"),
        "{line}"
    );

    let json = sb.run(&["audit", "verify", "--json"]);
    assert!(!json.status.success());
    let report: Json = serde_json::from_str(json.stdout.trim()).expect("--json report on stdout");
    let rows: Vec<i64> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["row_id"].as_i64().unwrap())
        .collect();
    assert!(rows.contains(&2), "{report}");
}

// ---------------------------------------------------------------- 7. people

/// People directory: `people add` then `people list --json` shows the person.
fn people_add_then_list_shows_the_person(sb: Sandbox) {
    let run = sb.run(&[
        "people",
        "add",
        "--nombres",
        "Edgar Martín",
        "--apellido-paterno",
        "Salvatierra",
        "--apellido-materno",
        "Núñez",
        "--cargo",
        "Especialista en Calidad de Software",
        "--area",
        "Oficina de Tecnologías de la Información",
        "--email",
        "esalvatierra@example.gob.pe",
    ]);
    run.assert_ok();
    assert!(
        run.stdout.contains("Edgar Martín Salvatierra Núñez"),
        "{}",
        run.stdout
    );

    let list = sb.run(&["people", "list", "--json"]);
    list.assert_ok();
    let people = list.json();
    let people = people.as_array().expect("an array");
    assert_eq!(people.len(), 1);
    let p = &people[0];
    assert_eq!(p["given_names"], "Edgar Martín");
    assert_eq!(p["paternal_surname"], "Salvatierra");
    assert_eq!(p["maternal_surname"], "Núñez");
    assert_eq!(p["cargo"], "Especialista en Calidad de Software");
    assert_eq!(p["area"], "Oficina de Tecnologías de la Información");
    assert_eq!(p["email"], "esalvatierra@example.gob.pe");

    let bad = sb.run(&[
        "people",
        "add",
        "--nombres",
        "Ana",
        "--apellido-paterno",
        "  ",
    ]);
    assert!(
        bad.assert_fails().contains("falta el apellido paterno"),
        "{}",
        bad.stderr
    );
    assert_eq!(
        sb.run(&["people", "list", "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let audit = sb.run(&["audit", "verify"]);
    audit.assert_ok();
    assert!(audit.stdout.contains(": 1 filas"), "{}", audit.stdout);
}

/// A template with its own `series` numbers apart from the office register;
/// `new` then prints `series/AAAA-NNN`, which `export` takes, so the
/// reference stays unique in the store.
fn a_template_with_its_own_series_is_referenced_by_series_and_number(mut sb: Sandbox) {
    let dir = sb.path("plantillas");
    std::fs::create_dir(&dir).unwrap();
    for id in [MEF, INSTALACION] {
        let mut text =
            std::fs::read_to_string(common::templates_dir().join(format!("{id}.toml"))).unwrap();
        if id == INSTALACION {
            text = text.replacen("\nseed = ", "\nseries = \"instalaciones\"\nseed = ", 1);
        }
        std::fs::write(dir.join(format!("{id}.toml")), text).unwrap();
    }
    sb.templates = dir;
    assert_eq!(sb.new_from_example(MEF), "2026-001");
    assert_eq!(sb.new_from_example(INSTALACION), "instalaciones/2026-001");
    let (a, b) = (sb.path("a.pdf"), sb.path("b.pdf"));
    sb.run(&["export", "2026-001", "-o", s(&a)]).assert_ok();
    sb.run(&["export", "instalaciones/2026-001", "-o", s(&b)])
        .assert_ok();
    assert_eq!(
        std::fs::read(&a).unwrap(),
        stored_pdf(&sb.db, MEF, "2026-001")
    );
    assert_eq!(
        std::fs::read(&b).unwrap(),
        stored_pdf(&sb.db, INSTALACION, "2026-001")
    );
    let list = sb.run(&["list", "--json"]).json();
    let references: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reference"].as_str().unwrap())
        .collect();
    assert_eq!(references, ["2026-001", "instalaciones/2026-001"]);
}

on_both_engines!(
    new_list_and_export_round_trip,
    a_number_new_printed_keeps_exporting_after_other_forms_are_numbered,
    concurrent_processes_get_every_correlative_exactly_once,
    people_add_then_list_shows_the_person,
    a_template_with_its_own_series_is_referenced_by_series_and_number,
    invalid_data_lists_every_problem_and_consumes_no_number,
);

/// README: exit status 2 for input to fix, a bad date argument included.
#[test]
fn a_bad_date_argument_exits_2() {
    let sb = Sandbox::new();
    for args in [
        &[
            "bundle",
            "export",
            "-o",
            "x.zip",
            "--p12",
            "x.p12",
            "--from",
            "2026-13-01",
        ][..],
        &["licences", "summary", "--as-of", "2026-02-30"][..],
    ] {
        let run = sb.run_env(args, &[("CLAVE", "x")]);
        assert_eq!(run.code(), Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.assert_fails().contains("fecha inválida"),
            "{}",
            run.stderr
        );
    }
}

/// A PostgreSQL server that does not answer: one Spanish line naming it,
/// exit 1, nothing written (port 1 on loopback: nothing listens there).
#[test]
fn an_unreachable_register_server_is_named_in_one_line() {
    let mut sb = Sandbox::new();
    sb.db = "postgres://actas@127.0.0.1:1/actas".into();
    let data = example(MEF);
    let run = sb.run(&["new", MEF, "--data", s(&data)]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr);
    let line = run.assert_fails();
    assert!(
        line.contains(
            "no se puede conectar con el servidor PostgreSQL postgres://actas@127.0.0.1:1/actas"
        ),
        "{line}"
    );
    // A password in the address is refused without repeating it.
    sb.db = "postgres://actas:secreta@127.0.0.1:1/actas".into();
    let line = sb.run(&["list"]).assert_fails();
    assert!(
        line.contains("PGPASSWORD") && !line.contains("secreta"),
        "{line}"
    );
    assert_no_tmp(&sb, "");
}
