//! The local record of what `dcos telemetry send` delivered: one JSON line per event posted
//! (delivered or failed) in `<cluster folder>/telemetry/deliveries.jsonl`, newest last, at most
//! [`MAX_ENTRIES`] lines. `status` shows the newest entry.
//!
//! Writers append, and trim when over the bound, while holding an exclusive lock on a separate
//! lock file (`deliveries.lock`): the trim replaces the log by an atomic rename, so locking the
//! log itself would let a writer that waited on the old file append to a file nobody reads.
//! Readers take no lock: a rename is atomic, and a line still being appended (or cut by a crash)
//! is skipped.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cluster::config_dir;
use crate::env::Env;
use crate::fsutil;

/// Folder (inside the cluster's folder) that holds the log.
pub const DIR: &str = "telemetry";
/// The log's file name.
pub const FILE: &str = "deliveries.jsonl";
/// The lock file's name (beside the log).
pub const LOCK: &str = "deliveries.lock";
/// The log keeps this many entries, the newest.
pub const MAX_ENTRIES: usize = 1000;

/// What happened to one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    /// The collector answered 2xx.
    Delivered,
    /// Every attempt failed, or the collector refused it.
    Failed,
}

impl Delivery {
    /// `delivered` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Delivered => "delivered",
            Delivery::Failed => "failed",
        }
    }
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// When the outcome was known, RFC 3339 in UTC (`2026-01-31T09:30:02Z`).
    pub time: String,
    /// The collector's base URL (the body went to `<endpoint>/v1/batch`).
    pub endpoint: String,
    /// `health`, `package_list` or `mesos_track`.
    pub event: String,
    /// The track's `messageId` (the same on every retry).
    pub message_id: String,
    /// SHA-256 of the event's content (as `show-payload --segment` prints it).
    pub sha256: String,
    /// Delivered or failed.
    pub status: Delivery,
    /// The last HTTP status the collector answered, if any answered.
    pub http_status: Option<u16>,
    /// How many POSTs were made.
    pub attempts: u32,
    /// Why the last attempt failed, e.g. `HTTP 503 Service Unavailable` (absent when delivered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Entry {
    /// One line for `status`: `<time> <event> to <endpoint>: delivered (HTTP 200)`.
    pub fn summary(&self) -> String {
        let outcome = match (self.status, self.http_status) {
            (Delivery::Delivered, Some(code)) => format!("delivered (HTTP {code})"),
            (Delivery::Delivered, None) => "delivered".to_string(),
            (Delivery::Failed, _) => {
                let why = self.error.as_deref().unwrap_or("no answer");
                if self.attempts > 1 {
                    format!("failed after {} attempts: {why}", self.attempts)
                } else {
                    format!("failed: {why}")
                }
            }
        };
        format!(
            "{} {} to {}: {outcome}",
            self.time, self.event, self.endpoint
        )
    }
}

/// `2026-01-31T09:30:02Z` for a UNIX time.
pub fn rfc3339(unix_seconds: i64) -> String {
    let stamp = dcos_telemetry_signal::segment::format_timestamp(unix_seconds);
    format!("{}Z", stamp.trim_end_matches("+0000"))
}

/// The current time as [`rfc3339`].
pub fn now_rfc3339() -> String {
    rfc3339(crate::clock::unix_now())
}

/// Where the log of a cluster lives: `<cluster folder>/telemetry/deliveries.jsonl` when the
/// folder is known; else the folder `<DCOS_DIR or ~/.dcos>/clusters/<cluster id>` when it
/// exists; else `<DCOS_DIR or ~/.dcos>/telemetry/<cluster id>/deliveries.jsonl` (a new folder
/// under `clusters/` without a `dcos.toml` would look like a broken cluster to the DC/OS CLI).
/// `None` when neither a folder nor a usable cluster id is known.
pub fn location(
    env: &Env,
    cluster_dir: Option<&Path>,
    cluster_id: Option<&str>,
) -> Option<PathBuf> {
    if let Some(dir) = cluster_dir {
        return Some(dir.join(DIR).join(FILE));
    }
    let id = cluster_id.filter(|id| is_safe_component(id))?;
    let root = config_dir::root(env)?;
    let configured = root.join("clusters").join(id);
    if configured.is_dir() {
        return Some(configured.join(DIR).join(FILE));
    }
    Some(root.join(DIR).join(id).join(FILE))
}

