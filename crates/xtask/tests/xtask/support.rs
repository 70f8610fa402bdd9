//! Shared helpers: running bash, building the plugin binary once.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The workspace root.
pub fn root() -> PathBuf {
    xtask::workspace_root()
}

/// The result of a bash run.
pub struct Bash {
    pub stdout: String,
    pub stderr: String,
}

/// Runs `script` in a non-interactive bash with a minimal environment (no startup files), and
/// requires it to exit 0 with nothing on stderr.
pub fn bash(script: &str) -> Bash {
    let output = bash_output(script);
    let run = Bash {
        stdout: String::from_utf8(output.stdout).expect("bash printed UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("bash printed UTF-8"),
    };
    assert!(
        output.status.success() && run.stderr.is_empty(),
        "bash failed ({}):\n{}\n--- script ---\n{script}",
        output.status,
        run.stderr
    );
    run
}

fn bash_output(script: &str) -> Output {
    Command::new("bash")
        .args(["--noprofile", "--norc", "-c", script])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("bash runs (it is needed for the completion tests)")
}

/// `word` quoted for bash.
pub fn sh(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// `path` quoted for bash.
pub fn sh_path(path: &Path) -> String {
    sh(path.to_str().expect("test paths are UTF-8"))
}

/// The plugin binary (dev profile, without debug info), built once per test run with
/// `cargo build`, in a target directory of its own (`<target>/xtask-tests`): building into the
/// one `cargo test` uses could relink, with other features, the binary other tests are running.
pub fn plugin_binary() -> &'static Path {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BINARY.get_or_init(|| {
        let root = root();
        let target = xtask::cargo::metadata(&root)
            .map_err(|e| e.to_string())?
            .target_dir
            .join("xtask-tests");
        let target = target.to_str().ok_or("the target dir is not UTF-8")?;
        // Without debug info the binary is a fifth of the size, and zipping it is that much
        // quicker (the zip writer runs unoptimised in tests).
        let args = [
            "--quiet",
            "--target-dir",
            target,
            "--config",
            "profile.dev.debug=0",
            "--config",
            "profile.dev.strip=true",
        ];
        xtask::cargo::build_plugin(&root, &args).map_err(|e| e.to_string())
    });
    match built {
        Ok(path) => path,
        Err(err) => panic!("building the plugin binary: {err}"),
    }
}
