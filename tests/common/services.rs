//! The trust services a long-term signature talks to, started by the tests
//! themselves on loopback from the LTV test PKI (`pki::ltv`):
//! - an RFC 3161 TSA: `openssl ts -reply` behind a small HTTP handler
//!   (`/tsa`; `/tsa-auth` also demands HTTP basic auth `TSA_USER` /
//!   `TSA_PASSWORD`), and `/tsa-rapida`, the same OpenSSL TS responder
//!   code (`TS_RESP_create_response`, what `openssl ts -reply` calls)
//!   in-process, for benchmarks where a process per stamp would dominate;
//! - the intermediate's OCSP responder: `openssl ocsp -port`, over the
//!   CA's `index.txt`;
//! - CRLs made by `openssl ca -gencrl` and served over HTTP
//!   (`/crl/raiz.crl`, `/crl/intermedia.crl`).
//!
//! [`Services::revoke`] marks a certificate revoked in the index, makes
//! new CRLs and restarts the OCSP responder. Everything stops on drop.
//! It does not: implement any of the protocols (OpenSSL does), or reach
//! anything beyond 127.0.0.1.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::pki::{self, LtvPki, LtvUrls};

pub const TSA_USER: &str = "oficina-ti";
pub const TSA_PASSWORD: &str = "clave-sellado-secreta";

/// Running services and the PKI they serve.
pub struct Services {
    pub dir: tempfile::TempDir,
    pub pki: LtvPki,
    pub http_port: u16,
    pub ocsp_port: u16,
    ocsp: Mutex<Option<Child>>,
    stop: Arc<AtomicBool>,
    /// Requests served, by path prefix ("/tsa", "/crl", …).
    counts: Arc<Mutex<Vec<(String, usize)>>>,
    server: Option<std::thread::JoinHandle<()>>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .unwrap()
        .port()
}

impl Services {
    /// Makes the LTV PKI and starts every service.
    pub fn start() -> Services {
        Services::start_with(pki::ltv)
    }

    /// The services of another office: a PKI whose root is not
    /// [`Services::start`]'s.
    pub fn start_for_another_office() -> Services {
        Services::start_with(pki::ltv_of_another_office)
    }

