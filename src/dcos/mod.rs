//! One typed reader per DC/OS endpoint, all through Admin Router (internals §2.1).

pub mod health;
pub mod metadata;
pub mod signal_sources;
