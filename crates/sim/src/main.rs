//! `dcos-sim`: run the simulated DC/OS master and collector from a shell (demos, manual tests).
//!
//! `dcos-sim serve` prints one JSON line (`url`, `collector_url`, `ca_path`, `token`, `user`,
//! `password`, `cluster_id`, `write_key`, `pid`, and `dcos_dir` when asked for) and serves until it
//! is killed (SIGINT/SIGTERM end it with the default action), or, with `--exit-on-stdin-eof`,
//! until its standard input closes.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use dcos_sim::{
    AuthConfig, ClusterData, Failure, Fault, FaultSpec, GenSpec, NodeRef, Route, Sim, SimConfig,
    TlsMode, Variant,
};

const USAGE: &str = "\
usage: dcos-sim serve [OPTIONS]
       dcos-sim routes
       dcos-sim --help

Serves a simulated DC/OS master (Admin Router over HTTPS on 127.0.0.1) and a Segment-compatible
collector, prints one JSON line describing them, and runs until killed (SIGINT/SIGTERM) or, with
--exit-on-stdin-eof, until standard input closes.

Cluster data (default: a generated DC/OS 2.1.2 open cluster, 1 master, 2 agents, 1 public agent):
  --fixtures DIR            serve a small-cluster style fixture directory verbatim
  --generate SPEC           comma-separated key=value: masters=N, agents=N, public=N, seed=N,
                            cluster-id=ID, fail=ROLE:INDEX:UNIT (repeatable),
                            unreachable=ROLE:INDEX (repeatable); ROLE is master|agent|public
  --version V               DC/OS version for --generate (1.7 ... 2.2.0), default 2.1.2
  --variant open|enterprise variant for --generate, default open
  --telemetry on|off        which ui-config is served (default: the data's own setting)

Access:
  --auth enabled|disabled   default enabled
  --user UID                login user (default bootstrapuser)
  --password PW             its password (default deleteme)
  --forbid UID              tokens of UID get 403 (repeatable)
  --tls MODE                good | untrusted-ca | wrong-host | expired (default good)
  --write-key KEY           the collector's Segment write key

Network and files:
  --port N                  cluster port (default: any free port)
  --collector-port N        collector port (default: any free port)
  --ca-out PATH             where to write the CA (default: a file in the temp directory)
  --dcos-dir DIR            also write a DC/OS CLI config dir (use as DCOS_DIR)
  --cluster-name NAME       cluster name in that config (default dcos-sim)
  --json-out PATH           also write the JSON line to PATH (atomically)

Behaviour:
  --fresh-pull-delay MS     how long ?cache=0 diagnostics requests take
  --fault ROUTE=KIND        inject a fault (repeatable); `dcos-sim routes` lists both
  --exit-on-stdin-eof       stop when standard input reaches end of file
";

const FAULTS: &str = "\
fault kinds (append *N to apply to the next N requests only, e.g. status:503*2):
  latency:250ms | latency:2s   delay, then answer normally
  status:CODE                  DC/OS JSON error {title,description,code}
  html:CODE                    nginx-style HTML error page
  unauthorized | forbidden | not-found
  malformed-json | truncated | wrong-content-type
  huge:BYTES                   a valid JSON body of that size
  drip:BYTES_PER_SEC           send the body slowly
  stall | reset                never answer | TCP reset
  retry-after:SECS             429 with Retry-After
  service-unavailable          503
";

#[derive(Debug)]
struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage_err(msg: impl Into<String>) -> UsageError {
    UsageError(msg.into())
}

#[derive(Debug, Default)]
struct Options {
    fixtures: Option<PathBuf>,
    generate: Option<String>,
    version: Option<String>,
    variant: Option<Variant>,
    telemetry: Option<bool>,
    auth_enabled: bool,
    user: String,
    password: String,
    forbid: Vec<String>,
    tls: TlsMode,
    write_key: Option<String>,
    port: u16,
    collector_port: u16,
    ca_out: Option<PathBuf>,
    dcos_dir: Option<PathBuf>,
    cluster_name: String,
    json_out: Option<PathBuf>,
    fresh_pull_delay: Duration,
    faults: Vec<(Route, FaultSpec)>,
    exit_on_stdin_eof: bool,
}

fn parse_options(args: &[String]) -> Result<Options, UsageError> {
    let mut o = Options {
        auth_enabled: true,
        user: dcos_sim::DEFAULT_USER.0.to_string(),
        password: dcos_sim::DEFAULT_USER.1.to_string(),
        cluster_name: "dcos-sim".to_string(),
        ..Options::default()
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--exit-on-stdin-eof" {
            o.exit_on_stdin_eof = true;
            continue;
        }
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| usage_err(format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--fixtures" => o.fixtures = Some(PathBuf::from(value()?)),
            "--generate" => o.generate = Some(value()?),
            "--version" => o.version = Some(value()?),
            "--variant" => {
                let v = value()?;
                o.variant = Some(
                    Variant::parse(&v).ok_or_else(|| usage_err(format!("bad --variant {v:?}")))?,
                );
            }
            "--telemetry" => {
                o.telemetry = Some(match value()?.as_str() {
                    "on" | "true" => true,
                    "off" | "false" => false,
                    other => return Err(usage_err(format!("bad --telemetry {other:?} (on|off)"))),
                })
            }
            "--auth" => {
                o.auth_enabled = match value()?.as_str() {
                    "enabled" | "on" => true,
                    "disabled" | "off" => false,
                    other => {
                        return Err(usage_err(format!(
                            "bad --auth {other:?} (enabled|disabled)"
                        )));
                    }
                }
            }
            "--user" => o.user = value()?,
            "--password" => o.password = value()?,
            "--forbid" => o.forbid.push(value()?),
            "--tls" => {
                let v = value()?;
                o.tls = TlsMode::parse(&v).ok_or_else(|| usage_err(format!("bad --tls {v:?}")))?;
            }
            "--write-key" => o.write_key = Some(value()?),
            "--port" => o.port = value()?.parse().map_err(|_| usage_err("bad --port"))?,
            "--collector-port" => {
                o.collector_port = value()?
                    .parse()
                    .map_err(|_| usage_err("bad --collector-port"))?
            }
            "--ca-out" => o.ca_out = Some(PathBuf::from(value()?)),
            "--dcos-dir" => o.dcos_dir = Some(PathBuf::from(value()?)),
            "--cluster-name" => o.cluster_name = value()?,
            "--json-out" => o.json_out = Some(PathBuf::from(value()?)),
            "--fresh-pull-delay" => {
                let ms: u64 = value()?
                    .parse()
                    .map_err(|_| usage_err("bad --fresh-pull-delay (ms)"))?;
                o.fresh_pull_delay = Duration::from_millis(ms);
            }
            "--fault" => {
                let v = value()?;
                let (route, kind) = v
                    .split_once('=')
                    .ok_or_else(|| usage_err(format!("--fault wants ROUTE=KIND, got {v:?}")))?;
                let route = Route::from_name(route)
                    .ok_or_else(|| usage_err(format!("unknown route {route:?}")))?;
                let spec = Fault::parse(kind)
                    .ok_or_else(|| usage_err(format!("unknown fault {kind:?}")))?;
                o.faults.push((route, spec));
            }
            other => return Err(usage_err(format!("unknown option {other:?}"))),
        }
    }
    if o.fixtures.is_some() && (o.generate.is_some() || o.version.is_some() || o.variant.is_some())
    {
        return Err(usage_err(
            "--fixtures cannot be combined with --generate, --version or --variant",
        ));
    }
    Ok(o)
}

