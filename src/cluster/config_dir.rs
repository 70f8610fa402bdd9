//! The DC/OS CLI's configuration directory (`$DCOS_DIR` or `~/.dcos`): one folder per cluster under
//! `clusters/<cluster-id>/`, each with a `dcos.toml` and maybe an `attached` marker (contract §4).

use std::fs;
use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::error::{Error, Result};

/// One configured cluster on disk.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// The cluster's folder, `…/clusters/<id>`.
    pub dir: PathBuf,
    /// The folder name: the cluster id recorded at `dcos cluster setup`.
    pub id: String,
    /// The parsed `dcos.toml` (empty when the file does not exist, as the CLI treats it).
    pub toml: toml::Table,
    /// Whether the `attached` marker file is present.
    pub attached: bool,
}

impl ClusterConfig {
    /// Path of this cluster's `dcos.toml`.
    pub fn toml_path(&self) -> PathBuf {
        self.dir.join("dcos.toml")
    }

    /// A string key such as `core.dcos_url`.
    pub fn get_str(&self, section: &str, key: &str) -> Option<&str> {
        self.toml.get(section)?.get(key)?.as_str()
    }

    /// Any value under `section.key`.
    pub fn get(&self, section: &str, key: &str) -> Option<&toml::Value> {
        self.toml.get(section)?.get(key)
    }

    /// `cluster.name`, if set.
    pub fn name(&self) -> Option<&str> {
        self.get_str("cluster", "name")
    }
}

/// A `dcos.toml` that could not be read or parsed; the CLI skips such clusters, we also report them.
#[derive(Clone, Debug)]
pub struct Unreadable {
    /// The file.
    pub path: PathBuf,
    /// Why (one line).
    pub reason: String,
}

/// The whole configuration directory.
#[derive(Clone, Debug)]
pub struct ConfigDir {
    /// `$DCOS_DIR` or `~/.dcos`.
    pub root: PathBuf,
    /// Readable clusters, ordered by id.
    pub clusters: Vec<ClusterConfig>,
    /// Clusters whose `dcos.toml` could not be read.
    pub unreadable: Vec<Unreadable>,
}

/// Where the configuration directory is: `$DCOS_DIR` (relative to the cwd) or `$HOME/.dcos`.
pub fn root(env: &Env) -> Option<PathBuf> {
    if let Some(dir) = env.non_empty("DCOS_DIR") {
        let dir = PathBuf::from(dir);
        return Some(match (&env.cwd, dir.is_relative()) {
            (Some(cwd), true) => cwd.join(dir),
            _ => dir,
        });
    }
    env.home().map(|home| home.join(".dcos"))
}

impl ConfigDir {
    /// Reads every cluster folder under `root/clusters`. A missing folder means no clusters.
    pub fn load(root: PathBuf) -> ConfigDir {
        let mut clusters = Vec::new();
        let mut unreadable = Vec::new();
        let entries = match fs::read_dir(root.join("clusters")) {
            Ok(entries) => entries,
            Err(_) => {
                return ConfigDir {
                    root,
                    clusters,
                    unreadable,
                };
            }
        };
        for entry in entries.flatten() {
            let dir = entry.path();
            if !dir.is_dir() {
                continue;
            }
            let Some(id) = dir.file_name().and_then(|n| n.to_str()).map(String::from) else {
                continue;
            };
            match read_toml(&dir.join("dcos.toml")) {
                Ok(toml) => {
                    let attached = fs::metadata(dir.join("attached"))
                        .map(|m| m.is_file())
                        .unwrap_or(false);
                    clusters.push(ClusterConfig {
                        dir,
                        id,
                        toml,
                        attached,
                    });
                }
                Err(reason) => unreadable.push(Unreadable {
                    path: dir.join("dcos.toml"),
                    reason,
                }),
            }
        }
        clusters.sort_by(|a, b| a.id.cmp(&b.id));
        unreadable.sort_by(|a, b| a.path.cmp(&b.path));
        ConfigDir {
            root,
            clusters,
            unreadable,
        }
    }

