//! Which systemd units each node role runs, per DC/OS version and variant.
//!
//! The DC/OS 2.1.2 lists are exact: they are the `dcos.target.wants*` entries of the 2.1.2 package
//! builds, as the small-cluster fixture report records them (names and descriptions included).
//! For other versions the differences below are approximations from the DC/OS changelogs (when a
//! component arrived or left); they are plausible, not verified unit by unit. Two version facts are
//! verified (see `dcos-telemetry-internals.md` §0/§1.1): 1.7 runs `dcos-signal.timer` on every node,
//! and 2.2+ has no dcos-signal units at all.

use super::Variant;
use super::model::Role;

/// A DC/OS release number, compared numerically (`1.13.9 > 1.8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DcosVersion {
    /// Major version (1 or 2).
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version (0 when absent).
    pub patch: u32,
}

impl DcosVersion {
    /// Parses `2.1.2`, `1.13`, `1.7-open`, `2.2.0-dev` or `2.2+`: the leading dotted numbers count.
    pub fn parse(text: &str) -> Option<DcosVersion> {
        let mut parts = text
            .split(|c: char| !c.is_ascii_digit() && c != '.')
            .next()?
            .split('.')
            .filter(|p| !p.is_empty());
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        let patch = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        Some(DcosVersion {
            major,
            minor,
            patch,
        })
    }

    const fn mm(major: u32, minor: u32) -> DcosVersion {
        DcosVersion {
            major,
            minor,
            patch: 0,
        }
    }

    /// Whether this release ships dcos-signal (every release before 2.2).
    pub fn has_signal(self) -> bool {
        self < DcosVersion::mm(2, 2)
    }
}

/// A set of node roles.
#[derive(Debug, Clone, Copy)]
struct Roles(u8);

const MASTER: Roles = Roles(1);
const AGENT: Roles = Roles(2);
const AGENT_PUBLIC: Roles = Roles(4);
const AGENTS: Roles = Roles(6);
const ALL: Roles = Roles(7);

impl Roles {
    fn contains(self, role: Role) -> bool {
        let bit = match role {
            Role::Master => 1,
            Role::Agent => 2,
            Role::AgentPublic => 4,
        };
        self.0 & bit != 0
    }
}

/// Which variants run a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Only {
    Both,
    Open,
    Enterprise,
}

/// One unit as `dcos-diagnostics` reports it (`id`, `name` = PrettyName, `description` = Title).
#[derive(Debug, Clone, Copy)]
pub struct UnitDef {
    /// systemd unit file name.
    pub id: &'static str,
    /// The part of `Description=` before `": "` (dcos-diagnostics' `PrettyName`).
    pub name: &'static str,
    /// The part after `": "` (dcos-diagnostics' `Title`).
    pub description: &'static str,
    roles: Roles,
    since: DcosVersion,
    until: Option<DcosVersion>,
    only: Only,
}

const fn u(
    id: &'static str,
    name: &'static str,
    description: &'static str,
    roles: Roles,
) -> UnitDef {
    UnitDef {
        id,
        name,
        description,
        roles,
        since: DcosVersion::mm(1, 7),
        until: None,
        only: Only::Both,
    }
}

impl UnitDef {
    const fn since(mut self, major: u32, minor: u32) -> UnitDef {
        self.since = DcosVersion::mm(major, minor);
        self
    }
    const fn until(mut self, major: u32, minor: u32) -> UnitDef {
        self.until = Some(DcosVersion::mm(major, minor));
        self
    }
    const fn only(mut self, only: Only) -> UnitDef {
        self.only = only;
        self
    }

    fn applies(&self, version: DcosVersion, variant: Variant, role: Role) -> bool {
        let variant_ok = match self.only {
            Only::Both => true,
            Only::Open => variant == Variant::Open,
            Only::Enterprise => variant == Variant::Enterprise,
        };
        variant_ok
            && self.roles.contains(role)
            && version >= self.since
            && self.until.is_none_or(|until| version < until)
    }
}

