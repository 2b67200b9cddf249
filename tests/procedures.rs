//! The second part of the catalogue end to end with the real binary:
//! business-day deadlines (`actas plazo` against a table of Peruvian dates
//! worked out by hand on a printed calendar), e-mail templates read back by
//! Python's `email` package (an independent RFC 5322 parser), secret fields
//! that never reach the database, the audit log, the listings, the logs or
//! the default PDF in clear, the conditional fields and deadline alerts in
//! the rendered pages, and the MEF support statistics from stored records.

#[allow(dead_code)] // helpers shared with the other test crates
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{example, Sandbox};
use serde_json::{json, Value as Json};

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

fn example_json(id: &str) -> Json {
    serde_json::from_slice(&std::fs::read(example(id)).unwrap()).unwrap()
}

fn write_json(sb: &Sandbox, name: &str, value: &Json) -> PathBuf {
    let path = sb.path(name);
    std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
    path
}

/// `actas render ID` of `data` (written beside it as `<out>.json`) to `out`.
fn render_data(sb: &Sandbox, id: &str, data: &Json, out: &str) -> common::Run {
    let path = write_json(sb, &format!("{out}.json"), data);
    sb.run(&["render", id, "--data", s(&path), "-o", s(&sb.path(out))])
}

/// `pdftotext -raw` of a PDF, whitespace squashed.
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", s(pdf), "-"])
        .output()
        .expect("pdftotext is installed (scripts/install-deps.sh test)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

// ------------------------------------------------------------------ plazo

/// (desde, días útiles, vence) in Peru, each worked out by hand on a printed
/// calendar: weekends, Holy Thursday and Good Friday (Easter 2025: 20 April;
/// 2026: 5 April), 28–29 July, 8–9 December, year ends with Christmas and
/// New Year, and the days the Government declared non-working for the public
/// sector (26/12/2025, 02/01/2026).
const PERU: [(&str, u32, &str); 14] = [
    ("2026-03-30", 6, "2026-04-09"), // the seed's example: Holy Thursday, Good Friday and a weekend
    ("2026-03-27", 3, "2026-04-01"), // Friday start: the weekend first
    ("2026-04-01", 1, "2026-04-06"), // Wednesday before Easter: Thursday to Sunday skipped
    ("2026-04-03", 1, "2026-04-06"), // from Good Friday itself
    ("2025-04-16", 2, "2025-04-22"), // Easter 2025
    ("2026-03-30", 21, "2026-04-30"), // 004 line 72: 21 días útiles…
    ("2026-03-30", 22, "2026-05-04"), // …and day 22 after 1 May (Friday) and the weekend
    ("2025-12-23", 4, "2025-12-31"), // Christmas and the decreed 26th
    ("2025-12-23", 5, "2026-01-05"), // New Year and the decreed 2 January
    ("2026-12-30", 2, "2027-01-04"), // year end: 1 January 2027 is a Friday
    ("2026-07-24", 3, "2026-07-31"), // Fiestas Patrias
    ("2026-12-04", 3, "2026-12-11"), // Inmaculada Concepción and Batalla de Ayacucho
    ("2026-03-13", 5, "2026-03-20"), // an ordinary week: Friday to Friday
    ("2026-03-16", 0, "2026-03-16"), // zero days: the same day
];

#[test]
fn plazo_matches_a_table_of_peruvian_dates_across_easter_year_end_and_weekends() {
    let sb = Sandbox::new();
    for (from, days, due) in PERU {
        let days_text = days.to_string();
        let run = sb.run(&["plazo", from, "--dias-utiles", &days_text, "--json"]);
        run.assert_ok();
        let report = run.json();
        assert_eq!(
            report["vence"], due,
            "{from} + {days} días útiles: {report:#}"
        );
        assert_eq!(report["pais"], "PE");
    }
    // The human form: the date first, then why.
    let run = sb.run(&["plazo", "2026-03-30", "--dias-utiles", "6"]);
    run.assert_ok();
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some("09/04/2026"));
    let why = lines.next().unwrap();
    assert!(
        why.contains("jueves 09/04/2026")
            && why.contains("02/04 Jueves Santo")
            && why.contains("03/04 Viernes Santo"),
        "{why}"
    );
    // The command never creates a database just to count days.
    assert!(!sb.db.exists());
}

