//! The wall clock, in the unit every timestamp here starts from.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the UNIX epoch (0 if the clock is set before it).
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
