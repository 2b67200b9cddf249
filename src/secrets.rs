//! Secret fields at rest (DESIGN §2: AGETIC requests carry tokens and
//! credentials): the office's key, and sealing / opening the values of a
//! template's `secret` fields inside a document's JSON data.
//!
//! A sealed value replaces the clear text in the same JSON the store
//! already keeps (documents and drafts), so the database never holds a
//! secret in clear and needs no new column: `actas-secreto:v1:<key id>:<base64>`,
//! where the base64 is a 12-byte random nonce, the AES-256-GCM ciphertext
//! and its 16-byte tag (openssl). The additional data binds the value to
//! its template and field, so a sealed value pasted into another field does
//! not open. The key is 32 random bytes in a file outside the database
//! (`ACTAS_CLAVE_OFICINA`, else `clave-oficina.key` in the user's
//! configuration folder), created with mode 0600 on first use; whoever
//! holds the database alone cannot read the secrets. Nothing here prints,
//! logs or returns a secret except [`OfficeKey::open`] to its caller.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use openssl::rand::rand_bytes;
use openssl::symm::{decrypt_aead, encrypt_aead, Cipher};
use serde_json::Value as Json;

use crate::template::{FieldKind, Template};

/// Environment variable naming the key file.
pub const KEY_ENV: &str = "ACTAS_CLAVE_OFICINA";
const KEY_FILE: &str = "clave-oficina.key";
const PREFIX: &str = "actas-secreto:v1:";
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// A secret that cannot be sealed or opened. Messages never contain the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("no se puede leer la clave de la oficina {}: {reason}", path.display())]
    KeyFile { path: PathBuf, reason: String },
    #[error("no se puede crear la clave de la oficina {}: {reason}", path.display())]
    CreateKey { path: PathBuf, reason: String },
    #[error("{field}: el secreto fue cifrado con otra clave de oficina ({sealed_with}; la de este equipo es {current})")]
    OtherKey {
        field: String,
        sealed_with: String,
        current: String,
    },
    #[error("{field}: el secreto cifrado está dañado o no corresponde a este campo")]
    Damaged { field: String },
    #[error("no se pudo cifrar {field}: {reason}")]
    Crypto { field: String, reason: String },
}

/// The office's key: 32 bytes and a short public id (the first 8 hex
/// digits of its SHA-256) written beside each sealed value.
pub struct OfficeKey {
    key: [u8; KEY_LEN],
    id: String,
}

