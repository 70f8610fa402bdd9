//! The routes the simulator serves, and matching request paths to them.

/// Every route of the cluster listener, plus the collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// `GET /dcos-metadata/ui-config.json` (no auth).
    UiConfig,
    /// `GET /dcos-metadata/dcos-version.json` (no auth).
    DcosVersion,
    /// `GET /ca/dcos-ca.crt` (no auth): the CA that signed the server certificate.
    CaCert,
    /// `GET /metadata`.
    Metadata,
    /// `GET /system/health/v1` (the answering master's own units).
    HealthSelf,
    /// `GET /system/health/v1/report` (also `/report/download`).
    HealthReport,
    /// `GET /system/health/v1/units`.
    HealthUnits,
    /// `GET /system/health/v1/units/<unit>`.
    HealthUnit,
    /// `GET /system/health/v1/units/<unit>/nodes`.
    HealthUnitNodes,
    /// `GET /system/health/v1/units/<unit>/nodes/<ip>`.
    HealthUnitNode,
    /// `GET /system/health/v1/nodes`.
    HealthNodes,
    /// `GET /system/health/v1/nodes/<ip>`.
    HealthNode,
    /// `GET /system/health/v1/nodes/<ip>/units`.
    HealthNodeUnits,
    /// `GET /system/health/v1/nodes/<ip>/units/<unit>`.
    HealthNodeUnit,
    /// `POST /package/list` (Cosmos).
    PackageList,
    /// `GET /mesos/frameworks`.
    MesosFrameworks,
    /// `GET /mesos/metrics/snapshot`.
    MesosMetrics,
    /// `GET`/`HEAD /pkgpanda/active.buildinfo.full.json`.
    Buildinfo,
    /// `GET /acs/api/v1/auth/providers` (no auth).
    AuthProviders,
    /// `POST /acs/api/v1/auth/login` (no auth).
    AuthLogin,
    /// `POST /v1/batch` and `POST /v1/track` on the collector listener.
    Collector,
}

impl Route {
    /// All routes, for listings and command-line parsing.
    pub const ALL: [Route; 21] = [
        Route::UiConfig,
        Route::DcosVersion,
        Route::CaCert,
        Route::Metadata,
        Route::HealthSelf,
        Route::HealthReport,
        Route::HealthUnits,
        Route::HealthUnit,
        Route::HealthUnitNodes,
        Route::HealthUnitNode,
        Route::HealthNodes,
        Route::HealthNode,
        Route::HealthNodeUnits,
        Route::HealthNodeUnit,
        Route::PackageList,
        Route::MesosFrameworks,
        Route::MesosMetrics,
        Route::Buildinfo,
        Route::AuthProviders,
        Route::AuthLogin,
        Route::Collector,
    ];

    /// A short kebab-case name (`health-report`, `package-list`, ...), used by `--fault`.
    pub fn name(self) -> &'static str {
        match self {
            Route::UiConfig => "ui-config",
            Route::DcosVersion => "dcos-version",
            Route::CaCert => "ca-cert",
            Route::Metadata => "metadata",
            Route::HealthSelf => "health-self",
            Route::HealthReport => "health-report",
            Route::HealthUnits => "health-units",
            Route::HealthUnit => "health-unit",
            Route::HealthUnitNodes => "health-unit-nodes",
            Route::HealthUnitNode => "health-unit-node",
            Route::HealthNodes => "health-nodes",
            Route::HealthNode => "health-node",
            Route::HealthNodeUnits => "health-node-units",
            Route::HealthNodeUnit => "health-node-unit",
            Route::PackageList => "package-list",
            Route::MesosFrameworks => "mesos-frameworks",
            Route::MesosMetrics => "mesos-metrics",
            Route::Buildinfo => "buildinfo",
            Route::AuthProviders => "auth-providers",
            Route::AuthLogin => "auth-login",
            Route::Collector => "collector",
        }
    }

    /// Parses [`Route::name`].
    pub fn from_name(name: &str) -> Option<Route> {
        Route::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The methods the route answers (HEAD is allowed wherever GET is).
    pub(crate) fn allows(self, method: &str) -> bool {
        match self {
            Route::PackageList | Route::AuthLogin | Route::Collector => method == "POST",
            _ => method == "GET" || method == "HEAD",
        }
    }
}

/// Percent-decodes a path segment (`%40` -> `@`); invalid escapes are kept literally.
fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Matches a cluster-listener path (without query) to a route and its path parameters.
pub(crate) fn match_cluster(path: &str) -> Option<(Route, Vec<String>)> {
    let fixed = match path {
        "/dcos-metadata/ui-config.json" => Some(Route::UiConfig),
        "/dcos-metadata/dcos-version.json" => Some(Route::DcosVersion),
        "/ca/dcos-ca.crt" => Some(Route::CaCert),
        "/metadata" => Some(Route::Metadata),
        "/package/list" => Some(Route::PackageList),
        "/mesos/frameworks" => Some(Route::MesosFrameworks),
        "/mesos/metrics/snapshot" => Some(Route::MesosMetrics),
        "/pkgpanda/active.buildinfo.full.json" => Some(Route::Buildinfo),
        "/acs/api/v1/auth/providers" => Some(Route::AuthProviders),
        "/acs/api/v1/auth/login" => Some(Route::AuthLogin),
        "/system/health/v1" => Some(Route::HealthSelf),
        "/system/health/v1/report" | "/system/health/v1/report/download" => {
            Some(Route::HealthReport)
        }
        _ => None,
    };
    if let Some(route) = fixed {
        return Some((route, Vec::new()));
    }
    let rest = path.strip_prefix("/system/health/v1/")?;
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let params = |idx: &[usize]| idx.iter().map(|&i| decode_segment(segments[i])).collect();
    let route = match segments.as_slice() {
        ["units"] => Route::HealthUnits,
        ["units", _] => return Some((Route::HealthUnit, params(&[1]))),
        ["units", _, "nodes"] => return Some((Route::HealthUnitNodes, params(&[1]))),
        ["units", _, "nodes", _] => return Some((Route::HealthUnitNode, params(&[1, 3]))),
        ["nodes"] => Route::HealthNodes,
        ["nodes", _] => return Some((Route::HealthNode, params(&[1]))),
        ["nodes", _, "units"] => return Some((Route::HealthNodeUnits, params(&[1]))),
        ["nodes", _, "units", _] => return Some((Route::HealthNodeUnit, params(&[1, 3]))),
        _ => return None,
    };
    Some((route, Vec::new()))
}

/// Matches a collector path.
pub(crate) fn match_collector(path: &str) -> Option<Route> {
    matches!(path, "/v1/batch" | "/v1/track").then_some(Route::Collector)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_paths() {
        assert_eq!(
            match_cluster("/system/health/v1/report"),
            Some((Route::HealthReport, vec![]))
        );
        assert_eq!(
            match_cluster("/system/health/v1/units/dcos-a.b.c.service/nodes/10.0.0.1"),
            Some((
                Route::HealthUnitNode,
                vec!["dcos-a.b.c.service".into(), "10.0.0.1".into()]
            ))
        );
        assert_eq!(
            match_cluster("/system/health/v1/nodes/10.0.0.1/units/x%40y.service"),
            Some((
                Route::HealthNodeUnit,
                vec!["10.0.0.1".into(), "x@y.service".into()]
            ))
        );
        assert_eq!(match_cluster("/system/health/v1/units/"), None);
        assert_eq!(match_cluster("/nope"), None);
        assert_eq!(decode_segment("100%"), "100%");
        for route in Route::ALL {
            assert_eq!(Route::from_name(route.name()), Some(route));
        }
    }
}
