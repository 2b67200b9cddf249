//! HTTP for the services a long-lived signature needs: RFC 3161 time-stamp
//! authorities (POST), OCSP responders (POST) and CRL distribution points
//! (GET). One client with the office's timeout and proxy; optional HTTP
//! basic authentication for the TSA, read from the environment
//! (`ACTAS_TSA_USUARIO`, `ACTAS_TSA_CLAVE`) and never logged or shown.
//!
//! Errors are one Spanish line that names the URL (without any user
//! information it might carry) and the cause. It does not: retry, cache,
//! or know what the bytes mean (`timestamp`, `revocation` do).

use std::io::ErrorKind;
use std::time::Duration;

/// Largest answer read from a service (a CRL of a national CA can be
/// several megabytes; nothing legitimate is larger).
const MAX_BODY: u64 = 32 * 1024 * 1024;

/// Environment variables with the TSA's basic-auth credentials.
pub const TSA_USER_ENV: &str = "ACTAS_TSA_USUARIO";
pub const TSA_PASSWORD_ENV: &str = "ACTAS_TSA_CLAVE";

/// Timeout and proxy, from Configuración (or the defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetOptions {
    /// For the whole exchange (connect, send, receive).
    pub timeout: Duration,
    /// `http://host:port` (also `socks5://`); None uses `HTTP(S)_PROXY` /
    /// `ALL_PROXY` from the environment, if set.
    pub proxy: Option<String>,
}

impl Default for NetOptions {
    fn default() -> Self {
        NetOptions {
            timeout: Duration::from_secs(20),
            proxy: None,
        }
    }
}

/// HTTP basic credentials; `Debug` never shows the password.
#[derive(Clone)]
pub struct BasicAuth {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicAuth")
            .field("user", &self.user)
            .field("password", &"***")
            .finish()
    }
}

impl BasicAuth {
    /// The TSA credentials from `ACTAS_TSA_USUARIO` / `ACTAS_TSA_CLAVE`,
    /// when the user variable is set.
    pub fn tsa_from_env() -> Option<BasicAuth> {
        let user = std::env::var(TSA_USER_ENV).ok().filter(|u| !u.is_empty())?;
        let password = std::env::var(TSA_PASSWORD_ENV).unwrap_or_default();
        Some(BasicAuth { user, password })
    }

    fn header(&self) -> String {
        use base64::Engine;
        let raw = format!("{}:{}", self.user, self.password);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error("la dirección {url} no es válida: use http:// o https://")]
    BadUrl { url: String },
    #[error("el proxy {proxy} no es válido: {reason}")]
    BadProxy { proxy: String, reason: String },
    #[error("no se pudo consultar {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} respondió con el estado HTTP {status}{hint}")]
    Status {
        url: String,
        status: u16,
        hint: &'static str,
    },
}

