//! A small W3C WebDriver client for the end-to-end test: starts Xvfb and
//! `tauri-driver` (which drives WebKitWebDriver, which launches the real
//! `actas-desktop` binary), opens a session, finds elements by CSS or XPath
//! with polling, clicks, types, reads text and attributes, and saves
//! screenshots. Everything it starts is killed when dropped.
//!
//! It does not know the app's screens: `e2e.rs` does.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long `find` waits for an element to appear.
pub const WAIT: Duration = Duration::from_secs(20);

/// A child process; dropping it kills it and everything it started
/// (tauri-driver's WebKitWebDriver and the app under it).
struct Killed(Child);

impl Killed {
    fn spawn(command: &mut Command, what: &str) -> Killed {
        Killed(command.spawn().unwrap_or_else(|e| panic!("{what}: {e}")))
    }
}

/// The processes whose parent is `pid`, from `/proc`.
fn children(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|child| {
            std::fs::read_to_string(format!("/proc/{child}/stat"))
                .ok()
                .and_then(|stat| {
                    // `pid (comm) state ppid …`; comm may hold spaces.
                    let rest = &stat[stat.rfind(')')? + 2..];
                    rest.split(' ').nth(1)?.parse::<u32>().ok()
                })
                == Some(pid)
        })
        .collect()
}

/// Kills `pid`'s descendants, deepest first, then `pid`.
fn kill_tree(pid: u32) {
    for child in children(pid) {
        kill_tree(child);
    }
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
}

