//! Crash safety of signing (issue 3 §5, DESIGN §3): `actas sign in.pdf -o
//! out.pdf` is killed with SIGKILL at pseudo-random moments, 200 times.
//! After every run the input must be byte-for-byte what it was, and
//! `out.pdf` must either not exist or be a complete signed PDF that
//! `actas verify` accepts (exit 0). Temporary files a killed process leaves
//! beside the output (it never got to rename them) are counted and removed;
//! they are never the output file.
//!
//! The delays come from a fixed-seed generator, so every run of the test
//! kills at the same offsets (the process's own speed still varies).

#[allow(dead_code)] // helpers shared with the other test crates
mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::pki::{self, PASSWORD};
use common::{example, Sandbox, SplitMix};

const RUNS: usize = 200;
/// Kills happen 0..window after the process was started, where window is
/// 25 ms or, when an uninterrupted signing takes longer on this machine (a
/// debug build), that duration, so the kills also land during the write.
const MIN_WINDOW_US: u64 = 25_000;
const SEED: u64 = 0x00AC_7A5F_1B3A_2026;

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

#[test]
fn kill_9_at_random_points_never_leaves_a_corrupt_output_nor_touches_the_input() {
    let started = Instant::now();
    let sb = Sandbox::new();
    let pki = pki::shared();
    let input = sb.path("in.pdf");
    sb.run(&[
        "render",
        "senace-acta-instalacion",
        "--data",
        s(&example("senace-acta-instalacion")),
        "-o",
        s(&input),
    ])
    .assert_ok();
    // Sign the second role, so the input already holds a signature that a
    // broken write could damage.
    let first = sb.path("in-1.pdf");
    sb.run_env(
        &[
            "sign",
            s(&input),
            "-o",
            s(&first),
            "--role",
            "especialista-calidad",
            "--p12",
            s(&pki.p12("eduardo")),
            "--password-env",
            "CLAVE",
        ],
        &[("CLAVE", PASSWORD)],
    )
    .assert_ok();
    std::fs::rename(&first, &input).unwrap();
    let original = std::fs::read(&input).unwrap();
    let output = sb.path("out.pdf");
    let p12 = pki.p12("rosa");
    let args = [
        "sign",
        s(&input),
        "-o",
        s(&output),
        "--role",
        "coord-infraestructura",
        "--p12",
        s(&p12),
        "--password-env",
        "CLAVE",
    ];

    // How long an uninterrupted signing takes here (median of 3).
    let mut durations: Vec<u64> = (0..3)
        .map(|_| {
            let t = Instant::now();
            sb.actas()
                .args(args)
                .env("CLAVE", PASSWORD)
                .output()
                .expect("actas sign runs");
            let micros = t.elapsed().as_micros() as u64;
            assert!(output.exists(), "an uninterrupted signing writes out.pdf");
            std::fs::remove_file(&output).unwrap();
            micros
        })
        .collect();
    durations.sort_unstable();
    let window = durations[1].max(MIN_WINDOW_US);

    let mut rng = SplitMix(SEED);
    // completed: exited 0; killed_written: killed after out.pdf was in place;
    // killed_before: killed before writing it.
    let (mut completed, mut killed_written, mut killed_before, mut leftovers) = (0, 0, 0, 0);
    for run in 0..RUNS {
        let _ = std::fs::remove_file(&output);
        let delay = Duration::from_micros(rng.next() % (window + 1));
        let mut child = sb
            .actas()
            .args(args)
            .env("CLAVE", PASSWORD)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start actas sign");
        std::thread::sleep(delay);
        // Child::kill is SIGKILL on Unix: no destructor, no cleanup runs.
        let _ = child.kill();
        let status = child.wait().expect("reap actas");

        assert_eq!(
            std::fs::read(&input).unwrap(),
            original,
            "run {run}: the input changed"
        );
        if status.success() {
            completed += 1;
        } else if output.exists() {
            killed_written += 1;
        } else {
            killed_before += 1;
        }
        if output.exists() {
            let bytes = std::fs::read(&output).unwrap();
            assert!(
                bytes.starts_with(&original),
                "run {run} (kill after {delay:?}): out.pdf does not extend the input"
            );
            let verify = sb.run(&["verify", s(&output), "--trust", s(&pki.root_pem())]);
            assert!(
                verify.status.success(),
                "run {run} (kill after {delay:?}): out.pdf exists but does not verify:\n{}{}",
                verify.stdout,
                verify.stderr
            );
        } else {
            assert!(
                !status.success(),
                "run {run}: actas exited 0 without writing out.pdf"
            );
        }
        // A killed process may leave its temporary file behind; it is never out.pdf.
        for name in sb.entries("") {
            if name.starts_with(".actas-") {
                leftovers += 1;
                std::fs::remove_file(sb.path(&name)).unwrap();
            }
        }
    }
    println!(
        "crash test: {RUNS} runs, kills 0–{:.1} ms after start (uninterrupted signing: {:.1} ms), {:.1} s — {completed} completed, \
         {killed_written} killed after out.pdf was written (verified), \
         {killed_before} killed before writing (no out.pdf); \
         {leftovers} temporary files left by killed runs",
        window as f64 / 1000.0,
        durations[1] as f64 / 1000.0,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(completed + killed_written + killed_before, RUNS);
}
