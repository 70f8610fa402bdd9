//! `dcos-telemetry`: the DC/OS CLI runs it as `dcos-telemetry telemetry <args>`; it also runs
//! standalone as `dcos-telemetry <args>`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let env = dcos_telemetry::env::Env::from_process();
    let code = dcos_telemetry::run(std::env::args_os().skip(1).collect(), &env);
    ExitCode::from(code.code())
}