#[test]
fn plazo_uses_each_country_and_the_offices_own_days() {
    let mut sb = Sandbox::new();
    // Bolivia: Carnival Monday and Tuesday 2026 (16–17 February) are holidays.
    let run = sb.run(&[
        "plazo",
        "2026-02-13",
        "--dias-utiles",
        "1",
        "--pais",
        "BO",
        "--json",
    ]);
    run.assert_ok();
    assert_eq!(run.json()["vence"], "2026-02-18");
    // Mexico: the third Monday of March 2026 (16th) is not a working day.
    let run = sb.run(&[
        "plazo",
        "2026-03-13",
        "--dias-utiles",
        "1",
        "--pais",
        "mx",
        "--json",
    ]);
    run.assert_ok();
    assert_eq!(run.json()["vence"], "2026-03-17");

    // The office's own day, from calendarios/oficina.toml beside the templates.
    let templates = sb.path("plantillas");
    copy_dir(&common::templates_dir(), &templates);
    std::fs::write(
        templates.join("calendarios/oficina.toml"),
        "[[no_laborables]]\nfecha = \"2026-04-07\"\nnombre = \"Aniversario de la entidad\"\npais = \"PE\"\n",
    )
    .unwrap();
    sb.templates = templates.clone();
    let run = sb.run(&["plazo", "2026-03-30", "--dias-utiles", "6", "--json"]);
    run.assert_ok();
    let report = run.json();
    assert_eq!(report["vence"], "2026-04-10");
    assert!(report["omitidos"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["motivo"] == "Aniversario de la entidad"));

    // Bad input: one Spanish line, nothing else.
    for (args, expected) in [
        (
            vec!["plazo", "30/02/2026", "--dias-utiles", "3"],
            "fecha inválida",
        ),
        (
            vec!["plazo", "2026-03-30", "--dias-utiles", "3", "--pais", "CL"],
            "país desconocido «CL»",
        ),
        (
            vec!["plazo", "2026-03-30", "--dias-utiles", "tres"],
            "argumentos inválidos",
        ),
    ] {
        let line = sb.run(&args).assert_fails();
        assert!(line.contains(expected), "{args:?}: {line}");
    }
    // A broken calendar file names its line.
    std::fs::write(templates.join("calendarios/pe.toml"), "pais = \"PE\"\nfuente = \"x\"\nfin_de_semana = [\"domingo\"]\n[[feriados]]\nnombre = \"Roto\"\nfecha = \"13-01\"\n").unwrap();
    let line = sb
        .run(&["plazo", "2026-03-30", "--dias-utiles", "6"])
        .assert_fails();
    assert!(
        line.contains("pe.toml:4:") && line.contains("«13-01»"),
        "{line}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

// ------------------------------------------------------------------ e-mail

/// Python's `email` package reads the message: headers (addresses decoded),
/// every defect it found, the MIME parts, the bodies and the attachments.
const PY_READ_EML: &str = r#"
import email, hashlib, json, sys
from email import policy
with open(sys.argv[1], 'rb') as f:
    msg = email.message_from_binary_file(f, policy=policy.default)
def addresses(name):
    header = msg[name]
    return [] if header is None else [{"name": a.display_name, "email": a.addr_spec} for a in header.addresses]
defects = []
for part in msg.walk():
    defects += [type(d).__name__ for d in part.defects]
for name in msg.keys():
    defects += [name + ':' + type(d).__name__ for d in msg[name].defects]
text = msg.get_body(('plain',))
html = msg.get_body(('html',))
print(json.dumps({
    "from": addresses('From'), "to": addresses('To'), "cc": addresses('Cc'),
    "subject": str(msg['Subject']), "date": str(msg['Date']), "message_id": str(msg['Message-ID']),
    "mime_version": str(msg['MIME-Version']), "template": str(msg['X-Actas-Plantilla']),
    "defects": defects, "parts": [p.get_content_type() for p in msg.walk()],
    "text": text.get_content() if text else None, "html": html.get_content() if html else None,
    "attachments": [{"filename": a.get_filename(), "type": a.get_content_type(),
                     "sha256": hashlib.sha256(a.get_payload(decode=True)).hexdigest()} for a in msg.iter_attachments()],
}))
"#;

fn read_eml(path: &Path) -> Json {
    let out = Command::new("python3")
        .args(["-c", PY_READ_EML, s(path)])
        .output()
        .expect("python3 is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The test's own reading of an address field: `Nombre <correo>` separated by `;`.
fn expected_addresses(text: &str) -> Vec<Json> {
    text.split(';')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| match a.split_once('<') {
            Some((name, rest)) => {
                json!({"name": name.trim(), "email": rest.trim_end_matches('>').trim()})
            }
            None => json!({"name": "", "email": a}),
        })
        .collect()
}

/// In the catalogue's order (by id).
const EMAIL_TEMPLATES: [&str; 6] = [
    "agetic-observaciones",
    "mef-aviso-distribucion",
    "senace-solicitud-control-validacion",
    "senace-solicitud-instalacion",
    "sig-confirmacion-publicacion",
    "sig-solicitud-publicacion",
];

#[test]
fn every_email_template_gives_a_message_pythons_email_parser_reads_with_the_right_headers() {
    let sb = Sandbox::new();
    let catalogue = actas::template::load_catalogue(&common::templates_dir()).unwrap();
    let emails: Vec<&str> = catalogue
        .templates
        .iter()
        .filter(|t| t.email.is_some())
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(
        emails, EMAIL_TEMPLATES,
        "the e-mail templates of the catalogue"
    );
    for id in EMAIL_TEMPLATES {
        let data = example_json(id);
        let out = sb.path(&format!("{id}.eml"));
        let run = sb.run(&["render", id, "--data", s(&example(id)), "-o", s(&out)]);
        run.assert_ok();
        assert!(run.stdout.contains("Correo generado"), "{}", run.stdout);
        let bytes = std::fs::read(&out).unwrap();
        assert!(
            bytes.windows(2).all(|w| w[1] != b'\n' || w[0] == b'\r'),
            "{id}: every line ends in CRLF"
        );
        assert!(
            bytes.split(|b| *b == b'\n').all(|line| line.len() <= 1000),
            "{id}: a line is longer than RFC 5322 allows"
        );
        let msg = read_eml(&out);
        assert_eq!(msg["defects"], json!([]), "{id}: {msg:#}");
        assert_eq!(msg["mime_version"], "1.0");
        assert_eq!(msg["template"], id);
        assert_eq!(
            msg["from"],
            json!(expected_addresses(data["de"].as_str().unwrap())),
            "{id}"
        );
        assert_eq!(
            msg["to"],
            json!(expected_addresses(data["para"].as_str().unwrap())),
            "{id}"
        );
        let cc = data["cc"].as_str().unwrap_or("");
        assert_eq!(msg["cc"], json!(expected_addresses(cc)), "{id}");
        assert_eq!(
            msg["date"], "Sun, 15 Mar 2026 10:00:00 -0500",
            "{id}: the fixed clock"
        );
        let domain = msg["from"][0]["email"]
            .as_str()
            .unwrap()
            .split('@')
            .nth(1)
            .unwrap()
            .to_string();
        let message_id = msg["message_id"].as_str().unwrap();
        assert!(
            message_id.starts_with('<') && message_id.ends_with(&format!("@{domain}>")),
            "{id}: {message_id}"
        );
        let subject = msg["subject"].as_str().unwrap();
        match data["asunto"].as_str().filter(|s| !s.is_empty()) {
            Some(given) => assert_eq!(subject, given, "{id}"),
            None => assert_eq!(
                subject, "PRODUCCIÓN.EVA.2026/03/10.INSTALACIÓN-2026-014.ESALVATIERRA",
                "{id}: the subject the Senace rule derives"
            ),
        }
        assert_eq!(
            msg["parts"],
            json!(["multipart/alternative", "text/plain", "text/html"]),
            "{id}"
        );
        let text = msg["text"].as_str().unwrap();
        let html = msg["html"].as_str().unwrap();
        // The body carries the form's values (accents intact), not the headers.
        let remitente = data["remitente"].as_str().unwrap();
        let first_line = remitente.lines().next().unwrap();
        assert!(
            text.contains(first_line) && html.contains(first_line),
            "{id}: {text}"
        );
        assert!(
            !text.contains("Asunto"),
            "{id}: the subject is a header, not body text"
        );

        // Same input and clock: the same bytes.
        let again = sb.path(&format!("{id}-2.eml"));
        sb.run(&["render", id, "--data", s(&example(id)), "-o", s(&again)])
            .assert_ok();
        assert_eq!(
            bytes,
            std::fs::read(&again).unwrap(),
            "{id}: not deterministic"
        );
    }

    // The installation request's body follows the seed's template (002, 1131–1142).
    let text = read_eml(&sb.path("senace-solicitud-instalacion.eml"))["text"]
        .as_str()
        .unwrap()
        .to_string();
    for line in [
        "Estimados Srs. De Infraestructura,",
        "COORDINACIONES",
        "Solicitante : Eduardo Salvatierra Pérez",
        "Servidor de Aplicaciones",
        "Ver \"Acta de Instalación de Software N° 2026-014\".",
    ] {
        assert!(text.contains(line), "missing «{line}» in:\n{text}");
    }
}

#[test]
fn an_email_carries_the_related_acta_as_a_pdf_attachment() {
    let sb = Sandbox::new();
    let acta = sb.path("acta-2026-014.pdf");
    sb.run(&[
        "render",
        "senace-acta-instalacion",
        "--data",
        s(&example("senace-acta-instalacion")),
        "-o",
        s(&acta),
        "--numero",
        "2026-014",
    ])
    .assert_ok();
    let out = sb.path("solicitud.eml");
    let id = "senace-solicitud-instalacion";
    let run = sb.run(&[
        "render",
        id,
        "--data",
        s(&example(id)),
        "-o",
        s(&out),
        "--adjunto",
        s(&acta),
    ]);
    run.assert_ok();
    let msg = read_eml(&out);
    assert_eq!(msg["defects"], json!([]));
    assert_eq!(
        msg["parts"],
        json!([
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "application/pdf"
        ])
    );
    let attachment = &msg["attachments"][0];
    assert_eq!(attachment["filename"], "acta-2026-014.pdf");
    assert_eq!(
        attachment["sha256"],
        actas::store::sha256_hex(&std::fs::read(&acta).unwrap()),
        "the attached bytes are the acta's"
    );

    // What is not a PDF is not attached; a form that is not an e-mail gives no .eml.
    let not_pdf = sb.path("notas.txt");
    std::fs::write(&not_pdf, "hola").unwrap();
    let line = sb
        .run(&[
            "render",
            id,
            "--data",
            s(&example(id)),
            "-o",
            s(&sb.path("x.eml")),
            "--adjunto",
            s(&not_pdf),
        ])
        .assert_fails();
    assert!(line.contains("no es un PDF"), "{line}");
    let line = sb
        .run(&[
            "render",
            "mef-anexo-11-1",
            "--data",
            s(&example("mef-anexo-11-1")),
            "-o",
            s(&sb.path("y.eml")),
        ])
        .assert_fails();
    assert!(line.contains("no es un correo"), "{line}");
    assert!(!sb.path("x.eml").exists() && !sb.path("y.eml").exists());
}

#[test]
fn an_email_with_a_bad_address_or_an_urgent_publication_is_refused() {
    let sb = Sandbox::new();
    let mut data = example_json("sig-solicitud-publicacion");
    data["para"] = json!("Jorge Ramírez Ávila <jorge.ramirez@sig>");
    let line = render_data(&sb, "sig-solicitud-publicacion", &data, "m.eml").assert_fails();
    assert!(
        line.contains(
            "para: dirección de correo inválida «Jorge Ramírez Ávila <jorge.ramirez@sig>»"
        ),
        "{line}"
    );

    let mut data = example_json("sig-solicitud-publicacion");
    data["urgente"] = json!(true);
    let line = render_data(&sb, "sig-solicitud-publicacion", &data, "u.eml").assert_fails();
    assert!(line.contains("urgente: procedimiento PSDT-13"), "{line}");
}

// ------------------------------------------------------------------ secrets

const AGETIC: &str = "agetic-solicitud-puesta-produccion";

fn planted_secrets() -> Vec<String> {
    example_json(AGETIC)["credenciales"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["valor"].as_str().unwrap().to_string())
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn secrets_never_reach_the_database_the_audit_log_listings_logs_or_the_default_pdf() {
    let sb = Sandbox::new();
    let key = sb.path("config/clave-oficina.key");
    let env = [("ACTAS_CLAVE_OFICINA", s(&key))];
    let secrets = planted_secrets();
    let mut outputs = String::new();

    let run = sb.run_env(&["new", AGETIC, "--data", s(&example(AGETIC))], &env);
    run.assert_ok();
    let number = run.stdout.trim().to_string();
    outputs += &run.stdout;
    outputs += &run.stderr;
    // The office's key: created outside the database's folder, private.
    assert_eq!(std::fs::read(&key).unwrap().len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    for args in [
        vec!["list", "--json"],
        vec!["list"],
        vec!["audit", "verify", "--json"],
    ] {
        let run = sb.run_env(&args, &env);
        run.assert_ok();
        outputs += &run.stdout;
        outputs += &run.stderr;
    }
    let pdf = sb.path("solicitud.pdf");
    sb.run_env(&["export", &number, "-o", s(&pdf)], &env)
        .assert_ok();
    // A validation failure must not echo a secret either.
    let mut bad = example_json(AGETIC);
    bad["credenciales"][0]["tipo"] = json!("Contraseña maestra");
    bad["credenciales"][1]["valor"] = json!(format!("{}\nsegunda línea", secrets[1]));
    let bad_path = write_json(&sb, "malo.json", &bad);
    let run = sb.run_env(&["new", AGETIC, "--data", s(&bad_path)], &env);
    run.assert_fails();
    outputs += &run.stderr;

    // The whole database (WAL included), every audit row, every output, the PDF's bytes and text.
    let mut db_bytes = Vec::new();
    for entry in std::fs::read_dir(sb.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("actas.db")
        {
            db_bytes.extend(std::fs::read(&path).unwrap());
        }
    }
    assert!(!db_bytes.is_empty());
    let conn = rusqlite::Connection::open(&sb.db).unwrap();
    let audit: Vec<String> = conn
        .prepare("SELECT action || ' ' || subject || ' ' || detail FROM audit_log")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!audit.is_empty());
    let stored: String = conn
        .query_row("SELECT data FROM documents", [], |row| row.get(0))
        .unwrap();
    let pdf_bytes = std::fs::read(&pdf).unwrap();
    let text = pdf_text(&pdf);
    for secret in &secrets {
        assert!(
            !contains(&db_bytes, secret),
            "the database holds «{secret}» in clear"
        );
        assert!(
            !audit.iter().any(|row| row.contains(secret.as_str())),
            "the audit log holds it"
        );
        assert!(
            !stored.contains(secret.as_str()),
            "the stored data holds it"
        );
        assert!(
            !outputs.contains(secret.as_str()),
            "a command printed it:\n{outputs}"
        );
        let joined: String = text.split_whitespace().collect();
        assert!(
            !contains(&pdf_bytes, secret) && !joined.contains(secret.as_str()),
            "the PDF holds it"
        );
        // Masked, with its last four characters (all three are longer than eight).
        let last4: String = secret
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        assert!(
            text.contains(&format!("•••• {last4}")),
            "«•••• {last4}» missing from:\n{text}"
        );
    }
    // What is stored is the sealed value, which opens with the office's key…
    let data: Json = serde_json::from_str(&stored).unwrap();
    let sealed = data["credenciales"][0]["valor"].as_str().unwrap();
    assert!(sealed.starts_with("actas-secreto:v1:"), "{sealed}");
    let key_file = actas::secrets::OfficeKey::load_or_create(&key).unwrap();
    assert_eq!(
        key_file
            .open(sealed, &format!("{AGETIC}/credenciales.valor"))
            .unwrap(),
        secrets[0]
    );
    // …and with another office's key the stored data cannot be reused.
    let copied = write_json(&sb, "copiado.json", &data);
    let other = sb.path("otra/clave.key");
    let line = sb
        .run_env(
            &[
                "render",
                AGETIC,
                "--data",
                s(&copied),
                "-o",
                s(&sb.path("o.pdf")),
            ],
            &[("ACTAS_CLAVE_OFICINA", s(&other))],
        )
        .assert_fails();
    assert!(line.contains("otra clave de oficina"), "{line}");
    // With the right key the sealed data renders like the clear one.
    sb.run_env(
        &[
            "render",
            AGETIC,
            "--data",
            s(&copied),
            "-o",
            s(&sb.path("c.pdf")),
        ],
        &env,
    )
    .assert_ok();
}

#[test]
fn the_restricted_copy_prints_secrets_in_clear_and_says_so() {
    let mut sb = Sandbox::new();
    let templates = sb.path("plantillas");
    copy_dir(&common::templates_dir(), &templates);
    let path = templates.join(format!("{AGETIC}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "country = \"BO\"",
            "country = \"BO\"\nrestricted_copy = true",
        ),
    )
    .unwrap();
    sb.templates = templates;
    let pdf = sb.path("restringida.pdf");
    sb.run(&[
        "render",
        AGETIC,
        "--data",
        s(&example(AGETIC)),
        "-o",
        s(&pdf),
    ])
    .assert_ok();
    let text = pdf_text(&pdf);
    assert!(text.contains("COPIA RESTRINGIDA"), "{text}");
    // A long token may wrap inside its narrow column: compare without spaces.
    let joined: String = text.split_whitespace().collect();
    for secret in planted_secrets() {
        assert!(
            joined.contains(&secret),
            "«{secret}» should print in the restricted copy"
        );
    }
}

// ------------------------------------------------------------------ conditional fields, alerts

#[test]
fn the_informe_de_pruebas_requires_acuerdos_only_while_minor_incidents_remain() {
    let sb = Sandbox::new();
    let id = "senace-informe-pruebas";
    let acuerdos = [
        "fecha_acuerdo",
        "lugar_acuerdo",
        "participantes_acuerdo",
        "formato_incidencias",
    ];
    let mut data = example_json(id);
    for field in acuerdos {
        data.as_object_mut().unwrap().remove(field);
    }
    // INC-03 is a minor incident still pending: the four fields are required.
    let line = render_data(&sb, id, &data, "a.pdf").assert_fails();
    for field in acuerdos {
        assert!(line.contains(&format!("{field}: «")), "{field}: {line}");
    }
    assert!(
        line.contains("cuando «Incidencias reportadas» tiene una fila con")
            && line.contains("«SEVERIDAD» «Menor»")
            && line.contains("«ESTADO» «Pendiente» o «En subsanación»"),
        "{line}"
    );
    // Once it is subsanada, no acuerdo is needed and the page says so.
    data["incidencias"][2]["estado"] = json!("Subsanada");
    let pdf = sb.path("b.pdf");
    render_data(&sb, id, &data, "b.pdf").assert_ok();
    let text = pdf_text(&pdf);
    assert!(
        text.contains("No quedan incidencias menores pendientes"),
        "{text}"
    );
    assert!(
        !text.contains("se reunieron en las instalaciones"),
        "{text}"
    );
    // The example (with the acuerdo) prints the paragraph instead.
    let pdf = sb.path("c.pdf");
    sb.run(&["render", id, "--data", s(&example(id)), "-o", s(&pdf)])
        .assert_ok();
    assert!(pdf_text(&pdf).contains("se reunieron en las instalaciones"));
}

#[test]
fn the_oficio_shows_its_business_day_deadlines_and_flags_what_is_late() {
    let sb = Sandbox::new();
    let id = "mef-oficio-soporte";
    let pdf = sb.path("oficio.pdf");
    sb.run(&["render", id, "--data", s(&example(id)), "-o", s(&pdf)])
        .assert_ok();
    let text = pdf_text(&pdf);
    // Escalated Monday 02/02/2026: 6 días útiles end on 10/02; no data by today (15/03): late.
    assert!(text.contains("10/02/2026"), "{text}");
    assert!(
        text.contains(
            "VENCIDO: el plazo de 6 días útiles desde el 02/02/2026 venció el 10/02/2026"
        ),
        "{text}"
    );
    // Escalated by the Coordinador 03/02: 21 días útiles end 04/03, closed on day 22 (05/03).
    assert!(
        text.contains("04/03/2026") && text.contains("05/03/2026"),
        "{text}"
    );
    assert!(
        text.contains("Dentro del plazo: registrado el 05/03/2026"),
        "{text}"
    );

    // Closing before day 22 is refused, naming the rule.
    let mut data = example_json(id);
    data["fecha_cierre"] = json!("2026-03-04");
    let line = render_data(&sb, id, &data, "t.pdf").assert_fails();
    assert!(
        line.contains("fecha_cierre:") && line.contains("no puede ser anterior al 05/03/2026"),
        "{line}"
    );
    // Closing late is accepted and flagged.
    data["fecha_cierre"] = json!("2026-03-09");
    let pdf = sb.path("tarde.pdf");
    render_data(&sb, id, &data, "tarde.pdf").assert_ok();
    assert!(pdf_text(&pdf).contains("FUERA DE PLAZO: vencía el 05/03/2026"));
    // A computed date typed wrong is refused; an alert typed by hand too.
    data["fecha_cierre"] = json!("2026-03-05");
    data["vence_busqueda"] = json!("2026-02-09");
    data["alerta_cierre"] = json!("Todo bien");
    let line = render_data(&sb, id, &data, "m.pdf").assert_fails();
    assert!(line.contains("vence_busqueda: «Vence la búsqueda de datos (6 días útiles)» se calcula: es el 10/02/2026"), "{line}");
    assert!(
        line.contains("alerta_cierre: «Plazo de cierre» lo escribe la regla"),
        "{line}"
    );
}

// ------------------------------------------------------------------ statistics

fn attention(canal: &str, tipo: &str, sistema: &str, fecha: &str, factible: bool) -> Json {
    let mut data = example_json("mef-atencion-soporte");
    data["canal"] = json!(canal);
    data["tipo"] = json!(tipo);
    data["sistema"] = json!(sistema);
    data["fecha_hora"] = json!(fecha);
    data["factible"] = json!(factible);
    if !factible {
        let object = data.as_object_mut().unwrap();
        for key in ["tipo_solucion", "detalle_solucion"] {
            object.remove(key);
        }
        object.insert("derivado_a".into(), json!("Área de Control de Calidad"));
        object.insert("comunicado_entidad".into(), json!(true));
    }
    data
}

#[test]
fn support_statistics_count_the_stored_attention_and_oficio_records_of_the_period() {
    let sb = Sandbox::new();
    for (i, data) in [
        attention(
            "Presencial",
            "Incidencia",
            "SIAF-SP",
            "2026-02-10T10:00",
            false,
        ),
        attention(
            "Presencial",
            "Consulta",
            "SIAF-SP",
            "2026-02-11T11:00",
            true,
        ),
        attention("Presencial", "Consulta", "SIGA", "2026-02-20T09:30", true),
        // Outside February: not counted.
        attention("Presencial", "Incidencia", "SIGA", "2026-03-02T09:30", true),
    ]
    .iter()
    .enumerate()
    {
        let path = write_json(&sb, &format!("atencion-{i}.json"), data);
        sb.run(&["new", "mef-atencion-soporte", "--data", s(&path)])
            .assert_ok();
    }
    sb.new_from_example("mef-oficio-soporte");

    let out = sb.path("estadisticas.pdf");
    let february = |more: &[&str]| {
        let mut args = vec![
            "support",
            "stats",
            "--from",
            "2026-02-01",
            "--to",
            "2026-02-28",
        ];
        args.extend(["-o", s(&out)]);
        args.extend(more);
        sb.run(&args)
    };
    // The analysis is the specialist's: without it the form is refused…
    let line = february(&[]).assert_fails();
    assert!(
        line.contains("analisis_causas: «Análisis de las causas» es obligatorio"),
        "{line}"
    );
    assert!(!out.exists());
    // …and with it (and the signers) the statistics are generated and stored.
    let extra = write_json(
        &sb,
        "extra.json",
        &json!({"analisis_causas": "Las incidencias del SIAF-SP se deben a clasificadores desactualizados.",
                "firma_especialista": {"nombre": "Carmen Rosa Núñez Villanueva", "cargo": "Especialista"}}),
    );
    let run = february(&["--data", s(&extra), "--new"]);
    run.assert_ok();
    assert!(run.stdout.contains("guardado como"), "{}", run.stdout);
    let text = pdf_text(&out);
    for expected in [
        "Atenciones registradas 3",
        "Incidencias reportadas 1",
        "Presencial 3 100.0",
        "SIAF-SP 2 1",
        "SIGA 1 0",
        "Área de Control de Calidad 1",
        // The example oficio is late on its 6-day search.
        "Sin datos de ubicación 1 1",
    ] {
        assert!(text.contains(expected), "missing «{expected}» in:\n{text}");
    }
    // An empty period says so.
    let line = sb
        .run(&[
            "support",
            "stats",
            "--from",
            "2025-01-01",
            "--to",
            "2025-01-31",
            "-o",
            s(&sb.path("v.pdf")),
        ])
        .assert_fails();
    assert!(
        line.contains("no hay atenciones ni oficios de soporte guardados"),
        "{line}"
    );
}

// ------------------------------------------------------------------ correlatives

#[test]
fn every_form_that_carries_a_requerimiento_numbers_it_as_a_senace_correlative() {
    use actas::template::Rule;
    let catalogue = actas::template::load_catalogue(&common::templates_dir()).unwrap();
    let mut carriers = Vec::new();
    for template in &catalogue.templates {
        for field in template.fields() {
            if field.id != "requerimiento" && field.id != "numero_requerimiento" {
                continue;
            }
            let checked = template.rules.iter().any(|rule| {
                matches!(rule, Rule::SenaceCorrelative { fields } if fields.contains(&field.id))
            });
            assert!(
                checked,
                "{}: «{}» is not checked as AAAA-NNN",
                template.id, field.id
            );
            carriers.push(template.id.as_str());
        }
    }
    assert!(carriers.len() >= 7, "{carriers:?}");
    // And the rule bites: a requerimiento written another way is refused.
    let sb = Sandbox::new();
    let mut data = example_json("senace-acta-instalacion");
    data["requerimiento"] = json!("REQ-9");
    let line = render_data(&sb, "senace-acta-instalacion", &data, "r.pdf").assert_fails();
    assert!(
        line.contains("requerimiento: regla Senace de correlativos: «REQ-9»"),
        "{line}"
    );
}

// ------------------------------------------------------------------ determinism

#[test]
fn every_example_renders_the_same_bytes_twice_under_a_fixed_clock() {
    let sb = Sandbox::new();
    let catalogue = actas::template::load_catalogue(&common::templates_dir()).unwrap();
    for template in &catalogue.templates {
        let id = template.id.as_str();
        let (a, b) = (
            sb.path(&format!("{id}-a.pdf")),
            sb.path(&format!("{id}-b.pdf")),
        );
        for out in [&a, &b] {
            sb.run(&["render", id, "--data", s(&example(id)), "-o", s(out)])
                .assert_ok();
        }
        assert_eq!(
            std::fs::read(&a).unwrap(),
            std::fs::read(&b).unwrap(),
            "{id}: two renders differ"
        );
    }
}
