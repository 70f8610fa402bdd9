//! Shared helpers: unique names, running `keyring-helper` with a timeout, capturing logs.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Service name of every entry the tests create (never the plugin's own `dcos-telemetry`).
pub const SERVICE: &str = "dcos-telemetry-test";

/// Path of the crate's test helper binary.
pub const HELPER: &str = env!("CARGO_BIN_EXE_keyring-helper");

/// How long one helper (or one `dbus-run-session`) may take before the test fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A name no other test, run or process uses.
pub fn unique(tag: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .subsec_nanos();
    format!(
        "{tag}-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// What a finished process printed.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// The `error:` and `hint:` lines of stderr (drops dbus-daemon and gnome-keyring noise).
    pub fn messages(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error: ") || l.starts_with("hint: "))
            .collect()
    }
}

/// `keyring-helper <choice> <args…>` as a command, for adding environment changes.
pub fn helper_cmd(choice: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(HELPER);
    cmd.arg(choice).args(args);
    cmd
}

/// Runs the helper with `stdin` and waits for it.
pub fn helper(choice: &str, args: &[&str], stdin: &str) -> Out {
    run(helper_cmd(choice, args), stdin)
}

/// Runs `cmd` with `stdin`; fails the test after [`TIMEOUT`].
pub fn run(mut cmd: Command, stdin: &str) -> Out {
    let shown = format!("{cmd:?}");
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    let mut input = child.stdin.take().expect("piped stdin");
    let text = stdin.to_owned();
    std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let (tx, rx) = mpsc::channel();
    for (is_err, mut pipe) in [
        (
            false,
            Box::new(child.stdout.take().expect("piped stdout")) as Box<dyn Read + Send>,
        ),
        (true, Box::new(child.stderr.take().expect("piped stderr"))),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            let _ = tx.send((is_err, String::from_utf8_lossy(&bytes).into_owned()));
        });
    }
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{shown} did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let (mut stdout, mut stderr) = (String::new(), String::new());
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        let (is_err, text) = rx
            .recv_timeout(left.max(Duration::from_secs(5)))
            .unwrap_or_else(|_| panic!("{shown}: a daemon kept its output pipe open"));
        if is_err { stderr = text } else { stdout = text }
    }
    Out {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

/// Fails with a clear message when no session bus is configured (Secret Service tests).
pub fn require_session_bus() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty()),
        "this test needs a D-Bus session with an unlocked gnome-keyring: run scripts/test"
    );
}

/// True when `program` is on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

struct Capture;

static LOGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        LOGS.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    }

    fn flush(&self) {}
}

/// Captures every log record of this process at every level (idempotent).
pub fn capture_logs() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        log::set_logger(&Capture).expect("the tests install the only logger");
        log::set_max_level(log::LevelFilter::Trace);
    });
}

/// All log lines captured so far.
pub fn logs() -> Vec<String> {
    LOGS.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Fails if any captured log line contains `secret`.
pub fn assert_not_logged(secret: &str) {
    let leaked: Vec<String> = logs().into_iter().filter(|l| l.contains(secret)).collect();
    assert!(
        leaked.is_empty(),
        "secret found in {} log line(s)",
        leaked.len()
    );
}
