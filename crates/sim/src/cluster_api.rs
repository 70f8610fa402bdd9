//! The cluster listener: Admin Router's routing and auth in front of dcos-metadata, Bouncer,
//! dcos-diagnostics, Cosmos, Mesos and pkgpanda.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::auth::{self, LoginError};
use crate::data::report::NotFound;
use crate::data::{DcosVersion, Variant};
use crate::http_io::{Body, Request, Response};
use crate::pages;
use crate::respond::{self, Flavor, Normal};
use crate::route::{Route, match_cluster};
use crate::server::{Handler, Reply};
use crate::sim::State;

/// Answers requests to the simulated master.
pub(crate) struct ClusterHandler {
    pub state: Arc<State>,
}

impl Handler for ClusterHandler {
    fn handle(&self, req: Request) -> Reply {
        self.state.record_cluster(&req);
        let flavor = Flavor {
            challenge: self.challenge(),
        };
        let Some((route, params)) = match_cluster(req.path()) else {
            return Reply::now(pages::nginx_page(404));
        };
        if !route.allows(&req.method) {
            let allow = if matches!(route, Route::PackageList | Route::AuthLogin) {
                "POST"
            } else {
                "GET, HEAD"
            };
            return Reply::now(pages::nginx_page(405).header("Allow", allow));
        }
        let fault = self.state.faults.take(route);
        respond::apply(fault, flavor, || self.normal(route, &params, &req))
    }
}

/// The JSON of `GET /acs/api/v1/auth/providers` (Bouncer's default providers).
fn providers_json() -> Vec<u8> {
    let provider = |kind: &str, method: &str| {
        json!({
            "authentication-type": kind,
            "description": "Default DC/OS login provider",
            "client-method": method,
            "config": {"start_flow_url": "/acs/api/v1/auth/login"}
        })
    };
    serde_json::to_vec(&json!({
        "dcos-users": provider("dcos-uid-password", "dcos-usercredential-post-receive-authtoken"),
        "dcos-services": provider("dcos-uid-servicekey", "dcos-servicecredential-post-receive-authtoken"),
    }))
    .expect("providers serialize")
}