/// Every unit the simulator knows, sorted by id (dcos-diagnostics lists a node's units in that order).
const CATALOG: &[UnitDef] = &[
    u(
        "dcos-3dt.service",
        "DC/OS Distributed Diagnostics Tool Master",
        "aggregates and exposes component health",
        MASTER,
    )
    .until(1, 10),
    u(
        "dcos-3dt.service",
        "DC/OS Distributed Diagnostics Tool Agent",
        "exposes component health",
        AGENTS,
    )
    .until(1, 10),
    u(
        "dcos-3dt.socket",
        "DC/OS Distributed Diagnostics Tool Agent Socket",
        "socket for DC/OS Distributed Diagnostics Tool Agent",
        ALL,
    )
    .until(1, 10),
    u(
        "dcos-adminrouter-agent.service",
        "Admin Router Agent",
        "exposes a unified control plane proxy for components and services using NGINX",
        AGENTS,
    ),
    u(
        "dcos-adminrouter.service",
        "Admin Router Master",
        "Uses NGINX to expose a unified control plane proxy for components and services",
        MASTER,
    ),
    u(
        "dcos-bouncer-migrate-users.service",
        "DC/OS Identity and Access users migration",
        "Migrate users from dcos-oauth service.",
        MASTER,
    )
    .since(1, 13)
    .only(Only::Open),
    u(
        "dcos-bouncer.service",
        "dcos-bouncer.service",
        "DC/OS Identity and Access Manager (Bouncer)",
        MASTER,
    )
    .since(1, 13)
    .only(Only::Open),
    u(
        "dcos-bouncer.service",
        "dcos-bouncer.service",
        "DC/OS Identity and Access Manager (Bouncer)",
        MASTER,
    )
    .only(Only::Enterprise),
    u(
        "dcos-ca.service",
        "DC/OS CA",
        "issues and manages certificates for DC/OS components",
        MASTER,
    )
    .only(Only::Enterprise),
    u(
        "dcos-calico-bird.service",
        "DC/OS Calico Node (bird)",
        "A BGP routing daemon to propagate routes between hosts.",
        ALL,
    )
    .since(2, 1),
    u(
        "dcos-calico-confd.service",
        "DC/OS Calico Node (confd)",
        "A simple configuration management tool providing dynamic configurations for Calico Bird",
        ALL,
    )
    .since(2, 1),
    u(
        "dcos-calico-felix.service",
        "DC/OS Calico Node (felix)",
        "Calico Core component responsible for programming routes and security policy",
        ALL,
    )
    .since(2, 1),
    u(
        "dcos-calico-libnetwork-plugin.service",
        "DC/OS Calico Node",
        "Docker libnetwork plugin for Calico in DC/OS",
        AGENTS,
    )
    .since(2, 1),
    u(
        "dcos-checks-api.service",
        "DC/OS Checks API",
        "Provides node and cluster checks",
        ALL,
    )
    .since(1, 12),
    u(
        "dcos-checks-api.socket",
        "DC/OS Checks API Socket",
        "socket for DC/OS Checks API",
        ALL,
    )
    .since(1, 12),
    u(
        "dcos-checks-poststart.service",
        "DC/OS Poststart Checks",
        "Run node-poststart checks",
        ALL,
    )
    .since(1, 10),
    u(
        "dcos-checks-poststart.timer",
        "DC/OS Checks Timer",
        "timer for DC/OS Checks service",
        ALL,
    )
    .since(1, 10),
    u(
        "dcos-cockroach.service",
        "dcos-cockroach.service",
        "DC/OS CockroachDB Database",
        MASTER,
    )
    .since(1, 10),
    u(
        "dcos-cockroachdb-config-change.service",
        "CockroachDB Config Change",
        "Ensure `num_replicas` equals the expected number of master nodes.",
        MASTER,
    )
    .since(1, 12),
    u(
        "dcos-cockroachdb-config-change.timer",
        "CockroachDB Set Configuration Timer",
        "Timer to periodically set the CockroachDB configuration",
        MASTER,
    )
    .since(1, 12),
    u(
        "dcos-cosmos.service",
        "DC/OS Package Manager (Cosmos)",
        "installs and manages DC/OS packages from DC/OS package repositories, such as the Mesosphere Universe",
        MASTER,
    ),
    u(
        "dcos-diagnostics-mesos-state.service",
        "Diagnostics Mesos state query",
        "Triggers DC/OS Diagnostics to query Mesos state and appends the results to an archive",
        MASTER,
    )
    .since(2, 0),
    u(
        "dcos-diagnostics-mesos-state.timer",
        "Diagnostics Mesos state timer",
        "Timer for triggering Mesos state",
        MASTER,
    )
    .since(2, 0),
    u(
        "dcos-diagnostics.service",
        "DC/OS Diagnostics Master",
        "aggregates and exposes component health",
        MASTER,
    )
    .since(1, 10),
    u(
        "dcos-diagnostics.service",
        "DC/OS Diagnostics Agent",
        "exposes component health",
        AGENTS,
    )
    .since(1, 10),
    u(
        "dcos-diagnostics.socket",
        "DC/OS Diagnostics Agent Socket",
        "socket for DC/OS Diagnostics Agent",
        ALL,
    )
    .since(1, 10),
    u(
        "dcos-docker-gc.service",
        "Docker GC",
        "periodically garbage collects Docker containers and images",
        AGENTS,
    )
    .since(1, 8),
    u(
        "dcos-docker-gc.timer",
        "Docker GC Timer",
        "timer to periodically trigger Docker GC",
        AGENTS,
    )
    .since(1, 8),
    u(
        "dcos-epmd.service",
        "Erlang Port Mapping Daemon",
        "Erlang Port Mapping Daemon for DC/OS",
        ALL,
    )
    .until(1, 11),
    u(
        "dcos-etcd.service",
        "etcd",
        "Distributed K/V storage",
        MASTER,
    )
    .since(2, 1),
    u(
        "dcos-exhibitor.service",
        "Exhibitor",
        "Zookeeper supervisor service",
        MASTER,
    ),
    u(
        "dcos-fluent-bit.service",
        "Fluent Bit",
        "Collects and forwards logs",
        ALL,
    )
    .since(2, 0),
    u(
        "dcos-gen-resolvconf.service",
        "Generate resolv.conf",
        "configures network name resolution",
        ALL,
    ),
    u(
        "dcos-gen-resolvconf.timer",
        "Generate resolv.conf Timer",
        "periodically updates the network name resolution configuration",
        ALL,
    ),
    u(
        "dcos-history-service.service",
        "DC/OS History",
        "caches and exposes historical system state",
        MASTER,
    )
    .until(2, 0),
    u(
        "dcos-iam-ldap-sync.service",
        "DC/OS LDAP Synchronizer",
        "synchronizes group membership from LDAP",
        MASTER,
    )
    .since(1, 10)
    .only(Only::Enterprise),
    u(
        "dcos-iam-ldap-sync.timer",
        "DC/OS LDAP Synchronizer Timer",
        "periodically synchronizes group membership from LDAP",
        MASTER,
    )
    .since(1, 10)
    .only(Only::Enterprise),
    u(
        "dcos-licensing.service",
        "DC/OS Licensing",
        "manages the cluster license",
        MASTER,
    )
    .since(1, 11)
    .only(Only::Enterprise),
    u(
        "dcos-licensing.socket",
        "DC/OS Licensing Socket",
        "socket for DC/OS Licensing",
        MASTER,
    )
    .since(1, 11)
    .only(Only::Enterprise),
    u(
        "dcos-log-agent.service",
        "DC/OS Log Agent",
        "exposes agent node, component, and container (task) logs",
        AGENTS,
    )
    .since(1, 9),
    u(
        "dcos-log-agent.socket",
        "DC/OS Log Socket",
        "socket for DC/OS Log service",
        AGENTS,
    )
    .since(1, 9),
    u(
        "dcos-log-master.service",
        "DC/OS Log Master",
        "exposes master node and component logs",
        MASTER,
    )
    .since(1, 9),
    u(
        "dcos-log-master.socket",
        "DC/OS Log Socket",
        "socket for DC/OS Log service",
        MASTER,
    )
    .since(1, 9),
    u(
        "dcos-logrotate-agent.service",
        "Logrotate Mesos Agent",
        "Rotate Mesos agent logs",
        AGENTS,
    ),
    u(
        "dcos-logrotate-agent.timer",
        "Logrotate Timer",
        "Timer to trigger every 2 minutes",
        AGENTS,
    ),
    u(
        "dcos-logrotate-master.service",
        "Logrotate Mesos Master",
        "Rotate Mesos master logs",
        MASTER,
    ),
    u(
        "dcos-logrotate-master.timer",
        "Logrotate Timer",
        "Timer to trigger every 2 minutes",
        MASTER,
    ),
    u(
        "dcos-marathon.service",
        "Marathon",
        "container orchestration engine",
        MASTER,
    ),
    u(
        "dcos-mesos-dns.service",
        "Mesos DNS",
        "domain name based service discovery",
        MASTER,
    ),
    u(
        "dcos-mesos-master.service",
        "Mesos Master",
        "distributed systems kernel",
        MASTER,
    ),
    u(
        "dcos-mesos-slave-public.service",
        "Mesos Agent Public",
        "distributed systems kernel public agent",
        AGENT_PUBLIC,
    ),
    u(
        "dcos-mesos-slave-public.socket",
        "DC/OS Executors Socket",
        "socket for communication between Mesos agent and v1 executors",
        AGENT_PUBLIC,
    )
    .since(1, 9),
    u(
        "dcos-mesos-slave.service",
        "Mesos Agent",
        "distributed systems kernel agent",
        AGENT,
    ),
    u(
        "dcos-mesos-slave.socket",
        "DC/OS Executors Socket",
        "socket for communication between Mesos agent and v1 executors",
        AGENT,
    )
    .since(1, 9),
    u(
        "dcos-metrics-agent.service",
        "DC/OS Metrics Agent",
        "exposes node, container, and application metrics",
        AGENTS,
    )
    .since(1, 9)
    .until(1, 12),
    u(
        "dcos-metrics-agent.socket",
        "DC/OS Metrics Agent Socket",
        "socket for DC/OS Metrics Agent",
        AGENTS,
    )
    .since(1, 9)
    .until(1, 12),
    u(
        "dcos-metrics-master.service",
        "DC/OS Metrics Master",
        "exposes node and cluster metrics",
        MASTER,
    )
    .since(1, 9)
    .until(1, 12),
    u(
        "dcos-metrics-master.socket",
        "DC/OS Metrics Master Socket",
        "socket for DC/OS Metrics Master",
        MASTER,
    )
    .since(1, 9)
    .until(1, 12),
    u(
        "dcos-metronome.service",
        "DC/OS Jobs (Metronome)",
        "job orchestration",
        MASTER,
    )
    .since(1, 8),
    u(
        "dcos-minuteman.service",
        "Layer 4 Load Balancer",
        "distributed layer 4 virtual IP load balancer",
        ALL,
    )
    .since(1, 8)
    .until(1, 11),
    u(
        "dcos-navstar.service",
        "Navstar",
        "A distributed systems & network overlay orchestration engine",
        ALL,
    )
    .until(1, 11),
    u(
        "dcos-net-watchdog.service",
        "DC/OS Net Watchdog",
        "restarts dcos-net when it is unhealthy",
        ALL,
    )
    .since(1, 11),
    u(
        "dcos-net.service",
        "DC/OS Net",
        "A distributed systems & network overlay orchestration engine",
        ALL,
    )
    .since(1, 11),
    u(
        "dcos-oauth.service",
        "DC/OS OAuth",
        "OAuth provider for DC/OS",
        MASTER,
    )
    .until(1, 13)
    .only(Only::Open),
    u(
        "dcos-pkgpanda-api.service",
        "DC/OS Component Package Manager (Pkgpanda)",
        "installs and manages DC/OS components",
        ALL,
    )
    .since(1, 8),
    u(
        "dcos-rexray.service",
        "REX-Ray",
        "A vendor agnostic storage orchestration engine",
        AGENTS,
    )
    .since(1, 8),
    u(
        "dcos-secrets.service",
        "DC/OS Secrets",
        "stores and manages secrets",
        MASTER,
    )
    .only(Only::Enterprise),
    u(
        "dcos-secrets.socket",
        "DC/OS Secrets Socket",
        "socket for DC/OS Secrets",
        MASTER,
    )
    .only(Only::Enterprise),
    u(
        "dcos-signal.service",
        "DC/OS Signal",
        "reports cluster telemetry and analytics to help improve DC/OS",
        MASTER,
    )
    .since(1, 8)
    .until(2, 2),
    u(
        "dcos-signal.timer",
        "DC/OS Signal Timer",
        "timer for DC/OS Signal service",
        ALL,
    )
    .until(1, 8),
    u(
        "dcos-signal.timer",
        "DC/OS Signal Timer",
        "timer for DC/OS Signal service",
        MASTER,
    )
    .since(1, 8)
    .until(2, 2),
    u(
        "dcos-spartan-watchdog.service",
        "DNS Dispatcher Watchdog",
        "restarts spartan when it is unhealthy",
        ALL,
    )
    .until(1, 11),
    u(
        "dcos-spartan.service",
        "DNS Dispatcher",
        "an RFC5625 compliant DNS forwarder",
        ALL,
    )
    .until(1, 11),
    u(
        "dcos-telegraf.service",
        "Telegraf",
        "collects and reports metrics",
        ALL,
    )
    .since(1, 12),
    u(
        "dcos-telegraf.socket",
        "Telegraf Socket",
        "socket for Telegraf",
        ALL,
    )
    .since(1, 12),
    u(
        "dcos-ui-update-service.service",
        "DC/OS UI Update Service",
        "dcos ui update service for updating the ui",
        MASTER,
    )
    .since(1, 12),
    u(
        "dcos-ui-update-service.socket",
        "DC/OS UI Update Service Socket",
        "socket for the dcos ui update service",
        MASTER,
    )
    .since(1, 12),
    u(
        "dcos-vault.service",
        "DC/OS Vault",
        "secure storage backend for DC/OS Secrets",
        MASTER,
    )
    .only(Only::Enterprise),
];