fn parse_role_index(text: &str) -> Result<NodeRef, UsageError> {
    NodeRef::parse(text)
        .ok_or_else(|| usage_err(format!("bad node {text:?} (ROLE:INDEX or an IP)")))
}

fn gen_spec(o: &Options) -> Result<GenSpec, UsageError> {
    let mut spec = GenSpec::default();
    if let Some(version) = &o.version {
        spec.version = version.clone();
    }
    if let Some(variant) = o.variant {
        spec.variant = variant;
    }
    for pair in o
        .generate
        .iter()
        .flat_map(|g| g.split(','))
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| usage_err(format!("--generate wants key=value, got {pair:?}")))?;
        let count = || {
            value
                .parse::<usize>()
                .map_err(|_| usage_err(format!("bad number in {pair:?}")))
        };
        match key {
            "masters" => spec.masters = count()?,
            "agents" => spec.agents = count()?,
            "public" | "public_agents" => spec.public_agents = count()?,
            "seed" => {
                spec.seed = value
                    .parse()
                    .map_err(|_| usage_err(format!("bad seed {value:?}")))?
            }
            "cluster-id" => spec.cluster_id = Some(value.to_string()),
            "unreachable" => spec.unreachable.push(parse_role_index(value)?),
            "fail" => {
                let (node, unit) = value.rsplit_once(':').ok_or_else(|| {
                    usage_err(format!("fail wants ROLE:INDEX:UNIT, got {value:?}"))
                })?;
                spec.failures
                    .push(Failure::new(parse_role_index(node)?, unit));
            }
            other => return Err(usage_err(format!("unknown --generate key {other:?}"))),
        }
    }
    Ok(spec)
}

