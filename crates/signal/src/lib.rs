//! What DC/OS's dcos-signal sends, rebuilt byte for byte.
//!
//! Pure domain code, no I/O beyond reading a [`std::io::Read`]:
//! * [`health`], [`cosmos`], [`mesos`]: decode the three sources exactly as dcos-signal's Go
//!   structs decode them (streaming for the large health report);
//! * [`version`]: DC/OS versions and the signal generation each release shipped;
//! * [`payload`]: the tracks each generation builds, and its `-test` output;
//! * [`segment`]: the Segment `/v1/batch` bodies, content hashes and size limits;
//! * [`gojson`]: Go `encoding/json` compatible bytes.

pub mod cosmos;
mod decode;
pub mod gojson;
pub mod health;
pub mod mesos;
pub mod payload;
pub mod segment;
pub mod version;

pub use cosmos::{InstalledPackage, PackageList, parse_package_list};
pub use decode::{ParseError, ParseErrorKind};
pub use health::{HealthReport, NodeStats, RoleCounts, parse_health_report};
pub use mesos::{MesosDecoder, MesosReport, parse_mesos};
pub use payload::{Identity, Payload, Sources, Track};
pub use segment::{Envelope, SizeError, batch_body, format_timestamp, new_message_id};
pub use version::{DcosVersion, Event, Generation, GenerationInfo, Schedule, UiTracking};
