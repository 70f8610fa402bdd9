//! Mesos `GET /frameworks` and `GET /metrics/snapshot`, decoded one after the other into ONE
//! Go struct as dcos-signal does (`signal/mesos.go`), so the two responses merge: a key in the
//! second response overwrites what the first set, and anything missing stays as it was.

use std::io::Read;

use crate::decode::{Decoder, ParseError, Start};

/// dcos-signal's `MesosReport`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MesosReport {
    /// `frameworks[].name`; `None` is Go's nil slice (key missing or `null`): sent as `null`.
    pub frameworks: Option<Vec<String>>,
    /// `master/cpus_total`.
    pub cpu_total: f64,
    /// `master/cpus_used`.
    pub cpu_used: f64,
    /// `master/disk_total` (MB).
    pub disk_total: f64,
    /// `master/disk_used` (MB).
    pub disk_used: f64,
    /// `master/mem_total` (MB).
    pub mem_total: f64,
    /// `master/mem_used` (MB).
    pub mem_used: f64,
    /// `master/tasks_running`.
    pub task_count: f64,
    /// `master/frameworks_active`.
    pub framework_count: f64,
    /// `master/slaves_connected`.
    pub agents_connected: f64,
    /// `master/slaves_active`.
    pub agents_active: f64,
}

const FIELDS: &[&str] = &[
    "frameworks",
    "master/cpus_total",
    "master/cpus_used",
    "master/disk_total",
    "master/disk_used",
    "master/mem_total",
    "master/mem_used",
    "master/tasks_running",
    "master/frameworks_active",
    "master/slaves_connected",
    "master/slaves_active",
];

/// Accumulates the Mesos documents the way `json.Unmarshal(body, &d.Report)` does, called
/// once per endpoint on the same `*MesosReport`.
#[derive(Debug, Clone, Default)]
pub struct MesosDecoder {
    report: Option<MesosReport>,
}

impl MesosDecoder {
    /// A decoder holding a nil report.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes one response into the report. A `null` document sets the pointer back to nil.
    pub fn decode<R: Read>(&mut self, reader: R) -> Result<(), ParseError> {
        let mut dec = Decoder::new(reader);
        match dec.peek()? {
            Start::Null => {
                dec.null()?;
                self.report = None;
            }
            Start::Object => {
                let report = self.report.get_or_insert_with(MesosReport::default);
                dec.begin_object();
                let mut first = true;
                while let Some(field) = dec.next_field(&mut first, FIELDS)? {
                    let path = field.map_or("", |i| FIELDS[i]);
                    match field {
                        Some(0) => decode_frameworks(&mut dec, &mut report.frameworks)?,
                        Some(1) => dec.go_float(path, &mut report.cpu_total)?,
                        Some(2) => dec.go_float(path, &mut report.cpu_used)?,
                        Some(3) => dec.go_float(path, &mut report.disk_total)?,
                        Some(4) => dec.go_float(path, &mut report.disk_used)?,
                        Some(5) => dec.go_float(path, &mut report.mem_total)?,
                        Some(6) => dec.go_float(path, &mut report.mem_used)?,
                        Some(7) => dec.go_float(path, &mut report.task_count)?,
                        Some(8) => dec.go_float(path, &mut report.framework_count)?,
                        Some(9) => dec.go_float(path, &mut report.agents_connected)?,
                        Some(10) => dec.go_float(path, &mut report.agents_active)?,
                        _ => dec.skip()?,
                    }
                }
            }
            other => {
                // Go allocates the struct before finding the type mismatch.
                self.report.get_or_insert_with(MesosReport::default);
                dec.mismatch("", "signal.MesosReport", other)?;
            }
        }
        dec.finish()
    }

    /// The merged report; `None` if the last document left it nil (dcos-signal then fails the
    /// reporter with "report is nil").
    pub fn finish(self) -> Option<MesosReport> {
        self.report
    }
}

/// Decodes `/frameworks` then `/metrics/snapshot` into one report. The error says which
/// document failed (0 = frameworks, 1 = snapshot). `Ok(None)` when the result is nil.
pub fn parse_mesos<A: Read, B: Read>(
    frameworks: A,
    snapshot: B,
) -> Result<Option<MesosReport>, (usize, ParseError)> {
    let mut dec = MesosDecoder::new();
    dec.decode(frameworks).map_err(|e| (0, e))?;
    dec.decode(snapshot).map_err(|e| (1, e))?;
    Ok(dec.finish())
}

fn decode_frameworks<R: Read>(
    dec: &mut Decoder<R>,
    frameworks: &mut Option<Vec<String>>,
) -> Result<(), ParseError> {
    match dec.peek()? {
        Start::Null => {
            *frameworks = None;
            dec.null()
        }
        Start::Array => {
            let list = frameworks.get_or_insert_with(Vec::new);
            dec.begin_array();
            let mut first = true;
            let mut i = 0;
            while dec.next_element(&mut first)? {
                if i == list.len() {
                    list.push(String::new());
                }
                // Framework{Name string `json:"name"`}, decoded over the existing element.
                match dec.peek()? {
                    Start::Null => dec.null()?,
                    Start::Object => {
                        dec.begin_object();
                        let mut f = true;
                        while let Some(field) = dec.next_field(&mut f, &["name"])? {
                            match field {
                                Some(_) => dec.go_string("frameworks.name", &mut list[i])?,
                                None => dec.skip()?,
                            }
                        }
                    }
                    other => dec.mismatch("frameworks", "signal.Framework", other)?,
                }
                i += 1;
            }
            list.truncate(i);
            Ok(())
        }
        other => dec.mismatch("frameworks", "[]signal.Framework", other),
    }
}
