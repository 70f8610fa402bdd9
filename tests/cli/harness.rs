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
        // The OS keyring of the test session (scripts/test runs a private, unlocked Secret
        // Service); without it the plugin uses the kernel keyring.
        for key in [
            "DBUS_SESSION_BUS_ADDRESS",
            "XDG_RUNTIME_DIR",
            "XDG_DATA_HOME",
        ] {
            if let Ok(value) = std::env::var(key) {
                cmd.env(key, value);
            }
        }
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

/// Replaces Segment-style timestamps (`2026-11-25T20:53:42+0000`) with `[TIME]`.
pub fn mask_times(text: &str) -> String {
    let shape = "dddd-dd-ddTdd:dd:dd+dddd";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let candidate = bytes.get(i..i + shape.len());
        let matches = candidate.is_some_and(|c| {
            c.iter().zip(shape.bytes()).all(|(b, s)| match s {
                b'd' => b.is_ascii_digit(),
                other => *b == other,
            })
        });
        if matches {
            out.push_str("[TIME]");
            i += shape.len();
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
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

    /// A cluster generated from `spec` by the simulator.
    pub fn generated(spec: dcos_sim::GenSpec) -> Cluster {
        Cluster::start(dcos_sim::SimConfig::new(
            dcos_sim::ClusterData::generate(spec).expect("valid spec"),
        ))
    }

    /// The small-cluster fixtures (DC/OS 2.1.2, telemetry on).
    pub fn small() -> Cluster {
        Cluster::start(dcos_sim::SimConfig::small_cluster().expect("fixtures"))
    }

    /// A generated 2.1.2 cluster whose id is unique to this test run, so keyring entries
    /// (keyed by cluster id and uid, and kept by the OS between runs) never collide.
    pub fn unique(configure: impl FnOnce(dcos_sim::SimConfig) -> dcos_sim::SimConfig) -> Cluster {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let id = format!(
            "test-{:x}-{}-{}",
            nanos,
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let spec = dcos_sim::GenSpec {
            cluster_id: Some(id),
            ..dcos_sim::GenSpec::default()
        };
        let data = dcos_sim::ClusterData::generate(spec).expect("valid spec");
        Cluster::start(configure(dcos_sim::SimConfig::new(data)))
    }

    /// The cluster's folder under `~/.dcos`.
    pub fn dir(&self) -> PathBuf {
        self.home
            .dcos_dir()
            .join("clusters")
            .join(self.sim.data().cluster_id())
    }

    /// Replacements that make a transcript stable: the URLs, HOME, the cluster id, the keyring.
    pub fn replacements(&self) -> Vec<(String, String)> {
        let mut pairs = vec![
            (self.sim.url(), "https://[SIM]".to_string()),
            (self.sim.collector_url(), "https://[COLLECTOR]".to_string()),
            (self.home.path().display().to_string(), "[HOME]".to_string()),
            ("Secret Service".to_string(), "[KEYRING]".to_string()),
            ("kernel keyring".to_string(), "[KEYRING]".to_string()),
        ];
        let id = self.sim.data().cluster_id();
        if id.starts_with("test-") {
            pairs.push((id.to_string(), "[CLUSTER-ID]".to_string()));
        }
        pairs
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
