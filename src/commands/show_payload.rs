//! `dcos telemetry show-payload`: exactly what the cluster's dcos-signal sends, without sending.

use dcos_telemetry_signal::Event;

use crate::cli::{EventArg, PayloadArgs, ShowPayloadArgs};
use crate::collect::{self, Collected, Options};
use crate::commands::Context;
use crate::error::{Error, Exit, Result};
use crate::output;
use crate::segment_bodies;
use crate::site_values::SiteFlags;

/// Runs `show-payload`.
pub fn run(ctx: &Context, args: &ShowPayloadArgs) -> Result<Exit> {
    let collected = collect::collect(ctx, &options(&args.payload))?;
    let bytes = if args.segment {
        let bodies = segment_bodies::build(&collected)?;
        let mut out = Vec::new();
        for body in &bodies {
            out.extend_from_slice(&body.bytes);
            out.push(b'\n');
        }
        for body in &bodies {
            output::notice(&format!(
                "sha256:{}  {}  ({} bytes)",
                body.sha256,
                body.event.name(),
                body.bytes.len()
            ));
        }
        out
    } else {
        let mut out = collected.payload.to_test_output(&collected.events);
        out.push(b'\n');
        out
    };
    report_notes(&collected);
    match &args.output {
        Some(path) if !collected.failures.is_empty() => {
            output::notice(&format!(
                "note: nothing was written to {}: the payload is partial",
                path.display()
            ));
        }
        Some(path) => {
            crate::fsutil::write_atomically(path, &bytes, 0o644)
                .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?;
        }
        None => output::print_bytes(&bytes)?,
    }
    finish(&collected)
}

/// The collect options from the shared payload arguments.
pub fn options(args: &PayloadArgs) -> Options {
    Options {
        events: args
            .event
            .iter()
            .map(|e| match e {
                EventArg::Health => Event::Health,
                EventArg::PackageList => Event::PackageList,
                EventArg::MesosTrack => Event::MesosTrack,
            })
            .collect(),
        fresh: args.fresh,
        report_file: args.report_file.clone(),
        as_version: args.as_version.clone(),
        cluster_id: args.cluster_id.clone(),
        site: SiteFlags {
            platform: args.site.platform.clone(),
            provider: args.site.provider.clone(),
            customer_key: args.site.customer_key.clone(),
            license_id: args.site.license_id.clone(),
            signal_config: args.site.signal_config.clone(),
            installer_config: args.site.installer_config.clone(),
        },
        known: None,
    }
}

/// Notes on stderr: assumed values, a disabled cluster, a chosen version.
pub fn report_notes(c: &Collected) {
    let assumed = c.site.assumed();
    if !assumed.is_empty() {
        output::notice(&format!(
            "note: assumed {} (an on-prem Open cluster's values: no endpoint exposes them; `show-payload --help` says how to set them)",
            assumed.join(", ")
        ));
    }
    if c.variant_assumed {
        output::notice(
            "note: assumed variant=\"open\" (this DC/OS version does not report its variant)",
        );
    }
    if c.version_overridden {
        output::notice(&format!(
            "note: built as DC/OS {}'s dcos-signal would (--as-version)",
            c.version
        ));
    }
    if c.telemetry_enabled == Some(false) {
        output::notice(
            "note: telemetry is disabled on this cluster (telemetry_enabled 'false'): dcos-signal sends nothing; shown is what it would send if enabled",
        );
    }
}

/// A partial payload (a reporter's data could not be read) is one error: exit 1, or 4 when the
/// cause is authentication.
pub fn finish(c: &Collected) -> Result<Exit> {
    match c.partial_error() {
        None => Ok(Exit::Success),
        Some(err) => Err(err),
    }
}