/// Escapes a string for the JSON line.
fn json_str(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

fn run(o: Options) -> Result<(), Box<dyn std::error::Error>> {
    let mut data = match &o.fixtures {
        Some(dir) => ClusterData::from_fixtures(dir)?,
        None => ClusterData::generate(gen_spec(&o)?)?,
    };
    if let Some(on) = o.telemetry {
        data = data.with_telemetry(on);
    }
    let mut auth = AuthConfig {
        enabled: o.auth_enabled,
        ..AuthConfig::default()
    };
    auth.users.clear();
    auth.users.insert(o.user.clone(), o.password.clone());
    auth.forbidden_uids = o.forbid.clone();
    let mut cfg = SimConfig::new(data)
        .auth(auth)
        .tls(o.tls)
        .fresh_pull_delay(o.fresh_pull_delay);
    cfg.port = o.port;
    cfg.collector_port = o.collector_port;
    if let Some(key) = &o.write_key {
        cfg.write_key = key.clone();
    }
    let sim = Sim::start(cfg)?;
    for (route, spec) in &o.faults {
        sim.add_fault(*route, spec.clone());
    }

    let ca_path = match &o.ca_out {
        Some(path) => path.clone(),
        None => {
            let dir = std::env::temp_dir().join(format!("dcos-sim-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            dir.join("dcos-ca.crt")
        }
    };
    sim.write_ca(&ca_path)?;
    let ca_path = std::fs::canonicalize(&ca_path)?;
    let token = sim.issue_token(&o.user, Duration::from_secs(24 * 3600));
    let dcos_dir = match &o.dcos_dir {
        Some(dir) => Some(sim.write_dcos_dir(dir, &token, &o.cluster_name)?),
        None => None,
    };

    let mut line = format!(
        "{{\"url\":{},\"collector_url\":{},\"ca_path\":{},\"token\":{},\"user\":{},\"password\":{},\"cluster_id\":{},\"write_key\":{},\"pid\":{}",
        json_str(&sim.url()),
        json_str(&sim.collector_url()),
        json_str(&ca_path.to_string_lossy()),
        json_str(&token),
        json_str(&o.user),
        json_str(&o.password),
        json_str(sim.data().cluster_id()),
        json_str(sim.write_key()),
        std::process::id(),
    );
    if let Some(dir) = &dcos_dir {
        line.push_str(&format!(
            ",\"dcos_dir\":{}",
            json_str(&dir.to_string_lossy())
        ));
    }
    line.push_str("}\n");
    if let Some(path) = &o.json_out {
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, &line)?;
        std::fs::rename(&tmp, path)?;
    }
    let mut stdout = io::stdout().lock();
    stdout.write_all(line.as_bytes())?;
    stdout.flush()?;
    drop(stdout);

    if o.exit_on_stdin_eof {
        let mut sink = [0u8; 1024];
        let mut stdin = io::stdin().lock();
        while stdin.read(&mut sink).map(|n| n > 0).unwrap_or(false) {}
    } else {
        loop {
            std::thread::park();
        }
    }
    drop(sim);
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("--help" | "-h" | "help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("routes") => {
            println!("routes:");
            for route in Route::ALL {
                println!("  {}", route.name());
            }
            print!("{FAULTS}");
            ExitCode::SUCCESS
        }
        Some("serve") => match parse_options(&args[1..]) {
            Err(UsageError(msg)) => {
                eprintln!("dcos-sim: {msg}\n\n{USAGE}");
                ExitCode::from(2)
            }
            Ok(options) => match run(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("dcos-sim: {e}");
                    ExitCode::FAILURE
                }
            },
        },
        Some(other) => {
            eprintln!("dcos-sim: unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