    /// The current cluster, chosen exactly as the DC/OS CLI's `Manager.Current` does: `wanted`
    /// (`DCOS_CLUSTER`) by exact name or id; else the only cluster; else the one marked `attached`.
    pub fn current(&self, wanted: Option<&str>) -> Result<&ClusterConfig> {
        if let Some(wanted) = wanted {
            if let Some(by_id) = self.clusters.iter().find(|c| c.id == wanted) {
                return Ok(by_id);
            }
            let by_name: Vec<_> = self
                .clusters
                .iter()
                .filter(|c| c.name() == Some(wanted))
                .collect();
            return match by_name.as_slice() {
                [one] => Ok(one),
                [] => Err(self.with_unreadable_hints(
                    Error::new("no match found").hint(format!(
                        "no cluster in {} has the name or id {wanted:?}; `dcos cluster list` shows them",
                        self.root.join("clusters").display()
                    )),
                )),
                _ => Err(Error::new("multiple matches found").hint(format!(
                    "several clusters are named {wanted:?}; select one by its id instead"
                ))),
            };
        }
        if let [only] = self.clusters.as_slice() {
            return Ok(only);
        }
        let attached: Vec<_> = self.clusters.iter().filter(|c| c.attached).collect();
        match attached.as_slice() {
            [one] => Ok(one),
            [] => Err(self.with_unreadable_hints(
                Error::new("no cluster is attached").hint(
                    "run `dcos cluster setup <url>` or `dcos cluster attach <name>`, or set DCOS_URL to talk to a cluster directly",
                ),
            )),
            _ => Err(Error::new("multiple clusters are attached").hint(format!(
                "remove the extra `attached` files under {}, or pick one with DCOS_CLUSTER=<name>",
                self.root.join("clusters").display()
            ))),
        }
    }

    fn with_unreadable_hints(&self, mut err: Error) -> Error {
        for bad in &self.unreadable {
            err = err.hint(format!(
                "skipped {} because it cannot be read: {}",
                bad.path.display(),
                bad.reason
            ));
        }
        err
    }

    /// The cluster folder that holds `path` (e.g. the plugin's own executable), if any.
    pub fn containing(&self, path: &Path) -> Option<&ClusterConfig> {
        self.clusters.iter().find(|c| path.starts_with(&c.dir))
    }
}

fn read_toml(path: &Path) -> std::result::Result<toml::Table, String> {
    match fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| {
            // toml's message spans several lines (with a caret); keep the first line and position.
            e.to_string().lines().next().unwrap_or_default().to_string()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(toml::Table::new()),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_cluster(root: &Path, id: &str, toml: &str, attached: bool) {
        let dir = root.join("clusters").join(id);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("dcos.toml"), toml).unwrap();
        if attached {
            fs::write(dir.join("attached"), "").unwrap();
        }
    }

    #[test]
    fn single_cluster_is_current_without_attached() {
        let tmp = tempfile::tempdir().unwrap();
        write_cluster(tmp.path(), "abc", "[cluster]\nname = \"one\"\n", false);
        let dir = ConfigDir::load(tmp.path().to_path_buf());
        assert_eq!(dir.current(None).unwrap().id, "abc");
    }

    #[test]
    fn several_clusters_need_exactly_one_attached() {
        let tmp = tempfile::tempdir().unwrap();
        write_cluster(tmp.path(), "a", "", false);
        write_cluster(tmp.path(), "b", "", false);
        let dir = ConfigDir::load(tmp.path().to_path_buf());
        assert_eq!(
            dir.current(None).unwrap_err().message(),
            "no cluster is attached"
        );
        write_cluster(tmp.path(), "b", "", true);
        let dir = ConfigDir::load(tmp.path().to_path_buf());
        assert_eq!(dir.current(None).unwrap().id, "b");
        write_cluster(tmp.path(), "a", "", true);
        let dir = ConfigDir::load(tmp.path().to_path_buf());
        assert_eq!(
            dir.current(None).unwrap_err().message(),
            "multiple clusters are attached"
        );
    }

    #[test]
    fn dcos_cluster_matches_exact_name_or_id_only() {
        let tmp = tempfile::tempdir().unwrap();
        write_cluster(tmp.path(), "1234", "[cluster]\nname = \"prod\"\n", false);
        write_cluster(tmp.path(), "5678", "[cluster]\nname = \"dev\"\n", true);
        let dir = ConfigDir::load(tmp.path().to_path_buf());
        assert_eq!(dir.current(Some("prod")).unwrap().id, "1234");
        assert_eq!(dir.current(Some("5678")).unwrap().id, "5678");
        assert_eq!(
            dir.current(Some("12")).unwrap_err().message(),
            "no match found"
        );
        assert_eq!(
            dir.current(Some("pro")).unwrap_err().message(),
            "no match found"
        );
    }

    #[test]
    fn unreadable_toml_is_skipped_and_reported() {
        let tmp = tempfile::tempdir().unwrap();
        write_cluster(tmp.path(), "bad", "[core\n", false);
        let dir = ConfigDir::load(tmp.path().to_path_buf());
        assert!(dir.clusters.is_empty());
        let err = dir.current(None).unwrap_err();
        assert_eq!(err.message(), "no cluster is attached");
        assert!(
            err.hints()[1].contains("bad/dcos.toml because it cannot be read: TOML parse error")
        );
    }
}