impl std::fmt::Debug for OfficeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfficeKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl OfficeKey {
    /// The key file: `ACTAS_CLAVE_OFICINA`, else `clave-oficina.key` in the
    /// user's configuration folder (`~/.config/actas/` on Linux) — never
    /// beside the database.
    pub fn default_path() -> Result<PathBuf, SecretError> {
        if let Some(path) = std::env::var_os(KEY_ENV).filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(path));
        }
        directories::ProjectDirs::from("pe", "Actas", "actas")
            .map(|dirs| dirs.config_dir().join(KEY_FILE))
            .ok_or_else(|| SecretError::KeyFile {
                path: PathBuf::from(KEY_FILE),
                reason: format!("no se encontró la carpeta de configuración del usuario; indique la clave con {KEY_ENV}"),
            })
    }

    /// Reads the key at `path`, creating it (0600, random) when missing.
    pub fn load_or_create(path: &Path) -> Result<OfficeKey, SecretError> {
        match std::fs::read(path) {
            Ok(bytes) => OfficeKey::from_file_bytes(path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => OfficeKey::create(path),
            Err(e) => Err(SecretError::KeyFile {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }),
        }
    }

    /// The key at the default place ([`OfficeKey::default_path`]).
    pub fn load_default() -> Result<OfficeKey, SecretError> {
        OfficeKey::load_or_create(&OfficeKey::default_path()?)
    }

    fn from_file_bytes(path: &Path, bytes: &[u8]) -> Result<OfficeKey, SecretError> {
        let key: [u8; KEY_LEN] = bytes.try_into().map_err(|_| SecretError::KeyFile {
            path: path.to_path_buf(),
            reason: format!("debe tener {KEY_LEN} bytes y tiene {}", bytes.len()),
        })?;
        Ok(OfficeKey::from_bytes(key))
    }

    fn from_bytes(key: [u8; KEY_LEN]) -> OfficeKey {
        let digest = openssl::sha::sha256(&key);
        let id: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        OfficeKey { key, id }
    }

    fn create(path: &Path) -> Result<OfficeKey, SecretError> {
        let fail = |reason: String| SecretError::CreateKey {
            path: path.to_path_buf(),
            reason,
        };
        let mut key = [0u8; KEY_LEN];
        rand_bytes(&mut key).map_err(|e| fail(e.to_string()))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(&key)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| {
                        let _ = std::fs::remove_file(path);
                        fail(e.to_string())
                    })?;
                Ok(OfficeKey::from_bytes(key))
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
                OfficeKey::from_file_bytes(path, &bytes)
            }
            Err(e) => Err(fail(e.to_string())),
        }
    }

    /// The key's public id (`3fa91c0b`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Seals `clear` for `field` (the additional data that binds it).
    pub fn seal(&self, clear: &str, field: &str) -> Result<String, SecretError> {
        let fail = |e: openssl::error::ErrorStack| SecretError::Crypto {
            field: field.to_string(),
            reason: e.to_string(),
        };
        let mut nonce = [0u8; NONCE_LEN];
        rand_bytes(&mut nonce).map_err(fail)?;
        let mut tag = [0u8; TAG_LEN];
        let ciphertext = encrypt_aead(
            Cipher::aes_256_gcm(),
            &self.key,
            Some(&nonce),
            field.as_bytes(),
            clear.as_bytes(),
            &mut tag,
        )
        .map_err(fail)?;
        let mut blob = Vec::with_capacity(NONCE_LEN + ciphertext.len() + TAG_LEN);
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ciphertext);
        blob.extend_from_slice(&tag);
        Ok(format!(
            "{PREFIX}{}:{}",
            self.id,
            base64::engine::general_purpose::STANDARD.encode(blob)
        ))
    }

    /// Opens a value [`OfficeKey::seal`] made for `field`.
    pub fn open(&self, sealed: &str, field: &str) -> Result<String, SecretError> {
        let damaged = || SecretError::Damaged {
            field: field.to_string(),
        };
        let rest = sealed.strip_prefix(PREFIX).ok_or_else(damaged)?;
        let (key_id, encoded) = rest.split_once(':').ok_or_else(damaged)?;
        if key_id != self.id {
            return Err(SecretError::OtherKey {
                field: field.to_string(),
                sealed_with: key_id.to_string(),
                current: self.id.clone(),
            });
        }
        let blob = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| damaged())?;
        if blob.len() < NONCE_LEN + TAG_LEN {
            return Err(damaged());
        }
        let (nonce, rest) = blob.split_at(NONCE_LEN);
        let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
        let clear = decrypt_aead(
            Cipher::aes_256_gcm(),
            &self.key,
            Some(nonce),
            field.as_bytes(),
            ciphertext,
            tag,
        )
        .map_err(|_| damaged())?;
        String::from_utf8(clear).map_err(|_| damaged())
    }
}

/// Whether a JSON text is a sealed secret.
pub fn is_sealed(text: &str) -> bool {
    text.starts_with(PREFIX)
}

