//! Test helper for the real-keyring integration tests (`tests/real`): runs one store operation
//! in a fresh process, so tests can check that secrets persist across processes.
//!
//! ```text
//! keyring-helper <choice> backend
//! keyring-helper <choice> set <service> <account>      # secret on stdin
//! keyring-helper <choice> check <service> <account>    # expected secret on stdin
//! keyring-helper <choice> delete <service> <account>
//! keyring-helper <choice> set-many <service> <prefix> <count>
//! keyring-helper <choice> bench <service> <rounds>
//! keyring-helper - session-keyring                      # Linux: describe it, create nothing
//! ```
//!
//! It never prints a secret: `check` only says `same`, `different` or `absent`.
//! Exit codes: 0 success/same, 1 absent, 2 different, 3 store error, 64 usage.
//! With `KEYRING_HELPER_LOG=1` every log record (all levels) goes to stderr.

use std::io::Read;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use dcos_telemetry_keyring::{KeyringError, Store};

fn main() -> ExitCode {
    let started = Instant::now();
    if std::env::var_os("KEYRING_HELPER_LOG").is_some() {
        log::set_logger(&StderrLogger).expect("the helper installs the only logger");
        log::set_max_level(log::LevelFilter::Trace);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let Some((choice, command)) = args.split_first() else {
        return usage();
    };
    if command == ["session-keyring"] {
        return session_keyring();
    }
    let store = match choice.parse().and_then(Store::open) {
        Ok(store) => store,
        Err(e) => return fail(&e),
    };
    let opened = started.elapsed();
    match command {
        ["backend"] => {
            println!("{}", store.backend());
            if let Some(reason) = store.unavailable_reason() {
                println!("unavailable: {reason}");
            }
            ExitCode::SUCCESS
        }
        ["set", service, account] => match store.set(service, account, &stdin()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        },
        ["check", service, account] => match store.get(service, account) {
            Ok(Some(found)) if found == stdin() => {
                println!("same");
                ExitCode::SUCCESS
            }
            Ok(Some(_)) => {
                println!("different");
                ExitCode::from(2)
            }
            Ok(None) => {
                println!("absent");
                ExitCode::from(1)
            }
            Err(e) => fail(&e),
        },
        ["delete", service, account] => match store.delete(service, account) {
            Ok(removed) => {
                println!("{}", if removed { "removed" } else { "absent" });
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
        ["set-many", service, prefix, count] => {
            let Ok(count) = count.parse::<usize>() else {
                return usage();
            };
            for i in 0..count {
                if let Err(e) = store.set(service, &format!("{prefix}-{i}"), &format!("v{i}")) {
                    return fail(&e);
                }
            }
            ExitCode::SUCCESS
        }
        ["bench", service, rounds] => match rounds.parse() {
            Ok(rounds) => bench(&store, service, rounds, opened),
            Err(_) => usage(),
        },
        _ => usage(),
    }
}

/// Prints the description of this process's session keyring without creating one. When the
/// process has none, the kernel installs the user-session keyring (`_uid_ses.<uid>`) on this
/// access, so that answer means "there was no session keyring".
#[cfg(target_os = "linux")]
fn session_keyring() -> ExitCode {
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    match KeyRing::from_special_id(KeyRingIdentifier::Session, false).and_then(|k| k.metadata()) {
        Ok(meta) => {
            println!("{}", meta.get_description());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:?}");
            ExitCode::from(3)
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn session_keyring() -> ExitCode {
    eprintln!("error: there is no kernel keyring on this platform");
    ExitCode::from(3)
}

/// Prints the mean latency of each operation in milliseconds.
fn bench(store: &Store, service: &str, rounds: u32, opened: Duration) -> ExitCode {
    let mut totals = [Duration::ZERO; 4];
    for round in 0..rounds {
        let account = format!("bench-{}-{round}", std::process::id());
        let ops: [&dyn Fn() -> Result<(), KeyringError>; 4] = [
            &|| store.set(service, &account, "bench-value").map(drop),
            &|| store.get(service, &account).map(drop),
            &|| store.set(service, &account, "bench-value-2").map(drop),
            &|| store.delete(service, &account).map(drop),
        ];
        for (total, op) in totals.iter_mut().zip(ops) {
            let start = Instant::now();
            if let Err(e) = op() {
                return fail(&e);
            }
            *total += start.elapsed();
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0 / f64::from(rounds.max(1));
    println!(
        "{}: open {:.2} ms, set {:.2} ms, get {:.2} ms, overwrite {:.2} ms, delete {:.2} ms",
        store.backend(),
        opened.as_secs_f64() * 1000.0,
        ms(totals[0]),
        ms(totals[1]),
        ms(totals[2]),
        ms(totals[3]),
    );
    ExitCode::SUCCESS
}

fn stdin() -> String {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .expect("stdin is UTF-8 text");
    text
}

fn fail(err: &KeyringError) -> ExitCode {
    eprintln!("error: {err}");
    if let Some(hint) = err.hint() {
        eprintln!("hint: {hint}");
    }
    ExitCode::from(3)
}

fn usage() -> ExitCode {
    eprintln!("usage: keyring-helper <choice> backend|set|check|delete|set-many|bench ...");
    ExitCode::from(64)
}

struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        eprintln!(
            "log {} {}: {}",
            record.level(),
            record.target(),
            record.args()
        );
    }

    fn flush(&self) {}
}
