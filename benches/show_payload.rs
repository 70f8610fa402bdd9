//! Speed and memory of `dcos-telemetry show-payload` against the simulated DC/OS master.
//!
//! Run: `cargo bench --bench show_payload` (about a minute once built; the first build of the
//! release binary and of this bench with fat LTO takes several minutes more).
//!
//! It runs the release binary (`CARGO_BIN_EXE_dcos-telemetry`) hermetically (empty HOME with a
//! `~/.dcos` written by the simulator, no inherited DC/OS variables) and measures:
//!
//! 1. **latency**: the small cluster with no fault, then with `Fault::Latency(200 ms)` on every
//!    route show-payload reads (health report, package list, Mesos frameworks and metrics,
//!    dcos-version, ui-config, metadata). Target: median wall time at most 1.3 × 200 ms plus the
//!    no-latency median (start-up, TLS handshakes and parsing).
//! 2. **big clusters**: generated clusters of 2,003 nodes (132 MB report), 4,005 nodes (264 MB)
//!    and 10,005 nodes (658 MB), with failed units (50 journal lines each) and unreachable
//!    nodes. Wall time of the whole command, MB/s of report over that wall time (target >= 150),
//!    MB/s over the child's CPU time, and the child's peak RSS from `wait4` (target < 64 MB; see
//!    [`bench::launch`] for why a launcher process runs the child). The same reports are also
//!    parsed from a file (`--report-file`: no network, no TLS) for the parse-only rate, and the
//!    simulator's own rendering rate is printed to show it is not the bottleneck. The output's
//!    `health-unit-*` properties are checked against `ClusterData::expected_health_counts()`.
//! 3. **start-up**: `--help`, and `status` against the small simulated cluster.
//!
//! MB are 10^6 bytes. Medians are over the run counts printed. Exits non-zero when a target is
//! missed, so the figures cannot silently regress. The machine's load average is printed: on a
//! shared 2-core machine, other work slows the wall-time figures (the CPU-time rate does not).
//!
//! Under `cargo test` / `nextest` (no `--bench` argument) it does nothing.

#[cfg(target_os = "linux")]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(bench::LAUNCH) {
        bench::launch(&args[2..]);
    }
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    std::process::exit(bench::run());
}

#[cfg(not(target_os = "linux"))]
fn main() {
    if std::env::args().any(|a| a == "--bench") {
        eprintln!("show_payload bench: peak RSS is measured with Linux's wait4; skipped here");
    }
}

#[cfg(target_os = "linux")]
mod bench {
    use std::collections::BTreeMap;
    use std::fs::File;
    use std::io::{self, Read, Seek, SeekFrom};
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use dcos_sim::{ClusterData, Failure, Fault, GenSpec, NodeRef, Route, Sim, SimConfig};

    const LATENCY: Duration = Duration::from_millis(200);
    /// The routes show-payload reads (each gets the injected latency).
    const ROUTES: [Route; 7] = [
        Route::HealthReport,
        Route::PackageList,
        Route::MesosFrameworks,
        Route::MesosMetrics,
        Route::DcosVersion,
        Route::UiConfig,
        Route::Metadata,
    ];
    const LATENCY_RUNS: usize = 11;
    const BIG_RUNS: usize = 3;
    const STARTUP_RUNS: usize = 21;
    const RSS_LIMIT: u64 = 64_000_000;
    const RATE_TARGET: f64 = 150.0;

    /// One run of the binary.
    struct Measured {
        wall: Duration,
        cpu: Duration,
        max_rss: u64,
        code: i32,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    }

    impl Measured {
        fn check(&self, what: &str) {
            assert!(
                self.code == 0,
                "{what}: exit {}\n{}",
                self.code,
                String::from_utf8_lossy(&self.stderr)
            );
        }
    }

    fn timeval(tv: libc::timeval) -> Duration {
        Duration::new(tv.tv_sec as u64, tv.tv_usec as u32 * 1000)
    }