impl Drop for Killed {
    fn drop(&mut self) {
        kill_tree(self.0.id());
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A virtual display, `tauri-driver`, and one session on the app.
pub struct Desktop {
    agent: ureq::Agent,
    base: String,
    session: String,
    pub shots: PathBuf,
    shot_count: usize,
    _driver: Killed,
    _xvfb: Killed,
}

/// Where `cargo install tauri-driver` puts it, or PATH.
fn tauri_driver() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let installed = home.join(".cargo/bin/tauri-driver");
    if installed.exists() {
        installed
    } else {
        PathBuf::from("tauri-driver")
    }
}

impl Desktop {
    /// Starts everything and launches `app` with `env` in a 1366×900 display.
    pub fn launch(app: &Path, env: &[(&str, String)], shots: PathBuf) -> Desktop {
        std::fs::create_dir_all(&shots).unwrap();
        let display = format!(":{}", 90 + std::process::id() % 400);
        let xvfb = Killed::spawn(
            Command::new("Xvfb")
                .args([
                    display.as_str(),
                    "-screen",
                    "0",
                    "1366x900x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            "Xvfb is installed (scripts/install-deps.sh test)",
        );
        std::thread::sleep(Duration::from_millis(400));
        let port = free_port();
        let native = free_port();
        let mut driver = Command::new(tauri_driver());
        driver
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .env("DISPLAY", &display)
            .stdout(Stdio::null())
            // Its log beside the screenshots; not inherited, so nothing it
            // starts keeps the test's output open.
            .stderr(std::fs::File::create(shots.join("tauri-driver.log")).unwrap());
        for (key, value) in env {
            driver.env(key, value);
        }
        let driver = Killed::spawn(
            &mut driver,
            "tauri-driver is installed (scripts/install-deps.sh test)",
        );
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "tauri:options": {"application": app.display().to_string()}
        }}});
        let created = post(&agent, &format!("{base}/session"), &caps);
        let session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_string();
        Desktop {
            agent,
            base,
            session,
            shots,
            shot_count: 0,
            _driver: driver,
            _xvfb: xvfb,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    fn post(&self, path: &str, body: Value) -> Value {
        post(&self.agent, &self.url(path), &body)
    }

    fn get(&self, path: &str) -> Value {
        let mut response = self.agent.get(self.url(path)).call().unwrap();
        let body: Value = response.body_mut().read_json().unwrap();
        if let Some(error) = body["value"].get("error") {
            panic!("GET {path}: {error} {}", body["value"]["message"]);
        }
        body["value"].clone()
    }

    fn try_find(&self, using: &str, value: &str) -> Vec<String> {
        let mut response = self
            .agent
            .post(self.url("/elements"))
            .send_json(json!({"using": using, "value": value}))
            .unwrap();
        let body: Value = response.body_mut().read_json().unwrap();
        body["value"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|e| e[ELEMENT].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every element matching `css` now (may be none).
    pub fn all(&self, css: &str) -> Vec<String> {
        self.try_find("css selector", css)
    }

    /// The first element matching `css`, waiting for it up to [`WAIT`].
    pub fn find(&self, css: &str) -> String {
        self.wait_for("css selector", css)
    }

    /// The first element matching an XPath, waiting up to [`WAIT`].
    pub fn find_xpath(&self, xpath: &str) -> String {
        self.wait_for("xpath", xpath)
    }

    fn wait_for(&self, using: &str, value: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(first) = self.try_find(using, value).into_iter().next() {
                return first;
            }
            if Instant::now() > deadline {
                self.screenshot("fallo-no-encontrado");
                panic!("element not found after {WAIT:?}: {value}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `css` matches nothing.
    pub fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.all(css).is_empty() {
            if Instant::now() > deadline {
                self.screenshot("fallo-sigue-visible");
                panic!("element still present after {WAIT:?}: {css}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the text of `css` satisfies `test`; returns it.
    pub fn wait_text(&self, css: &str, what: &str, test: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self
                .all(css)
                .first()
                .map(|e| self.text(e))
                .unwrap_or_default();
            if test(&text) {
                return text;
            }
            if Instant::now() > deadline {
                self.screenshot("fallo-texto");
                panic!("{css}: expected {what}, found «{text}»");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn click(&self, element: &str) {
        self.post(&format!("/element/{element}/click"), json!({}));
    }

    pub fn click_css(&self, css: &str) {
        let element = self.find(css);
        self.click(&element);
    }

    /// Clears the input `css` and types `text` into it, key by key.
    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.post(&format!("/element/{element}/clear"), json!({}));
        // A controlled field may put its old value back after «clear» (the
        // number fields do): empty it as a user's deleting would, through
        // the value setter and an input event.
        // (It does so on its next render: give it that moment.)
        std::thread::sleep(Duration::from_millis(150));
        if self
            .property(&element, "value")
            .as_str()
            .is_some_and(|v| !v.is_empty())
        {
            self.execute(
                "const e = arguments[0];
                 const proto = Object.getPrototypeOf(e);
                 Object.getOwnPropertyDescriptor(proto, 'value').set.call(e, '');
                 e.dispatchEvent(new Event('input', { bubbles: true }));",
                json!([{ ELEMENT: element }]),
            );
        }
        self.post(&format!("/element/{element}/value"), json!({"text": text}));
    }

    pub fn text(&self, element: &str) -> String {
        self.get(&format!("/element/{element}/text"))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn property(&self, element: &str, name: &str) -> Value {
        self.get(&format!("/element/{element}/property/{name}"))
    }

    pub fn attribute(&self, element: &str, name: &str) -> Option<String> {
        self.get(&format!("/element/{element}/attribute/{name}"))
            .as_str()
            .map(str::to_string)
    }

    /// Runs `script` in the page (with `arguments`) and returns its value.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))["value"].clone()
    }

    /// Saves the window as `NN-<name>.png` in the screenshot folder.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let data = self.get("/screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .unwrap_or_default();
        let index = self.shot_count + 1;
        let path = self.shots.join(format!("{index:02}-{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Like `screenshot`, numbering in order (after a moment for the window to paint).
    pub fn step(&mut self, name: &str) -> PathBuf {
        std::thread::sleep(Duration::from_millis(250));
        let path = self.screenshot(name);
        self.shot_count += 1;
        path
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        let _ = self.agent.delete(self.url("")).call();
    }
}

fn post(agent: &ureq::Agent, url: &str, body: &Value) -> Value {
    let mut response = agent
        .post(url)
        .send_json(body)
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let value: Value = response.body_mut().read_json().unwrap();
    if let Some(error) = value["value"].get("error") {
        panic!("POST {url} {body}: {error}: {}", value["value"]["message"]);
    }
    value["value"].clone()
}

/// The window's file dialogs answered by the e2e hook (src-tauri/src/grants.rs,
/// debug builds only): launch the window with [`Dialogs::env`], then
/// [`Desktop::pick`] or [`Dialogs::answer`] before clicking what opens a dialog.
pub struct Dialogs(pub PathBuf);

impl Dialogs {
    pub fn new(dir: PathBuf) -> Dialogs {
        std::fs::create_dir_all(&dir).unwrap();
        Dialogs(dir)
    }

    /// The environment variable that enables the hook.
    pub fn env(&self) -> (&'static str, String) {
        ("ACTAS_TEST_DIALOG_DIR", self.0.display().to_string())
    }

    /// The next dialog answers `path`.
    pub fn answer(&self, path: &Path) {
        std::fs::write(self.0.join("respuesta"), path.display().to_string()).unwrap();
    }

    /// The last dialog's title and default path.
    pub fn question(&self) -> (String, String) {
        let text = std::fs::read_to_string(self.0.join("pregunta")).unwrap_or_default();
        let mut lines = text.lines();
        (
            lines.next().unwrap_or_default().to_string(),
            lines.next().unwrap_or_default().to_string(),
        )
    }

    /// The file «Imprimir» handed to the system viewer, once it did.
    pub fn opened(&self) -> Option<String> {
        std::fs::read_to_string(self.0.join("abierto")).ok()
    }
}

impl Desktop {
    /// Closes the messages in the corner (they may lie over a button).
    pub fn close_messages(&self) {
        for close in self.all("[data-testid=toast] button") {
            let mut response = self
                .agent
                .post(self.url(&format!("/element/{close}/click")))
                .send_json(json!({}))
                .unwrap();
            // A message that closed itself meanwhile is fine.
            let _ = response.body_mut().read_to_string();
        }
    }

    /// Chooses `path` in the file field `testid` through its dialog
    /// («Elegir…»), and waits until the field shows it.
    pub fn pick(&self, dialogs: &Dialogs, testid: &str, path: &Path) {
        self.close_messages();
        dialogs.answer(path);
        let button = format!("[data-testid=\"{testid}-choose\"]");
        self.click_css(&button);
        // A screen still laying itself out can move the button under the
        // click: while the answer is unread, click again (an answer serves
        // one dialog, so a dialog is never asked twice).
        for _ in 0..5 {
            let asked = Instant::now() + Duration::from_secs(2);
            while dialogs.0.join("respuesta").exists() && Instant::now() < asked {
                std::thread::sleep(Duration::from_millis(100));
            }
            if !dialogs.0.join("respuesta").exists() {
                break;
            }
            self.click_css(&button);
        }
        let field = self.find(&format!("[data-testid=\"{testid}\"]"));
        let want = path.display().to_string();
        let deadline = Instant::now() + WAIT;
        while self.property(&field, "value").as_str() != Some(want.as_str()) {
            if Instant::now() > deadline {
                self.screenshot("fallo-dialogo");
                let unread = dialogs.0.join("respuesta").exists();
                panic!(
                    "{testid} does not show the chosen {want} (the dialog {} the answer; last question: {:?})",
                    if unread { "never read" } else { "read" },
                    dialogs.question()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
