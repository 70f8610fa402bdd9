//! dcos-diagnostics through Admin Router: the unit list (for the dcos-signal units).

use serde::Deserialize;

use crate::error::Result;
use crate::http::{Http, Request};

/// Path of the unit list.
pub const UNITS: &str = "/system/health/v1/units";

/// One systemd unit as dcos-diagnostics aggregates it over the cluster.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Unit {
    /// The unit file name, e.g. `dcos-signal.timer`.
    pub id: String,
    /// 0 healthy, 1 unhealthy, 3 unknown.
    pub health: i64,
}

#[derive(Deserialize)]
struct Units {
    units: Option<Vec<Unit>>,
}

/// Reads the aggregated unit list (`null` means none).
pub fn units(http: &Http) -> Result<Vec<Unit>> {
    let units: Units = http.get_json(Request::get(UNITS))?;
    Ok(units.units.unwrap_or_default())
}