    fn start_with(make_pki: fn(&Path, &LtvUrls) -> LtvPki) -> Services {
        let dir = tempfile::tempdir().expect("services folder");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the HTTP port");
        let http_port = listener.local_addr().unwrap().port();
        let ocsp_port = free_port();
        let base = format!("http://127.0.0.1:{http_port}");
        let urls = LtvUrls {
            ocsp: format!("http://127.0.0.1:{ocsp_port}"),
            root_crl: format!("{base}/crl/raiz.crl"),
            intermediate_crl: format!("{base}/crl/intermedia.crl"),
        };
        let pki = make_pki(&dir.path().join("pki"), &urls);
        let root = dir.path();
        write_ca(root, "raiz", &pki.root, &pki.root_key, &[&pki.intermediate]);
        let issued: Vec<&openssl::x509::X509> = pki
            .identities
            .iter()
            .map(|i| &i.cert)
            .chain([&pki.tsa.cert])
            .collect();
        write_ca(
            root,
            "intermedia",
            &pki.intermediate,
            &pki.intermediate_key,
            &issued,
        );
        gen_crl(root, "raiz");
        gen_crl(root, "intermedia");
        write_tsa_config(root, &pki);

        let stop = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(Mutex::new(Vec::new()));
        let fast = Arc::new(FastTsa::new(&pki));
        let server = {
            let stop = stop.clone();
            let counts = counts.clone();
            let root = root.to_path_buf();
            std::thread::spawn(move || serve(listener, &root, &stop, &counts, &fast))
        };
        let services = Services {
            dir,
            pki,
            http_port,
            ocsp_port,
            ocsp: Mutex::new(None),
            stop,
            counts,
            server: Some(server),
        };
        services.start_ocsp();
        services
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.http_port)
    }

    /// The TSA (`openssl ts -reply` per request).
    pub fn tsa_url(&self) -> String {
        format!("{}/tsa", self.base())
    }

    /// The TSA that demands basic auth (`TSA_USER`, `TSA_PASSWORD`).
    pub fn tsa_auth_url(&self) -> String {
        format!("{}/tsa-auth", self.base())
    }

    /// The in-process OpenSSL TS responder (benchmarks).
    pub fn fast_tsa_url(&self) -> String {
        format!("{}/tsa-rapida", self.base())
    }

    pub fn root_pem(&self) -> PathBuf {
        self.pki.root_pem()
    }

    /// How many requests paths starting with `prefix` got.
    pub fn count(&self, prefix: &str) -> usize {
        self.counts
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    }

    /// Revokes the LTV certificate of `file` (a signer, or "tsa") as of
    /// `when` (UTCTime `YYMMDDHHMMSSZ`): index, CRL and OCSP all say so.
    pub fn revoke(&self, file: &str, when: &str) {
        let cert = if file == "tsa" {
            &self.pki.tsa.cert
        } else {
            &self.pki.identity(file).cert
        };
        let serial = serial_hex(cert);
        let index = self.dir.path().join("intermedia/index.txt");
        let text = std::fs::read_to_string(&index).unwrap();
        let updated: Vec<String> = text
            .lines()
            .map(|line| {
                let cols: Vec<&str> = line.split('\t').collect();
                if cols.len() == 6 && cols[3] == serial {
                    format!(
                        "R\t{}\t{when},keyCompromise\t{}\t{}\t{}",
                        cols[1], cols[3], cols[4], cols[5]
                    )
                } else {
                    line.to_string()
                }
            })
            .collect();
        assert_ne!(
            text.lines().collect::<Vec<_>>(),
            updated,
            "{file} not in the index"
        );
        std::fs::write(&index, updated.join("\n") + "\n").unwrap();
        gen_crl(self.dir.path(), "intermedia");
        self.start_ocsp();
    }

    /// (Re)starts `openssl ocsp -port` and waits until it accepts.
    fn start_ocsp(&self) {
        let mut guard = self.ocsp.lock().unwrap();
        if let Some(mut old) = guard.take() {
            let _ = old.kill();
            let _ = old.wait();
        }
        let ca = self.dir.path().join("intermedia");
        let log = self.dir.path().join("ocsp.log");
        let _ = std::fs::remove_file(&log);
        let child = Command::new("openssl")
            .arg("ocsp")
            .args(["-port", &self.ocsp_port.to_string()])
            .arg("-index")
            .arg(ca.join("index.txt"))
            .arg("-CA")
            .arg(ca.join("ca.pem"))
            .arg("-rsigner")
            .arg(ca.join("ca.pem"))
            .arg("-rkey")
            .arg(ca.join("ca-key.pem"))
            .args(["-ndays", "7"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("OCSP log"))
            .spawn()
            .expect("openssl ocsp starts");
        // Ready when it says so. (A connect-and-close probe would leave it
        // blocked reading that connection: it serves one at a time.)
        let deadline = Instant::now() + Duration::from_secs(10);
        while !std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("waiting for OCSP client connections")
        {
            assert!(Instant::now() < deadline, "openssl ocsp did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        *guard = Some(child);
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        if let Some(mut child) = self.ocsp.lock().unwrap().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.http_port));
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

fn serial_hex(cert: &openssl::x509::X509) -> String {
    cert.serial_number()
        .to_bn()
        .unwrap()
        .to_hex_str()
        .unwrap()
        .to_string()
        .to_uppercase()
}

/// An `openssl ca` folder: `ca.pem`, `ca-key.pem`, `index.txt` listing
/// `issued`, `crlnumber`, `ca.cnf`.
fn write_ca(
    root: &Path,
    name: &str,
    cert: &openssl::x509::X509,
    key: &openssl::pkey::PKey<openssl::pkey::Private>,
    issued: &[&openssl::x509::X509],
) {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ca.pem"), cert.to_pem().unwrap()).unwrap();
    std::fs::write(
        dir.join("ca-key.pem"),
        key.private_key_to_pem_pkcs8().unwrap(),
    )
    .unwrap();
    let mut index = String::new();
    for c in issued {
        // V, expiry (UTCTime), revocation (empty), serial, file, subject.
        let expiry = utc_time(c.not_after());
        index.push_str(&format!(
            "V\t{expiry}\t\t{}\tunknown\t/CN=certificado-{}\n",
            serial_hex(c),
            serial_hex(c)
        ));
    }
    std::fs::write(dir.join("index.txt"), index).unwrap();
    std::fs::write(dir.join("index.txt.attr"), "unique_subject = no\n").unwrap();
    std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
    let cnf = format!(
        "[ca]\ndefault_ca = ca_{name}\n[ca_{name}]\ndir = {dir}\ndatabase = $dir/index.txt\n\
         crlnumber = $dir/crlnumber\ncertificate = $dir/ca.pem\nprivate_key = $dir/ca-key.pem\n\
         default_md = sha256\ndefault_crl_days = 30\n",
        dir = dir.display()
    );
    std::fs::write(dir.join("ca.cnf"), cnf).unwrap();
}

/// `Dec 31 23:59:59 2030 GMT` → `301231235959Z`.
fn utc_time(t: &openssl::asn1::Asn1TimeRef) -> String {
    let text = t.to_string();
    let parsed =
        chrono::NaiveDateTime::parse_from_str(text.trim_end_matches(" GMT"), "%b %e %H:%M:%S %Y")
            .expect("certificate time");
    parsed.format("%y%m%d%H%M%SZ").to_string()
}

/// `openssl ca -gencrl` → `<root>/<name>.crl` (DER, what CRLDPs serve).
fn gen_crl(root: &Path, name: &str) {
    let dir = root.join(name);
    let pem = dir.join("crl.pem");
    let out = Command::new("openssl")
        .args(["ca", "-gencrl", "-batch", "-config"])
        .arg(dir.join("ca.cnf"))
        .arg("-out")
        .arg(&pem)
        .output()
        .expect("openssl ca");
    assert!(
        out.status.success(),
        "openssl ca -gencrl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new("openssl")
        .args(["crl", "-outform", "DER", "-in"])
        .arg(&pem)
        .arg("-out")
        .arg(root.join(format!("{name}.crl")))
        .output()
        .expect("openssl crl");
    assert!(out.status.success());
}

fn write_tsa_config(root: &Path, pki: &LtvPki) {
    let dir = root.join("tsa");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tsa.pem"), pki.tsa.cert.to_pem().unwrap()).unwrap();
    std::fs::write(
        dir.join("tsa-key.pem"),
        pki.tsa.key.private_key_to_pem_pkcs8().unwrap(),
    )
    .unwrap();
    let mut chain = pki.intermediate.to_pem().unwrap();
    chain.extend(pki.root.to_pem().unwrap());
    std::fs::write(dir.join("chain.pem"), chain).unwrap();
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    let cnf = format!(
        "[tsa]\ndefault_tsa = tsa_actas\n[tsa_actas]\ndir = {dir}\nserial = $dir/serial\n\
         signer_cert = $dir/tsa.pem\nsigner_key = $dir/tsa-key.pem\ncerts = $dir/chain.pem\n\
         signer_digest = sha256\ndefault_policy = 1.3.6.1.4.1.59999.1.1\n\
         digests = sha256, sha384, sha512\naccuracy = secs:1\nordering = no\ntsa_name = no\n\
         ess_cert_id_chain = no\ness_cert_id_alg = sha256\n",
        dir = dir.display()
    );
    std::fs::write(dir.join("tsa.cnf"), cnf).unwrap();
}

// ─────────────────────────────── HTTP ───────────────────────────────

fn serve(
    listener: TcpListener,
    root: &Path,
    stop: &AtomicBool,
    counts: &Mutex<Vec<(String, usize)>>,
    fast: &FastTsa,
) {
    let serial = AtomicUsize::new(0);
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let _ = handle(stream, root, counts, fast, &serial);
    }
}

fn handle(
    mut stream: TcpStream,
    root: &Path,
    counts: &Mutex<Vec<(String, usize)>>,
    fast: &FastTsa,
    serial: &AtomicUsize,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut length = 0usize;
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "authorization" => authorization = Some(value.trim().to_string()),
            _ => {}
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    {
        let mut c = counts.lock().unwrap();
        match c.iter_mut().find(|(p, _)| *p == path) {
            Some((_, n)) => *n += 1,
            None => c.push((path.clone(), 1)),
        }
    }
    let (status, content_type, answer): (&str, &str, Vec<u8>) =
        match (method.as_str(), path.as_str()) {
            ("POST", "/tsa") => (
                "200 OK",
                "application/timestamp-reply",
                cli_tsa(root, &body, serial),
            ),
            ("POST", "/tsa-auth") => {
                use base64::Engine;
                let expected = format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD
                        .encode(format!("{TSA_USER}:{TSA_PASSWORD}"))
                );
                if authorization.as_deref() == Some(expected.as_str()) {
                    (
                        "200 OK",
                        "application/timestamp-reply",
                        cli_tsa(root, &body, serial),
                    )
                } else {
                    ("401 Unauthorized", "text/plain", b"credenciales".to_vec())
                }
            }
            ("POST", "/tsa-rapida") => ("200 OK", "application/timestamp-reply", fast.reply(&body)),
            ("GET", p) if p.starts_with("/crl/") => {
                let name = &p["/crl/".len()..];
                match std::fs::read(root.join(name)) {
                    Ok(bytes) if !name.contains('/') => ("200 OK", "application/pkix-crl", bytes),
                    _ => ("404 Not Found", "text/plain", Vec::new()),
                }
            }
            _ => ("404 Not Found", "text/plain", Vec::new()),
        };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        answer.len()
    )?;
    stream.write_all(&answer)?;
    stream.flush()
}