/// A cluster id usable as one path component.
fn is_safe_component(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Appends `entries` to the log at `path` (creating its folder 0700 and the file 0600), then
/// keeps only the newest [`MAX_ENTRIES`], all under the exclusive lock.
pub fn append(path: &Path, entries: &[Entry]) -> io::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the log has no folder"))?;
    fsutil::create_private_dir(dir)?;
    let mut lock = fd_lock::RwLock::new(open_private(&dir.join(LOCK), false)?);
    let _guard = lock.write()?;

    let mut file = open_private(path, true)?;
    let mut text = Vec::new();
    // A line cut by a crashed writer must not swallow the first new line.
    if !ends_with_newline(&mut file)? {
        text.push(b'\n');
    }
    for entry in entries {
        serde_json::to_writer(&mut text, entry).map_err(io::Error::other)?;
        text.push(b'\n');
    }
    file.write_all(&text)?;
    file.sync_data()?;
    drop(file);
    trim(path, MAX_ENTRIES)
}

/// Keeps the newest `keep` complete lines of the log (atomically), when it holds more.
fn trim(path: &Path, keep: usize) -> io::Result<()> {
    let bytes = fs::read(path)?;
    let lines: Vec<&[u8]> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() <= keep {
        return Ok(());
    }
    let mut kept = Vec::with_capacity(bytes.len());
    for line in &lines[lines.len() - keep..] {
        kept.extend_from_slice(line);
        kept.push(b'\n');
    }
    fsutil::write_atomically(path, &kept, fsutil::PRIVATE_FILE)
}

fn ends_with_newline(file: &mut File) -> io::Result<bool> {
    use std::io::{Seek, SeekFrom};
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(true);
    }
    let mut reader = file.try_clone()?;
    reader.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    reader.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

fn open_private(path: &Path, append: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).read(true);
    if append {
        options.append(true);
    } else {
        options.write(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(fsutil::PRIVATE_FILE);
    }
    options.open(path)
}

/// Every readable entry, oldest first; lines that do not parse (a line being written, or cut by
/// a crash) are skipped. A missing log is empty.
pub fn read(path: &Path) -> io::Result<Vec<Entry>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect())
}