/// Each secret value of `data` with its binding name (`<template>/<field>`
/// or `<template>/<table>.<column>`), for [`seal_data`] and [`open_data`].
fn for_each_secret(
    template: &Template,
    data: &mut Json,
    mut visit: impl FnMut(&str, &mut Json) -> Result<(), SecretError>,
) -> Result<(), SecretError> {
    let Some(object) = data.as_object_mut() else {
        return Ok(());
    };
    for field in template.fields() {
        match &field.kind {
            FieldKind::Secret { .. } => {
                if let Some(value) = object.get_mut(&field.id) {
                    visit(&format!("{}/{}", template.id, field.id), value)?;
                }
            }
            FieldKind::Table { columns, .. } => {
                let secret_columns: Vec<&str> = columns
                    .iter()
                    .filter(|c| matches!(c.kind, FieldKind::Secret { .. }))
                    .map(|c| c.id.as_str())
                    .collect();
                if secret_columns.is_empty() {
                    continue;
                }
                let Some(rows) = object.get_mut(&field.id).and_then(Json::as_array_mut) else {
                    continue;
                };
                for row in rows.iter_mut().filter_map(Json::as_object_mut) {
                    for column in &secret_columns {
                        if let Some(value) = row.get_mut(*column) {
                            visit(&format!("{}/{}.{column}", template.id, field.id), value)?;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Replaces every clear secret of `data` by its sealed form (sealed ones
/// and empty ones stay as they are).
pub fn seal_data(template: &Template, data: &mut Json, key: &OfficeKey) -> Result<(), SecretError> {
    for_each_secret(template, data, |binding, value| {
        if let Some(text) = value.as_str() {
            if !text.trim().is_empty() && !is_sealed(text) {
                *value = Json::String(key.seal(text, binding)?);
            }
        }
        Ok(())
    })
}

/// Replaces every sealed secret of `data` by its clear text.
pub fn open_data(template: &Template, data: &mut Json, key: &OfficeKey) -> Result<(), SecretError> {
    for_each_secret(template, data, |binding, value| {
        if let Some(text) = value.as_str().filter(|t| is_sealed(t)) {
            *value = Json::String(key.open(text, binding)?);
        }
        Ok(())
    })
}

/// Whether `data` holds a sealed secret (it must be opened before use).
pub fn has_sealed(template: &Template, data: &Json) -> bool {
    let mut copy = data.clone();
    let mut found = false;
    let _ = for_each_secret(template, &mut copy, |_, value| {
        found |= value.as_str().is_some_and(is_sealed);
        Ok(())
    });
    found
}

/// Whether `data` holds a secret in clear (it must be sealed before it is stored).
pub fn has_clear(template: &Template, data: &Json) -> bool {
    let mut copy = data.clone();
    let mut found = false;
    let _ = for_each_secret(template, &mut copy, |_, value| {
        found |= value
            .as_str()
            .is_some_and(|t| !t.trim().is_empty() && !is_sealed(t));
        Ok(())
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::load_template_str;

    const SECRET: &str = "ghp_Zt7QmS9vK2xW4pL8rN1c";

    fn key_in(dir: &tempfile::TempDir) -> (PathBuf, OfficeKey) {
        let path = dir.path().join("conf").join(KEY_FILE);
        let key = OfficeKey::load_or_create(&path).unwrap();
        (path, key)
    }

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let (path, key) = key_in(&dir);
        assert_eq!(std::fs::read(&path).unwrap().len(), KEY_LEN);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = OfficeKey::load_or_create(&path).unwrap();
        assert_eq!(again.id(), key.id());
        std::fs::write(&path, b"corta").unwrap();
        let err = OfficeKey::load_or_create(&path).unwrap_err().to_string();
        assert!(err.contains("debe tener 32 bytes"), "{err}");
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let (_, key) = key_in(&dir);
        let sealed = key.seal(SECRET, "t/token").unwrap();
        assert!(is_sealed(&sealed) && !sealed.contains(SECRET));
        assert_ne!(
            sealed,
            key.seal(SECRET, "t/token").unwrap(),
            "fresh nonce each time"
        );
        assert_eq!(key.open(&sealed, "t/token").unwrap(), SECRET);
        // Moved to another field: refused, and the message holds no secret.
        let err = key.open(&sealed, "t/otro").unwrap_err().to_string();
        assert!(err.contains("dañado") && !err.contains(SECRET), "{err}");
        // One flipped byte: refused.
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 3;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(key
            .open(std::str::from_utf8(&tampered).unwrap(), "t/token")
            .is_err());
        // Another office's key: named by id.
        let other_dir = tempfile::tempdir().unwrap();
        let (_, other) = key_in(&other_dir);
        let err = other.open(&sealed, "t/token").unwrap_err().to_string();
        assert!(err.contains(key.id()) && err.contains(other.id()), "{err}");
    }

    #[test]
    fn data_is_sealed_and_opened_field_by_field_including_table_columns() {
        let template = load_template_str(
            r#"
id = "s"
title = "S"
entity = "E"
office = "O"
form_code = "F"
format_version = "1"
seed = { file = "x", line = 1 }
[[sections]]
title = "S"
[[sections.fields]]
id = "sistema"
label = "Sistema"
kind = "text"
[[sections.fields]]
id = "token"
label = "Token"
kind = "secret"
[[sections.fields]]
id = "credenciales"
label = "Credenciales"
kind = "table"
[[sections.fields.columns]]
id = "usuario"
label = "Usuario"
kind = "text"
[[sections.fields.columns]]
id = "clave"
label = "Clave"
kind = "secret"
"#,
            Path::new("s.toml"),
        )
        .unwrap();
        assert!(template.has_secrets());
        let dir = tempfile::tempdir().unwrap();
        let (_, key) = key_in(&dir);
        let original = serde_json::json!({"sistema": "SIGEP", "token": SECRET,
            "credenciales": [{"usuario": "app", "clave": "Cl4ve-Muy-Secreta"}, {"usuario": "ro", "clave": ""}]});
        let mut data = original.clone();
        assert!(has_clear(&template, &data));
        seal_data(&template, &mut data, &key).unwrap();
        let text = data.to_string();
        assert!(
            !text.contains(SECRET) && !text.contains("Cl4ve-Muy-Secreta"),
            "{text}"
        );
        assert!(text.contains("SIGEP"));
        assert!(has_sealed(&template, &data) && !has_clear(&template, &data));
        assert_eq!(data["credenciales"][1]["clave"], "");
        open_data(&template, &mut data, &key).unwrap();
        assert_eq!(data, original);
    }
}