/// `openssl ts -reply` for one query.
fn cli_tsa(root: &Path, query: &[u8], serial: &AtomicUsize) -> Vec<u8> {
    let dir = root.join("tsa");
    let n = serial.fetch_add(1, Ordering::SeqCst);
    let q = dir.join(format!("q{n}.tsq"));
    let r = dir.join(format!("r{n}.tsr"));
    std::fs::write(&q, query).unwrap();
    let out = Command::new("openssl")
        .args(["ts", "-reply", "-config"])
        .arg(dir.join("tsa.cnf"))
        .arg("-queryfile")
        .arg(&q)
        .arg("-out")
        .arg(&r)
        .output()
        .expect("openssl ts");
    let reply = std::fs::read(&r).unwrap_or_default();
    let _ = std::fs::remove_file(&q);
    let _ = std::fs::remove_file(&r);
    assert!(
        out.status.success(),
        "openssl ts -reply: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    reply
}

// ───────────────── OpenSSL's TS responder, in process ─────────────────

#[allow(non_camel_case_types)]
type TS_RESP_CTX = std::ffi::c_void;
#[allow(non_camel_case_types)]
type TS_RESP = std::ffi::c_void;

extern "C" {
    fn TS_RESP_CTX_new() -> *mut TS_RESP_CTX;
    fn TS_RESP_CTX_set_signer_cert(ctx: *mut TS_RESP_CTX, signer: *mut openssl_sys::X509) -> i32;
    fn TS_RESP_CTX_set_signer_key(ctx: *mut TS_RESP_CTX, key: *mut openssl_sys::EVP_PKEY) -> i32;
    fn TS_RESP_CTX_set_signer_digest(ctx: *mut TS_RESP_CTX, md: *const openssl_sys::EVP_MD) -> i32;
    fn TS_RESP_CTX_set_ess_cert_id_digest(
        ctx: *mut TS_RESP_CTX,
        md: *const openssl_sys::EVP_MD,
    ) -> i32;
    fn TS_RESP_CTX_set_def_policy(
        ctx: *mut TS_RESP_CTX,
        policy: *const openssl_sys::ASN1_OBJECT,
    ) -> i32;
    fn TS_RESP_CTX_set_certs(ctx: *mut TS_RESP_CTX, certs: *mut openssl_sys::stack_st_X509) -> i32;
    fn TS_RESP_CTX_add_md(ctx: *mut TS_RESP_CTX, md: *const openssl_sys::EVP_MD) -> i32;
    fn TS_RESP_CTX_set_accuracy(ctx: *mut TS_RESP_CTX, secs: i32, millis: i32, micros: i32) -> i32;
    fn TS_RESP_create_response(ctx: *mut TS_RESP_CTX, req: *mut openssl_sys::BIO) -> *mut TS_RESP;
    fn i2d_TS_RESP(resp: *const TS_RESP, out: *mut *mut u8) -> i32;
    fn TS_RESP_free(resp: *mut TS_RESP);
}

/// A TS_RESP_CTX configured like `tsa.cnf`, used under a lock.
struct FastTsa {
    ctx: Mutex<usize>,
    // Keep the objects the context points to alive.
    _cert: openssl::x509::X509,
    _key: openssl::pkey::PKey<openssl::pkey::Private>,
}

impl FastTsa {
    fn new(pki: &LtvPki) -> FastTsa {
        use foreign_types::ForeignType;
        let cert = pki.tsa.cert.clone();
        let key = pki.tsa.key.clone();
        let mut chain = openssl::stack::Stack::new().unwrap();
        chain.push(pki.intermediate.clone()).unwrap();
        chain.push(pki.root.clone()).unwrap();
        unsafe {
            let ctx = TS_RESP_CTX_new();
            assert!(!ctx.is_null());
            assert_eq!(TS_RESP_CTX_set_signer_cert(ctx, cert.as_ptr()), 1);
            assert_eq!(TS_RESP_CTX_set_signer_key(ctx, key.as_ptr()), 1);
            assert_eq!(
                TS_RESP_CTX_set_signer_digest(ctx, openssl_sys::EVP_sha256()),
                1
            );
            assert_eq!(
                TS_RESP_CTX_set_ess_cert_id_digest(ctx, openssl_sys::EVP_sha256()),
                1
            );
            let policy = std::ffi::CString::new("1.3.6.1.4.1.59999.1.2").unwrap();
            let obj = openssl_sys::OBJ_txt2obj(policy.as_ptr(), 1);
            assert_eq!(TS_RESP_CTX_set_def_policy(ctx, obj), 1);
            openssl_sys::ASN1_OBJECT_free(obj);
            // set_certs copies the stack (and up-refs the certificates).
            assert_eq!(TS_RESP_CTX_set_certs(ctx, chain.as_ptr()), 1);
            assert_eq!(TS_RESP_CTX_add_md(ctx, openssl_sys::EVP_sha256()), 1);
            assert_eq!(TS_RESP_CTX_set_accuracy(ctx, 1, 0, 0), 1);
            FastTsa {
                ctx: Mutex::new(ctx as usize),
                _cert: cert,
                _key: key,
            }
        }
    }

    fn reply(&self, query: &[u8]) -> Vec<u8> {
        let ctx = self.ctx.lock().unwrap();
        unsafe {
            let bio = openssl_sys::BIO_new_mem_buf(query.as_ptr().cast(), query.len() as i32);
            let resp = TS_RESP_create_response(*ctx as *mut TS_RESP_CTX, bio);
            openssl_sys::BIO_free_all(bio);
            assert!(!resp.is_null(), "TS_RESP_create_response failed");
            let len = i2d_TS_RESP(resp, std::ptr::null_mut());
            let mut out = vec![0u8; len.max(0) as usize];
            let mut p = out.as_mut_ptr();
            i2d_TS_RESP(resp, &mut p);
            TS_RESP_free(resp);
            out
        }
    }
}