impl ClusterHandler {
    fn challenge(&self) -> &'static str {
        match self.state.data.variant() {
            Variant::Enterprise => "acsjwt",
            Variant::Open => "oauthjwt",
        }
    }

    /// Admin Router's check for protected routes: `Some(error)` when the request may not pass.
    fn gate(&self, req: &Request) -> Option<Response> {
        let auth = &self.state.auth;
        if !auth.enabled {
            return None;
        }
        let uid = auth::request_token(req).and_then(|t| self.state.signer.verify(&t));
        match uid {
            None => Some(pages::unauthorized(self.challenge())),
            Some(uid) if auth.forbidden_uids.contains(&uid) => Some(pages::forbidden()),
            Some(_) => None,
        }
    }

    fn json(&self, body: &[u8]) -> Response {
        Response::json(200, body.to_vec()).header("Server", "openresty")
    }

    fn normal(&self, route: Route, params: &[String], req: &Request) -> Normal {
        let data = &self.state.data;
        let protected = !matches!(
            route,
            Route::UiConfig
                | Route::DcosVersion
                | Route::CaCert
                | Route::AuthProviders
                | Route::AuthLogin
        );
        if protected && let Some(denied) = self.gate(req) {
            return denied.into();
        }
        match route {
            Route::UiConfig => self
                .json(if data.telemetry_enabled() {
                    &data.docs.ui_config_enabled
                } else {
                    &data.docs.ui_config_disabled
                })
                .into(),
            Route::DcosVersion => {
                let doc = &data.docs.dcos_version;
                let mtime = data.updated_time();
                self.json(doc)
                    .header("Cache-Control", "no-cache")
                    .header("Last-Modified", mtime.http_date())
                    .header("ETag", format!("\"{:x}-{:x}\"", mtime.secs, doc.len()))
                    .header("Accept-Ranges", "bytes")
                    .into()
            }
            Route::CaCert => {
                Response::new(200, "application/x-x509-ca-cert", self.state.ca_pem.clone())
                    .header("Server", "openresty")
                    .into()
            }
            Route::Metadata => self.json(&data.docs.metadata).into(),
            Route::MesosFrameworks => self.json(&data.docs.frameworks).into(),
            Route::MesosMetrics => self.json(&data.docs.metrics).into(),
            Route::Buildinfo => self.json(&data.docs.buildinfo).into(),
            Route::PackageList => crate::cosmos::package_list(data, req).into(),
            Route::AuthProviders => {
                let bouncer = data.variant() == Variant::Enterprise
                    || data.dcos_version()
                        >= (DcosVersion {
                            major: 1,
                            minor: 13,
                            patch: 0,
                        });
                if bouncer {
                    self.json(&providers_json()).into()
                } else {
                    // dcos-oauth (open DC/OS before 1.13) has no providers endpoint.
                    pages::go_text_error(404, "404 page not found").into()
                }
            }
            Route::AuthLogin => self.login(req).into(),
            Route::HealthSelf
            | Route::HealthReport
            | Route::HealthUnits
            | Route::HealthUnit
            | Route::HealthUnitNodes
            | Route::HealthUnitNode
            | Route::HealthNodes
            | Route::HealthNode
            | Route::HealthNodeUnits
            | Route::HealthNodeUnit => self.health(route, params, req),
            Route::Collector => pages::nginx_page(404).into(),
        }
    }

    fn login(&self, req: &Request) -> Response {
        match auth::check_login(&self.state.auth, &req.body) {
            Ok(uid) => {
                let exp = auth::unix_now() + self.state.auth.token_ttl.as_secs();
                let token = self.state.signer.issue(&uid, exp);
                self.json(
                    &serde_json::to_vec(&json!({ "token": token })).expect("token serializes"),
                )
            }
            Err(LoginError::InvalidCredentials) => pages::dcos_error(
                401,
                "Unauthorized",
                "The login credentials are invalid.",
                "ERR_INVALID_CREDENTIALS",
            )
            .header("WWW-Authenticate", "acsjwt"),
            Err(LoginError::BadRequest(description)) => {
                pages::dcos_error(400, "Bad Request", description, "ERR_INVALID_DATA")
            }
        }
    }

    /// dcos-diagnostics (`127.0.0.1:1050` behind Admin Router).
    fn health(&self, route: Route, params: &[String], req: &Request) -> Normal {
        let data = &self.state.data;
        // Any `cache` parameter forces a fresh cluster pull first (not on the node-local route).
        let delay = if route != Route::HealthSelf && req.has_query_param("cache") {
            self.state.fresh_pull_delay
        } else {
            Duration::ZERO
        };
        let p = |i: usize| params.get(i).map_or("", String::as_str);
        let mut response = if route == Route::HealthReport {
            let shared = Arc::clone(data);
            let mut response = Response {
                status: 200,
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: Body::Stream {
                    len: None,
                    write: Arc::new(move |w| shared.write_report(w)),
                },
            };
            if req.path().ends_with("/download") {
                response.set_header(
                    "Content-disposition",
                    "attachment; filename=health-report.json",
                );
            }
            response
        } else {
            let rendered = match route {
                Route::HealthSelf => Ok(data.render_self_health()),
                Route::HealthUnits => Ok(data.render_units()),
                Route::HealthUnit => data.render_unit(p(0)),
                Route::HealthUnitNodes => data.render_unit_nodes(p(0)),
                Route::HealthUnitNode => data.render_unit_node(p(0), p(1)),
                Route::HealthNodes => Ok(data.render_nodes()),
                Route::HealthNode => data.render_node(p(0)),
                Route::HealthNodeUnits => data.render_node_units(p(0)),
                Route::HealthNodeUnit => data.render_node_unit(p(0), p(1)),
                _ => unreachable!("health() only gets health routes"),
            };
            match rendered {
                Ok(body) => Response::json(200, body),
                Err(NotFound(message)) => pages::go_text_error(404, &message),
            }
        };
        response.set_header("Server", "openresty");
        if route != Route::HealthSelf {
            response.set_header("Last-Modified-3DT", data.updated_time().ansic());
        }
        Normal { response, delay }
    }
}