/// The newest entry, if any can be read.
pub fn last(path: &Path) -> Option<Entry> {
    read(path).ok().and_then(|mut entries| entries.pop())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize) -> Entry {
        Entry {
            time: rfc3339(1_600_000_000 + n as i64),
            endpoint: "https://collector.example".into(),
            event: "health".into(),
            message_id: format!("id-{n}"),
            sha256: "ab".repeat(32),
            status: Delivery::Delivered,
            http_status: Some(200),
            attempts: 1,
            error: None,
        }
    }

    #[test]
    fn rfc3339_in_utc() {
        assert_eq!(rfc3339(1_605_691_802), "2020-11-18T09:30:02Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn entries_serialize_in_a_fixed_shape() {
        let mut e = entry(1);
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            format!(
                "{{\"time\":\"2020-09-13T12:26:41Z\",\"endpoint\":\"https://collector.example\",\"event\":\"health\",\"message_id\":\"id-1\",\"sha256\":\"{}\",\"status\":\"delivered\",\"http_status\":200,\"attempts\":1}}",
                "ab".repeat(32)
            )
        );
        assert_eq!(
            e.summary(),
            "2020-09-13T12:26:41Z health to https://collector.example: delivered (HTTP 200)"
        );
        e.status = Delivery::Failed;
        e.http_status = Some(503);
        e.attempts = 3;
        e.error = Some("HTTP 503 Service Unavailable".into());
        assert_eq!(
            e.summary(),
            "2020-09-13T12:26:41Z health to https://collector.example: failed after 3 attempts: HTTP 503 Service Unavailable"
        );
        e.attempts = 1;
        e.http_status = Some(400);
        e.error = Some("HTTP 400 Bad Request: Invalid JSON".into());
        assert_eq!(
            e.summary(),
            "2020-09-13T12:26:41Z health to https://collector.example: failed: HTTP 400 Bad Request: Invalid JSON"
        );
    }

    #[cfg(unix)]
    #[test]
    fn appends_privately_and_reads_back() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("c1").join(DIR).join(FILE);
        append(&path, &[entry(1), entry(2)]).unwrap();
        append(&path, &[entry(3)]).unwrap();
        let got = read(&path).unwrap();
        assert_eq!(got, vec![entry(1), entry(2), entry(3)]);
        assert_eq!(last(&path), Some(entry(3)));
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(mode(&path.parent().unwrap().join(LOCK)), 0o600);
    }

    #[test]
    fn a_cut_last_line_is_skipped_and_not_glued_to_the_next() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(FILE);
        let mut text = serde_json::to_string(&entry(1)).unwrap();
        text.push('\n');
        text.push_str("{\"time\":\"2020-09-13T12:2");
        fs::write(&path, &text).unwrap();
        assert_eq!(read(&path).unwrap(), vec![entry(1)]);
        append(&path, &[entry(2)]).unwrap();
        assert_eq!(read(&path).unwrap(), vec![entry(1), entry(2)]);
    }

    #[test]
    fn keeps_only_the_newest_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(FILE);
        let seed: Vec<Entry> = (0..MAX_ENTRIES - 1).map(entry).collect();
        append(&path, &seed).unwrap();
        assert_eq!(read(&path).unwrap().len(), MAX_ENTRIES - 1);
        append(&path, &[entry(5000), entry(5001), entry(5002)]).unwrap();
        let got = read(&path).unwrap();
        assert_eq!(got.len(), MAX_ENTRIES);
        assert_eq!(got[0], entry(2));
        assert_eq!(got[MAX_ENTRIES - 1], entry(5002));
        // The trim leaves no temporary file behind.
        let mut names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [FILE, LOCK]);
    }

    #[test]
    fn concurrent_writers_lose_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(FILE);
        let seed: Vec<Entry> = (0..MAX_ENTRIES - 10).map(entry).collect();
        append(&path, &seed).unwrap();
        std::thread::scope(|s| {
            for t in 0..8 {
                let path = &path;
                s.spawn(move || {
                    for i in 0..5 {
                        append(path, &[entry(10_000 + t * 100 + i)]).unwrap();
                    }
                });
            }
        });
        let got = read(&path).unwrap();
        assert_eq!(got.len(), MAX_ENTRIES);
        for t in 0..8 {
            for i in 0..5 {
                let id = format!("id-{}", 10_000 + t * 100 + i);
                assert!(got.iter().any(|e| e.message_id == id), "{id}");
            }
        }
        // The 30 oldest seed entries made room for the 40 new ones.
        assert_eq!(got[0], entry(30));
    }

    #[test]
    fn location_prefers_the_cluster_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_str().unwrap();
        let env = Env::from_pairs([("DCOS_DIR", root)]);
        let dir = tmp.path().join("clusters/abc");
        assert_eq!(
            location(&env, Some(&dir), Some("zzz")),
            Some(dir.join("telemetry/deliveries.jsonl"))
        );
        // Unknown folder, none on disk: a folder of our own, not a fake cluster folder.
        assert_eq!(
            location(&env, None, Some("abc")),
            Some(tmp.path().join("telemetry/abc/deliveries.jsonl"))
        );
        fs::create_dir_all(&dir).unwrap();
        assert_eq!(
            location(&env, None, Some("abc")),
            Some(dir.join("telemetry/deliveries.jsonl"))
        );
        assert_eq!(location(&env, None, Some("../x")), None);
        assert_eq!(location(&env, None, None), None);
        assert_eq!(location(&Env::default(), None, Some("abc")), None);
    }
}