/// The units a node of `role` runs on `version`/`variant`, sorted by unit id.
pub fn units_for(version: DcosVersion, variant: Variant, role: Role) -> Vec<UnitDef> {
    let mut units: Vec<UnitDef> = CATALOG
        .iter()
        .filter(|def| def.applies(version, variant, role))
        .copied()
        .collect();
    units.sort_by(|a, b| a.id.cmp(b.id));
    units.dedup_by(|a, b| a.id == b.id);
    units
}

/// The `dcos_diagnostics_version` a node reports (`0.4.0` at the 2.1.2 pin; older values assumed).
pub fn diagnostics_version(version: DcosVersion) -> &'static str {
    if version >= DcosVersion::mm(2, 0) {
        "0.4.0"
    } else if version >= DcosVersion::mm(1, 10) {
        "0.3.0"
    } else {
        "0.2.0"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        let v = |s| DcosVersion::parse(s).unwrap();
        assert!(v("1.13.9") > v("1.8"));
        assert_eq!(v("1.7-open"), v("1.7.0"));
        assert_eq!(v("2.2+"), v("2.2"));
        assert!(!v("2.2.0").has_signal());
        assert!(v("2.1.2").has_signal());
        assert!(DcosVersion::parse("open").is_none());
    }

    #[test]
    fn signal_units_follow_the_release_history() {
        let ids = |ver: &str, role| -> Vec<&str> {
            units_for(DcosVersion::parse(ver).unwrap(), Variant::Open, role)
                .iter()
                .map(|d| d.id)
                .filter(|id| id.starts_with("dcos-signal"))
                .collect()
        };
        assert_eq!(ids("1.7", Role::Agent), ["dcos-signal.timer"]);
        assert_eq!(ids("1.7", Role::Master), ["dcos-signal.timer"]);
        assert_eq!(
            ids("1.13.9", Role::Master),
            ["dcos-signal.service", "dcos-signal.timer"]
        );
        assert!(ids("1.13.9", Role::Agent).is_empty());
        assert!(ids("2.2.0", Role::Master).is_empty());
    }

    #[test]
    fn counts_for_2_1_2_match_the_fixture() {
        let v = DcosVersion::parse("2.1.2").unwrap();
        assert_eq!(units_for(v, Variant::Open, Role::Master).len(), 40);
        assert_eq!(units_for(v, Variant::Open, Role::Agent).len(), 28);
        assert_eq!(units_for(v, Variant::Open, Role::AgentPublic).len(), 28);
    }
}
