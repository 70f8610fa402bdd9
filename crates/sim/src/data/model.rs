//! The cluster model: nodes, their systemd units, Cosmos packages and Mesos frameworks.
//!
//! Everything the simulator serves about a cluster is rendered from (or, for fixtures, checked
//! against) these types, and the test oracle (`ClusterData::expected_health_counts` and friends)
//! reads them directly instead of parsing what was served.

use crate::gotime::GoTime;

/// A DC/OS node role as dcos-diagnostics names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// `master`
    Master,
    /// `agent` (private agent)
    Agent,
    /// `agent_public`
    AgentPublic,
}

impl Role {
    /// The wire name (`master`, `agent`, `agent_public`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Master => "master",
            Role::Agent => "agent",
            Role::AgentPublic => "agent_public",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "master" => Some(Role::Master),
            "agent" => Some(Role::Agent),
            "agent_public" => Some(Role::AgentPublic),
            _ => None,
        }
    }
}

/// One systemd unit's state on one node, as that node's dcos-diagnostics reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitStatus {
    /// Unit file name, e.g. `dcos-mesos-slave.service`.
    pub id: String,
    /// PrettyName (`name` on the wire).
    pub name: String,
    /// Title (`description` on the wire).
    pub description: String,
    /// 0 healthy, 1 unhealthy.
    pub health: u8,
    /// Empty when healthy; otherwise a reason line, `\n`, and journal lines each ending in `\n`.
    pub output: String,
    /// When the master recorded this unit during its pull (`Timestamp` in the report).
    pub timestamp: GoTime,
}

/// One node of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The node's IP, the key of the report's `Nodes` map.
    pub ip: String,
    /// Hostname (`Host`); empty for an unreachable node.
    pub hostname: String,
    /// Role.
    pub role: Role,
    /// Whether this master is the Mesos leader.
    pub leader: bool,
    /// Mesos ID (`MesosID`); empty for an unreachable node.
    pub mesos_id: String,
    /// The node's units in the order it listed them; `None` when the master could not pull it
    /// (health 3, `Output: null`, no units).
    pub units: Option<Vec<UnitStatus>>,
}

impl Node {
    /// The node's health: 3 when unreachable, else 1 if any unit is unhealthy, else 0.
    pub fn health(&self) -> u8 {
        match &self.units {
            None => 3,
            Some(units) => units.iter().map(|u| u.health).max().unwrap_or(0),
        }
    }

    /// Whether the master could pull this node.
    pub fn reachable(&self) -> bool {
        self.units.is_some()
    }

    /// The unit `id` on this node, if it runs it.
    pub fn unit(&self, id: &str) -> Option<&UnitStatus> {
        self.units.as_ref()?.iter().find(|u| u.id == id)
    }
}

/// An installed Cosmos package (one entry of `POST /package/list`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Marathon app id, e.g. `/kafka`.
    pub app_id: String,
    /// Package name.
    pub name: String,
    /// Package version.
    pub version: String,
    /// Whether the package is a Mesos framework.
    pub framework: bool,
    /// The entry as JSON text, exactly as served.
    pub(crate) json: String,
}

/// A Mesos framework (one entry of `GET /mesos/frameworks`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framework {
    /// Framework id.
    pub id: String,
    /// Framework name (the only field dcos-signal reads).
    pub name: String,
    /// Running tasks.
    pub tasks_running: u64,
}

/// How many nodes of each kind the cluster has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NodeCounts {
    /// Masters (reachable or not).
    pub masters: usize,
    /// Private agents (reachable or not).
    pub agents: usize,
    /// Public agents (reachable or not).
    pub public_agents: usize,
    /// Nodes of any role the master could not pull (health 3).
    pub unreachable: usize,
    /// Reachable nodes with at least one unhealthy unit.
    pub unhealthy: usize,
}
