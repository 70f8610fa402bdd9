//! Running the binary hermetically and snapshotting what it prints.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// `exit: N`, then stdout, then stderr, as one text for a snapshot.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// The transcript with volatile parts replaced (`[URL]`, `[HOME]`, …).
    pub fn normalized(&self, replacements: &[(&str, &str)]) -> String {
        let mut text = self.transcript();
        for (from, to) in replacements {
            if !from.is_empty() {
                text = text.replace(from, to);
            }
        }
        text
    }
}

/// The path of the binary under test.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_dcos-telemetry"))
}

/// The repository's fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A hermetic environment: an empty HOME (with `~/.dcos` under it), no inherited DC/OS variables.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `~/.dcos`.
    pub fn dcos_dir(&self) -> PathBuf {
        self.path().join(".dcos")
    }

    /// Adds a cluster folder with this `dcos.toml`.
    pub fn add_cluster(&self, id: &str, toml: &str, attached: bool) -> PathBuf {
        let dir = self.dcos_dir().join("clusters").join(id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("dcos.toml"), toml).unwrap();
        if attached {
            std::fs::write(dir.join("attached"), "").unwrap();
        }
        dir
    }

    /// Runs the binary with these arguments (stdin closed).
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Runs with extra environment variables for this run only.
    pub fn run_with(&self, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(binary());
        cmd.args(args)
            .env_clear()
            .env("HOME", self.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::null());
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run dcos-telemetry");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// Asserts a normalized transcript against a stored snapshot (`tests/cli/snapshots/<name>.snap`).
#[macro_export]
macro_rules! snap {
    ($name:expr, $text:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!($name, $text));
    }};
}

/// A running simulated cluster plus a HOME whose `~/.dcos` points at it.
pub struct Cluster {
    pub sim: dcos_sim::Sim,
    pub home: Home,
    pub token: String,
    pub ca: PathBuf,
}

impl Cluster {
    /// Starts the simulator and writes a DC/OS CLI configuration for it (name `sim`).
    pub fn start(cfg: dcos_sim::SimConfig) -> Cluster {
        let sim = dcos_sim::Sim::start(cfg).expect("start the simulator");
        let home = Home::new();
        let token = sim.issue_token("bootstrapuser", std::time::Duration::from_secs(3600));
        let dir = sim
            .write_dcos_dir(&home.dcos_dir(), &token, "sim")
            .expect("write ~/.dcos");
        let ca = dir.join("dcos_ca.crt");
        Cluster {
            sim,
            home,
            token,
            ca,
        }
    }

    /// The small-cluster fixtures (DC/OS 2.1.2, telemetry on).
    pub fn small() -> Cluster {
        Cluster::start(dcos_sim::SimConfig::small_cluster().expect("fixtures"))
    }

    /// Replacements that make a transcript stable: the URLs, HOME, the cluster id folder.
    pub fn replacements(&self) -> Vec<(String, String)> {
        vec![
            (self.sim.url(), "https://[SIM]".to_string()),
            (self.sim.collector_url(), "https://[COLLECTOR]".to_string()),
            (self.home.path().display().to_string(), "[HOME]".to_string()),
        ]
    }

    /// Runs standalone (reading `~/.dcos`).
    pub fn run(&self, args: &[&str]) -> Run {
        self.home.run(args)
    }

    /// Runs as the DC/OS CLI runs a plugin: argv[1] `telemetry`, DCOS_URL and friends set.
    pub fn run_plugin(&self, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let url = self.sim.url();
        let ca = self.ca.display().to_string();
        let mut env = vec![
            ("DCOS_URL", url.as_str()),
            ("DCOS_ACS_TOKEN", self.token.as_str()),
            ("DCOS_TLS_CA_PATH", ca.as_str()),
            ("DCOS_CLI_VERSION", "1.2.0"),
        ];
        env.extend_from_slice(extra);
        let mut argv = vec!["telemetry"];
        argv.extend_from_slice(args);
        self.home.run_with(&argv, &env)
    }

    /// A transcript with the volatile parts replaced.
    pub fn transcript(&self, run: &Run) -> String {
        let owned = self.replacements();
        let pairs: Vec<(&str, &str)> = owned
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        run.normalized(&pairs)
    }
}
