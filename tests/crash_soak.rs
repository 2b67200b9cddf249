//! Crash soak of the register (docs/architecture.md «Durabilidad»): a loop
//! of `actas new`, `sign` (a stored document), `import` (a signed PDF) and
//! `export` child processes on one SQLite database, each killed with
//! SIGKILL at a pseudo-random moment of its run (at least 200 kills, under
//! a time bound), with one run in five left to finish (acknowledged). Then:
//! `PRAGMA integrity_check` is ok; `audit verify` holds; the correlatives
//! are 1…N with no gap and no duplicate and include every acknowledged
//! number; every export output is absent or complete and verifies; and,
//! once the next write has cleaned up after the dead processes, no
//! temporary file is left.
//!
//! SIGKILL stops a process at any instruction (as a power cut stops the
//! program); a power cut also loses what the OS had not written, which
//! `synchronous=FULL` and the folder fsync cover and a test cannot cut.

#[allow(dead_code)] // helpers shared with the other test crates
mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::pki::{self, PASSWORD};
use common::{example, Sandbox, SplitMix};

const MIN_KILLS: usize = 200;
const TIME_BOUND: Duration = Duration::from_secs(150);
const SEED: u64 = 0x5EED_0000_2026_0011;
const MEF: &str = "mef-anexo-11-1";

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

#[test]
fn killed_create_sign_import_and_export_processes_lose_nothing_acknowledged() {
    let started = Instant::now();
    let sb = Sandbox::new();
    let pki = pki::shared();
    let data = example(MEF);
    let first = sb.new_from_example(MEF);
    // A signed PDF to import again and again: revision 1 signed elsewhere.
    let original = sb.path("original.pdf");
    sb.run(&["export", &first, "-o", s(&original)]).assert_ok();
    let received = sb.path("recibido.pdf");
    sb.run_env(
        &[
            "sign",
            s(&original),
            "-o",
            s(&received),
            "--role",
            "coord-arquitectura",
            "--p12",
            s(&pki.p12("maria")),
            "--password-env",
            "CLAVE",
        ],
        &[("CLAVE", PASSWORD)],
    )
    .assert_ok();

    let mut acknowledged: Vec<String> = vec![first.clone()];
    let mut outputs = Vec::new();
    let mut rng = SplitMix(SEED);
    let (mut kills, mut runs, mut finished) = (0usize, 0usize, 0usize);
    let mut window = [Duration::from_millis(30); 4];
    while kills < MIN_KILLS && started.elapsed() < TIME_BOUND {
        let op = runs % 4;
        runs += 1;
        let target = acknowledged[(rng.next() as usize) % acknowledged.len()].clone();
        let out = sb.path(&format!("salida-{runs}.pdf"));
        let args: Vec<String> = match op {
            0 => vec!["new".into(), MEF.into(), "--data".into(), s(&data).into()],
            1 => vec![
                "sign".into(),
                target,
                "--role".into(),
                "coord-arquitectura".into(),
                "--p12".into(),
                s(&pki.p12("maria")).into(),
                "--password-env".into(),
                "CLAVE".into(),
            ],
            2 => vec!["import".into(), s(&received).into()],
            _ => {
                outputs.push(out.clone());
                vec!["export".into(), target, "-o".into(), s(&out).into()]
            }
        };
        let let_finish = runs % 5 == 0;
        let t = Instant::now();
        let mut child = sb
            .actas()
            .args(&args)
            .env("CLAVE", PASSWORD)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start actas");
        if !let_finish {
            let micros = window[op].as_micros().max(1) as u64;
            std::thread::sleep(Duration::from_micros(rng.next() % micros));
            if child.try_wait().expect("poll actas").is_none() {
                // Child::kill is SIGKILL on Unix: no destructor, no cleanup runs.
                let _ = child.kill();
                kills += 1;
            }
        }
        let out = child.wait_with_output().expect("reap actas");
        if out.status.success() {
            finished += 1;
            // Uninterrupted runs tell how long each operation takes here.
            window[op] = t.elapsed().max(Duration::from_millis(5));
            if op == 0 {
                acknowledged.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
            }
        }
    }
    assert!(
        kills >= MIN_KILLS,
        "only {kills} kills in {:?} ({runs} runs)",
        started.elapsed()
    );

    // The database file is sound and the audit chain holds.
    let integrity: String = rusqlite::Connection::open(&sb.db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    sb.run(&["audit", "verify"]).assert_ok();

    // Correlatives: 1…N, no gap, no duplicate, every acknowledged one there.
    let list = sb.run(&["list", "--json"]).json();
    let mut numbers: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["number"].as_str().unwrap().to_string())
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=numbers.len())
        .map(|n| format!("2026-{n:03}"))
        .collect();
    assert_eq!(numbers, expected, "a gap or a duplicate");
    for number in &acknowledged {
        assert!(
            numbers.contains(number),
            "{number} was acknowledged and is gone"
        );
    }

    // Every export is absent or complete and verifiable.
    let mut written = 0;
    for out in &outputs {
        if out.exists() {
            written += 1;
            let verify = sb.run(&["verify", s(out), "--trust", s(&pki.root_pem())]);
            // VÁLIDO, or a complete PDF exported before anyone signed it
            // (NO VÁLIDO for that reason alone); never unreadable or forged.
            let unsigned = verify.code() == Some(1)
                && verify
                    .stderr
                    .contains("NO VÁLIDO — el documento no tiene firmas");
            assert!(
                verify.status.success() || unsigned,
                "{}: {}",
                out.display(),
                verify.stderr
            );
        }
    }

    // The next write removes what the dead processes left; nothing else remains.
    sb.run_env(
        &["export", &first, "-o", s(&sb.path("final.pdf"))],
        &[("ACTAS_TEMP_GRACE_SECONDS", "0")],
    )
    .assert_ok();
    let leftovers: Vec<String> = sb
        .entries("")
        .into_iter()
        .filter(|n| n.starts_with(".actas-") || n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    println!(
        "crash soak: {runs} runs, {kills} kills, {finished} finished, {} documents, \
         {written} of {} exports written (all verified), {:.1} s",
        numbers.len(),
        outputs.len(),
        started.elapsed().as_secs_f64()
    );
}
