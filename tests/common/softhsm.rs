//! A SoftHSM2 token for the tests, in its own temporary `SOFTHSM2_CONF`
//! (nothing of the machine's is touched): initialised with
//! `softhsm2-util --init-token`, keys imported with `softhsm2-util
//! --import` (unencrypted PKCS#8, removed at once), certificates written
//! with OpenSC's `pkcs11-tool --write-object`. Processes that should see
//! the token get `SOFTHSM2_CONF` = [`SoftToken::conf`].
//!
//! It does not: sign or read anything back (that is the code under test).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

/// The module Debian's `softhsm2` installs.
pub const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// One object pair on the token: a certificate and, when given, its key.
pub struct Entry<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub key: Option<&'a PKey<Private>>,
    pub cert: &'a X509,
}

pub struct SoftToken {
    dir: tempfile::TempDir,
    pub conf: PathBuf,
    pub label: String,
    pub pin: String,
}

impl SoftToken {
    /// A token `label` with user PIN `pin` holding `entries`.
    pub fn create(label: &str, pin: &str, entries: &[Entry]) -> SoftToken {
        let dir = tempfile::tempdir().expect("token folder");
        let tokens = dir.path().join("tokens");
        std::fs::create_dir_all(&tokens).unwrap();
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .unwrap();
        let token = SoftToken {
            dir,
            conf,
            label: label.to_string(),
            pin: pin.to_string(),
        };
        token.run(
            "softhsm2-util",
            &[
                "--init-token",
                "--free",
                "--label",
                label,
                "--so-pin",
                "12345678",
                "--pin",
                pin,
            ],
        );
        for entry in entries {
            if let Some(key) = entry.key {
                let pem = token.dir.path().join(format!("{}.pem", entry.label));
                std::fs::write(&pem, key.private_key_to_pem_pkcs8().unwrap()).unwrap();
                token.run(
                    "softhsm2-util",
                    &[
                        "--import",
                        path(&pem),
                        "--token",
                        label,
                        "--label",
                        entry.label,
                        "--id",
                        entry.id,
                        "--pin",
                        pin,
                    ],
                );
                std::fs::remove_file(&pem).unwrap();
            }
            let der = token.dir.path().join(format!("{}.der", entry.label));
            std::fs::write(&der, entry.cert.to_der().unwrap()).unwrap();
            token.run(
                "pkcs11-tool",
                &[
                    "--module",
                    MODULE,
                    "--token-label",
                    label,
                    "--login",
                    "--pin",
                    pin,
                    "--write-object",
                    path(&der),
                    "--type",
                    "cert",
                    "--id",
                    entry.id,
                    "--label",
                    entry.label,
                ],
            );
        }
        token
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = Command::new(program)
            .args(args)
            .env("SOFTHSM2_CONF", &self.conf)
            .output()
            .unwrap_or_else(|e| panic!("{program} is needed (scripts/install-deps.sh test): {e}"));
        assert!(
            out.status.success(),
            "{program} {}: {}",
            args.first().unwrap_or(&""),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}