/// One client for a run: share it between requests (it keeps connections).
#[derive(Clone)]
pub struct Http {
    agent: ureq::Agent,
    timeout: Duration,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Http {
    pub fn new(options: &NetOptions) -> Result<Http, NetError> {
        let proxy = match options.proxy.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => {
                Some(ureq::Proxy::new(p).map_err(|e| NetError::BadProxy {
                    proxy: p.to_string(),
                    reason: e.to_string(),
                })?)
            }
            _ => ureq::Proxy::try_from_env(),
        };
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(options.timeout))
            .http_status_as_error(false)
            .proxy(proxy)
            .user_agent(concat!("actas/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Http {
            agent: config.into(),
            timeout: options.timeout,
        })
    }

    /// POSTs `body` and returns the answer's bytes (status 200 only).
    pub fn post(
        &self,
        url: &str,
        content_type: &str,
        accept: &str,
        body: &[u8],
        auth: Option<&BasicAuth>,
    ) -> Result<Vec<u8>, NetError> {
        check_url(url)?;
        let mut request = self
            .agent
            .post(url)
            .header("Content-Type", content_type)
            .header("Accept", accept);
        if let Some(auth) = auth {
            request = request.header("Authorization", auth.header());
        }
        let response = request.send(body).map_err(|e| self.unreachable(url, e))?;
        self.body(url, response)
    }

    /// GETs `url` (a CRL) and returns the bytes (status 200 only).
    pub fn get(&self, url: &str) -> Result<Vec<u8>, NetError> {
        check_url(url)?;
        let response = self
            .agent
            .get(url)
            .call()
            .map_err(|e| self.unreachable(url, e))?;
        self.body(url, response)
    }

    fn body(
        &self,
        url: &str,
        mut response: ureq::http::Response<ureq::Body>,
    ) -> Result<Vec<u8>, NetError> {
        let status = response.status().as_u16();
        if status != 200 {
            return Err(NetError::Status {
                url: redact(url),
                status,
                hint: match status {
                    401 | 403 => {
                        " (credenciales rechazadas: revise ACTAS_TSA_USUARIO y ACTAS_TSA_CLAVE)"
                    }
                    404 => " (no encontrado)",
                    _ => "",
                },
            });
        }
        response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| self.unreachable(url, e))
    }

    fn unreachable(&self, url: &str, error: ureq::Error) -> NetError {
        let reason = match &error {
            ureq::Error::Timeout(_) => format!(
                "se agotó el tiempo de espera ({} s)",
                self.timeout.as_secs().max(1)
            ),
            ureq::Error::HostNotFound => "no se encontró el servidor".to_string(),
            ureq::Error::Io(io) => match io.kind() {
                ErrorKind::ConnectionRefused => "conexión rechazada".to_string(),
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
                    "la conexión se cortó".to_string()
                }
                ErrorKind::TimedOut => format!(
                    "se agotó el tiempo de espera ({} s)",
                    self.timeout.as_secs().max(1)
                ),
                _ => format!("error de red ({io})"),
            },
            ureq::Error::BodyExceedsLimit(_) => "la respuesta es demasiado grande".to_string(),
            other => format!("error de red ({other})"),
        };
        NetError::Unreachable {
            url: redact(url),
            reason,
        }
    }
}

fn check_url(url: &str) -> Result<(), NetError> {
    let lower = url.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://")) && url.len() > 8 {
        Ok(())
    } else {
        Err(NetError::BadUrl { url: redact(url) })
    }
}

/// The URL without `user:password@`, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    #[test]
    fn credentials_never_show_in_urls_or_debug() {
        assert_eq!(
            redact("https://ana:secreto@tsa.example.pe/ts"),
            "https://tsa.example.pe/ts"
        );
        assert_eq!(redact("http://tsa/ts?a=b@c"), "http://tsa/ts?a=b@c");
        let auth = BasicAuth {
            user: "ana".into(),
            password: "secreto".into(),
        };
        assert!(!format!("{auth:?}").contains("secreto"));
    }

    #[test]
    fn refused_connection_names_the_url() {
        // A port that was free a moment ago: nothing listens there now.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let http = Http::new(&NetOptions::default()).unwrap();
        let url = format!("http://127.0.0.1:{port}/tsa");
        let err = http.post(&url, "a/b", "a/c", b"x", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("no se pudo consultar {url}: conexión rechazada")
        );
        let err = http.get("ftp://x/y").unwrap_err();
        assert!(matches!(err, NetError::BadUrl { .. }), "{err}");
    }

    #[test]
    fn a_silent_server_times_out_and_a_404_is_reported() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            // First connection: read and say nothing (the client times out).
            let (mut silent, _) = listener.accept().unwrap();
            // Second: answer 404.
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            let _ = silent.read(&mut buf);
        });
        let http = Http::new(&NetOptions {
            timeout: Duration::from_millis(300),
            proxy: None,
        })
        .unwrap();
        let url = format!("http://127.0.0.1:{port}/ocsp");
        let err = http.get(&url).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("no se pudo consultar {url}: se agotó el tiempo")),
            "{err}"
        );
        let err = http.get(&url).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{url} respondió con el estado HTTP 404 (no encontrado)")
        );
        server.join().unwrap();
    }
}