    fn read_back(mut file: File) -> Vec<u8> {
        let mut out = Vec::new();
        file.seek(SeekFrom::Start(0)).expect("seek captured output");
        file.read_to_end(&mut out).expect("read captured output");
        out
    }

    /// First argument of the launcher mode: `<bench> --launch <report> <program> <args...>`.
    pub const LAUNCH: &str = "--launch";

    /// The launcher: runs `program args...` (stdio and environment inherited), reaps it with
    /// `wait4`, writes `<exit code> <wall ns> <cpu ns> <maxrss KiB>` to `report`, and exits.
    ///
    /// Why a launcher: Linux records a process's `ru_maxrss` across `exec` from the memory it
    /// had before, and std spawns with `vfork` semantics, so a child spawned straight from this
    /// bench (which holds a whole generated cluster) would report the bench's own peak RSS.
    /// Spawned from this small process instead, the figure is the child's own.
    pub fn launch(args: &[String]) -> ! {
        let [report, program, rest @ ..] = args else {
            eprintln!("usage: {LAUNCH} <report> <program> [args...]");
            std::process::exit(2);
        };
        let start = Instant::now();
        let child = Command::new(program)
            .args(rest)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {program}: {e}"));
        let pid = child.id() as libc::pid_t;
        let mut status: libc::c_int = 0;
        // SAFETY: an all-zero rusage is a valid value; wait4 fills it for our own child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = loop {
            // SAFETY: `pid` is our child and nothing else waits for it.
            let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            if r == -1 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            break r;
        };
        let wall = start.elapsed();
        assert_eq!(reaped, pid, "wait4: {}", io::Error::last_os_error());
        // Already reaped: dropping the handle does not wait again.
        drop(child);
        let code = if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        };
        let cpu = timeval(usage.ru_utime) + timeval(usage.ru_stime);
        std::fs::write(
            report,
            format!(
                "{code} {} {} {}",
                wall.as_nanos(),
                cpu.as_nanos(),
                usage.ru_maxrss
            ),
        )
        .expect("write the launcher report");
        std::process::exit(0);
    }

    /// Runs `cmd` through the launcher: wall time from spawn to reaping, the child's own CPU
    /// time and peak RSS; stdout and stderr go to unlinked temp files, so no pipe reader
    /// competes for the CPU while it runs.
    fn measure(cmd: &Command) -> Measured {
        let out = tempfile::tempfile().expect("temp file");
        let err = tempfile::tempfile().expect("temp file");
        let report = tempfile::NamedTempFile::new().expect("temp file");
        let mut launcher = Command::new(std::env::current_exe().expect("own path"));
        launcher
            .arg(LAUNCH)
            .arg(report.path())
            .arg(cmd.get_program())
            .args(cmd.get_args())
            .env_clear()
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("dup"))
            .stderr(err.try_clone().expect("dup"));
        for (key, value) in cmd.get_envs() {
            if let Some(value) = value {
                launcher.env(key, value);
            }
        }
        let status = launcher.status().expect("run the launcher");
        let stderr = read_back(err);
        assert!(
            status.success(),
            "launcher failed: {status}\n{}",
            String::from_utf8_lossy(&stderr)
        );
        let text = std::fs::read_to_string(report.path()).expect("launcher report");
        let f: Vec<i64> = text
            .split_whitespace()
            .map(|v| v.parse().expect("launcher report number"))
            .collect();
        let [code, wall, cpu, rss_kib] = f[..] else {
            panic!("bad launcher report {text:?}");
        };
        Measured {
            wall: Duration::from_nanos(wall as u64),
            cpu: Duration::from_nanos(cpu as u64),
            max_rss: rss_kib as u64 * 1024,
            code: code as i32,
            stdout: read_back(out),
            stderr,
        }
    }

    /// An empty HOME whose `~/.dcos` points at a simulator.
    struct Home {
        dir: tempfile::TempDir,
    }

    impl Home {
        fn for_sim(sim: &Sim) -> Home {
            let dir = tempfile::tempdir().expect("temp dir");
            let token = sim.issue_token("bootstrapuser", Duration::from_secs(3600));
            sim.write_dcos_dir(&dir.path().join(".dcos"), &token, "bench")
                .expect("write ~/.dcos");
            Home { dir }
        }

        fn empty() -> Home {
            Home {
                dir: tempfile::tempdir().expect("temp dir"),
            }
        }

        fn path(&self) -> &Path {
            self.dir.path()
        }

        fn command(&self, args: &[&str]) -> Command {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_dcos-telemetry"));
            cmd.args(args)
                .env_clear()
                .env("HOME", self.path())
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("LANG", "C.UTF-8");
            cmd
        }

        fn run(&self, args: &[&str]) -> Measured {
            measure(&self.command(args))
        }
    }

    /// Median, min and max of a sample.
    #[derive(Clone, Copy)]
    struct Stats {
        median: f64,
        min: f64,
        max: f64,
        n: usize,
    }

    fn stats(values: impl IntoIterator<Item = f64>) -> Stats {
        let mut v: Vec<f64> = values.into_iter().collect();
        assert!(!v.is_empty());
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Stats {
            median,
            min: v[0],
            max: v[n - 1],
            n,
        }
    }

    fn ms(d: Duration) -> f64 {
        d.as_secs_f64() * 1e3
    }

    /// One line of the final table.
    struct Row {
        figure: String,
        value: String,
        spread: String,
        target: String,
        pass: Option<bool>,
    }

    #[derive(Default)]
    struct Table {
        rows: Vec<Row>,
    }

    impl Table {
        fn add(&mut self, figure: impl Into<String>, value: String, spread: String) {
            self.rows.push(Row {
                figure: figure.into(),
                value,
                spread,
                target: String::new(),
                pass: None,
            });
        }

        fn check(
            &mut self,
            figure: impl Into<String>,
            value: String,
            spread: String,
            target: String,
            pass: bool,
        ) {
            self.rows.push(Row {
                figure: figure.into(),
                value,
                spread,
                target,
                pass: Some(pass),
            });
        }

        fn ms_row(&mut self, figure: &str, s: Stats) {
            self.add(
                figure,
                format!("{:.1} ms", s.median),
                format!("min {:.1} / max {:.1} ms, n={}", s.min, s.max, s.n),
            );
        }

        fn mbs_row(&mut self, figure: &str, s: Stats) {
            self.add(
                figure,
                format!("{:.0} MB/s", s.median),
                format!("min {:.0} / max {:.0}, n={}", s.min, s.max, s.n),
            );
        }

        fn print(&self) {
            let w = |f: fn(&Row) -> usize, head: &str| {
                self.rows.iter().map(f).max().unwrap_or(0).max(head.len())
            };
            let w0 = w(|r| r.figure.len(), "figure");
            let w1 = w(|r| r.value.len(), "median");
            let w2 = w(|r| r.spread.len(), "spread");
            let w3 = w(|r| r.target.len(), "target");
            println!();
            println!(
                "{:w0$}  {:>w1$}  {:w2$}  {:w3$}  result",
                "figure", "median", "spread", "target"
            );
            println!("{}", "-".repeat(w0 + w1 + w2 + w3 + 14));
            for r in &self.rows {
                let result = match r.pass {
                    Some(true) => "PASS",
                    Some(false) => "FAIL",
                    None => "",
                };
                println!(
                    "{:w0$}  {:>w1$}  {:w2$}  {:w3$}  {result}",
                    r.figure, r.value, r.spread, r.target
                );
            }
        }

        fn failed(&self) -> usize {
            self.rows.iter().filter(|r| r.pass == Some(false)).count()
        }
    }

    fn load_average() -> String {
        std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| {
                let parts: Vec<&str> = l.split_whitespace().take(3).collect();
                (parts.len() == 3).then(|| parts.join(" "))
            })
            .unwrap_or_else(|| "?".into())
    }

    fn json(run: &Measured, what: &str) -> serde_json::Value {
        serde_json::from_slice(&run.stdout)
            .unwrap_or_else(|e| panic!("{what}: stdout is not JSON: {e}"))
    }

    /// The `health-unit-*` properties must equal the simulator's model, key for key.
    fn check_health(props: &serde_json::Value, data: &ClusterData, what: &str) -> usize {
        let expected: BTreeMap<String, (u64, u64)> = data.expected_health_counts();
        let mut seen = 0;
        for (unit, (total, unhealthy)) in &expected {
            if *total == 0 {
                continue;
            }
            let key = format!("health-unit-{}", unit.replace('.', "-"));
            assert_eq!(
                props[format!("{key}-total")],
                *total,
                "{what}: {unit} total"
            );
            assert_eq!(
                props[format!("{key}-unhealthy")],
                *unhealthy,
                "{what}: {unit} unhealthy"
            );
            seen += 1;
        }
        let keys = props
            .as_object()
            .unwrap_or_else(|| panic!("{what}: properties are not an object"))
            .keys()
            .filter(|k| k.starts_with("health-unit-"))
            .count();
        assert_eq!(
            keys,
            seen * 2,
            "{what}: health keys beyond the model's units"
        );
        seen
    }

    pub fn run() -> i32 {
        println!(
            "show_payload bench: {} (load average at start: {})",
            env!("CARGO_BIN_EXE_dcos-telemetry")
                .rsplit('/')
                .next()
                .unwrap_or("dcos-telemetry"),
            load_average()
        );
        let started = Instant::now();
        let mut table = Table::default();
        latency(&mut table);
        big_clusters(&mut table);
        startup(&mut table);
        table.print();
        let failed = table.failed();
        println!(
            "\nload average at end: {}; total bench time {:.0} s; {}",
            load_average(),
            started.elapsed().as_secs_f64(),
            if failed == 0 {
                "all targets met".to_string()
            } else {
                format!("{failed} target(s) missed")
            }
        );
        i32::from(failed > 0)
    }

    fn latency(table: &mut Table) {
        println!("\n== latency: small cluster (fixtures), {LATENCY:?} injected per route ==");
        let sim = Sim::start(SimConfig::small_cluster().expect("fixtures")).expect("start sim");
        let home = Home::for_sim(&sim);
        // Warm-up (page cache, first TLS setup).
        home.run(&["show-payload"]).check("warm-up");

        let mut base = Vec::new();
        for _ in 0..LATENCY_RUNS {
            let run = home.run(&["show-payload"]);
            run.check("baseline");
            base.push(ms(run.wall));
        }
        let base = stats(base);
        println!("no latency: median {:.1} ms", base.median);

        for route in ROUTES {
            sim.set_fault(route, Fault::Latency(LATENCY));
        }
        let mut slow = Vec::new();
        let mut spreads = Vec::new();
        for _ in 0..LATENCY_RUNS {
            sim.clear_requests();
            let run = home.run(&["show-payload"]);
            run.check("with latency");
            let v = json(&run, "with latency");
            for track in ["diagnostics", "cosmos", "mesos"] {
                assert!(v[track].is_object(), "with latency: no {track} track");
            }
            // Each route was requested once, and all within a short window: concurrently.
            let requests = sim.requests();
            assert_eq!(requests.len(), ROUTES.len(), "one request per route");
            let first = requests.iter().map(|r| r.at).min().expect("requests");
            let last = requests.iter().map(|r| r.at).max().expect("requests");
            spreads.push(ms(last - first));
            slow.push(ms(run.wall));
        }
        sim.clear_faults();
        let slow = stats(slow);
        let spread = stats(spreads);
        let limit = 1.3 * ms(LATENCY) + base.median;
        println!(
            "with latency: median {:.1} ms (limit {limit:.1} ms; {} sequential requests would take >= {:.0} ms)",
            slow.median,
            ROUTES.len(),
            ROUTES.len() as f64 * ms(LATENCY)
        );
        table.ms_row("show-payload, small cluster, no latency", base);
        table.check(
            format!(
                "show-payload, {} ms latency on 7 routes",
                LATENCY.as_millis()
            ),
            format!("{:.1} ms", slow.median),
            format!("min {:.1} / max {:.1} ms, n={}", slow.min, slow.max, slow.n),
            format!("<= 1.3x200 + {:.1} = {limit:.1} ms", base.median),
            slow.median <= limit,
        );
        table.add(
            "  arrival spread of the 7 requests",
            format!("{:.1} ms", spread.median),
            format!("max {:.1} ms, n={}", spread.max, spread.n),
        );
    }

    /// A big cluster like a real one: a few failed units with full journal excerpts, a few
    /// unreachable nodes.
    fn big_spec(masters: usize, agents: usize, public: usize, seed: u64) -> GenSpec {
        let mut spec = GenSpec::new(masters, agents, public).seed(seed);
        for i in (5..agents).step_by(97) {
            spec = spec.failure(Failure {
                journal_lines: 50,
                ..Failure::new(NodeRef::Agent(i), "dcos-checks-poststart.service")
            });
        }
        spec = spec.failure(Failure {
            journal_lines: 50,
            ..Failure::new(NodeRef::Master(1), "dcos-mesos-master.service")
        });
        for i in [7, agents / 2, agents - 1] {
            spec = spec.unreachable(NodeRef::Agent(i));
        }
        spec
    }

    fn big_clusters(table: &mut Table) {
        let clusters = [
            ("2k", big_spec(3, 1_800, 200, 11)),
            ("4k", big_spec(5, 3_600, 400, 12)),
            ("10k", big_spec(5, 9_000, 1_000, 13)),
        ];
        for (name, spec) in clusters {
            let nodes = spec.masters + spec.agents + spec.public_agents;
            let t = Instant::now();
            let data = ClusterData::generate(spec).expect("valid spec");
            let generated = t.elapsed();
            let bytes = data.report_len();
            let mb = bytes as f64 / 1e6;
            // The simulator's own rendering rate (one thread, to a sink): the server side must
            // be faster than the client for the client's figures to mean anything.
            let t = Instant::now();
            data.write_report(&mut io::sink()).expect("render");
            let render = mb / t.elapsed().as_secs_f64();
            println!(
                "\n== big cluster {name}: {nodes} nodes, report {bytes} bytes ({mb:.1} MB); generated in {:.0} ms, sim renders at {render:.0} MB/s ==",
                ms(generated)
            );
            if name == "2k" {
                assert!(bytes >= 100_000_000, "the 2k report must be >= 100 MB");
            }
            let label = format!("{name} ({nodes} nodes, {mb:.0} MB report)");

            // Parse only: the same bytes from a file, no network, no TLS.
            let dir = tempfile::tempdir().expect("temp dir");
            let file: PathBuf = dir.path().join("report.json");
            {
                let mut w = io::BufWriter::new(File::create(&file).expect("report file"));
                data.write_report(&mut w).expect("write report file");
                io::Write::flush(&mut w).expect("flush report file");
            }
            let offline = Home::empty();
            let file_arg = file.to_string_lossy().into_owned();
            let cluster_id = data.cluster_id().to_string();
            let args = [
                "show-payload",
                "--report-file",
                file_arg.as_str(),
                "--as-version",
                data.version(),
                "--cluster-id",
                cluster_id.as_str(),
            ];
            offline.run(&args).check("parse-only warm-up");
            let mut parse_runs = Vec::new();
            for _ in 0..BIG_RUNS {
                let run = offline.run(&args);
                run.check("parse only");
                let v = json(&run, "parse only");
                check_health(&v["diagnostics"]["properties"], &data, "parse only");
                parse_runs.push(run);
            }
            drop(dir);

            // The whole command against the simulator over HTTPS.
            let sim = Sim::start(SimConfig::new(data)).expect("start sim");
            let home = Home::for_sim(&sim);
            let mut runs = Vec::new();
            let mut units = 0;
            for _ in 0..BIG_RUNS {
                let run = home.run(&["show-payload"]);
                run.check("show-payload");
                let v = json(&run, "show-payload");
                units = check_health(&v["diagnostics"]["properties"], sim.data(), "show-payload");
                assert!(v["cosmos"].is_object() && v["mesos"].is_object());
                runs.push(run);
            }
            println!(
                "output checked against the model: {units} units, totals and unhealthy counts"
            );

            let wall = stats(runs.iter().map(|r| ms(r.wall)));
            let rate = stats(runs.iter().map(|r| mb / r.wall.as_secs_f64()));
            let cpu_rate = stats(runs.iter().map(|r| mb / r.cpu.as_secs_f64()));
            let rss = runs.iter().map(|r| r.max_rss).max().unwrap_or(0);
            let rss_median = stats(runs.iter().map(|r| r.max_rss as f64 / 1e6));
            let p_wall = stats(parse_runs.iter().map(|r| ms(r.wall)));
            let p_rate = stats(parse_runs.iter().map(|r| mb / r.wall.as_secs_f64()));
            let p_cpu_rate = stats(parse_runs.iter().map(|r| mb / r.cpu.as_secs_f64()));
            let p_rss = parse_runs.iter().map(|r| r.max_rss).max().unwrap_or(0);
            for (i, r) in runs.iter().enumerate() {
                println!(
                    "run {i}: wall {:.0} ms, cpu {:.0} ms, {:.0} MB/s, peak RSS {:.1} MB",
                    ms(r.wall),
                    ms(r.cpu),
                    mb / r.wall.as_secs_f64(),
                    r.max_rss as f64 / 1e6
                );
            }

            table.ms_row(&format!("{label}: show-payload wall"), wall);
            table.check(
                format!("{label}: report MB/s (wall)"),
                format!("{:.0} MB/s", rate.median),
                format!("min {:.0} / max {:.0}, n={}", rate.min, rate.max, rate.n),
                format!(">= {RATE_TARGET:.0} MB/s"),
                rate.median >= RATE_TARGET,
            );
            table.mbs_row(&format!("{label}: report MB/s (child CPU time)"), cpu_rate);
            table.check(
                format!("{label}: peak RSS"),
                format!("{:.1} MB", rss_median.median),
                format!("max {:.1} MB, n={}", rss as f64 / 1e6, rss_median.n),
                "max < 64 MB".into(),
                rss < RSS_LIMIT,
            );
            table.ms_row(&format!("{label}: parse only (--report-file) wall"), p_wall);
            table.mbs_row(&format!("{label}: parse only MB/s (wall)"), p_rate);
            table.mbs_row(
                &format!("{label}: parse only MB/s (child CPU time)"),
                p_cpu_rate,
            );
            table.check(
                format!("{label}: parse only peak RSS"),
                format!("{:.1} MB", p_rss as f64 / 1e6),
                format!("max of n={}", parse_runs.len()),
                "max < 64 MB".into(),
                p_rss < RSS_LIMIT,
            );
            table.add(
                format!("{label}: simulator render rate (in-process)"),
                format!("{render:.0} MB/s"),
                "1 run, to io::sink".into(),
            );
        }
    }

    fn startup(table: &mut Table) {
        println!("\n== start-up: --help, and status against the small cluster ==");
        let home = Home::empty();
        home.run(&["--help"]).check("--help warm-up");
        let help = stats((0..STARTUP_RUNS).map(|_| {
            let run = home.run(&["--help"]);
            run.check("--help");
            ms(run.wall)
        }));
        let sim = Sim::start(SimConfig::small_cluster().expect("fixtures")).expect("start sim");
        let home = Home::for_sim(&sim);
        home.run(&["status"]).check("status warm-up");
        let status = stats((0..STARTUP_RUNS).map(|_| {
            let run = home.run(&["status"]);
            run.check("status");
            ms(run.wall)
        }));
        table.ms_row("dcos-telemetry --help", help);
        table.ms_row("dcos-telemetry status (small cluster)", status);
    }
}
