//! Helpers shared by the test modules.

use std::path::Path;
use std::time::Duration;

use dcos_sim::{SMALL_CLUSTER_DIR, Sim, SimConfig};
use reqwest::blocking::{Client, RequestBuilder, Response};

/// A simulator over the small-cluster fixtures.
pub fn fixture_sim() -> Sim {
    Sim::start(SimConfig::small_cluster().expect("fixtures load")).expect("sim starts")
}

/// A client that trusts exactly `ca_pem`.
pub fn client_for(ca_pem: &str, timeout: Duration) -> Client {
    let certs = reqwest::Certificate::from_pem_bundle(ca_pem.as_bytes()).expect("CA parses");
    assert!(!certs.is_empty());
    Client::builder()
        .tls_certs_only(certs)
        .timeout(timeout)
        .no_proxy()
        .build()
        .expect("client builds")
}

/// A client that trusts the simulator's CA.
pub fn client(sim: &Sim) -> Client {
    client_for(&sim.ca_pem(), Duration::from_secs(60))
}

/// A one-hour token for `bootstrapuser`.
pub fn token(sim: &Sim) -> String {
    sim.issue_token("bootstrapuser", Duration::from_secs(3600))
}

/// `GET url+path` with `Authorization: token=…`.
pub fn authed(client: &Client, sim: &Sim, path: &str) -> RequestBuilder {
    client
        .get(format!("{}{path}", sim.url()))
        .header("Authorization", format!("token={}", token(sim)))
}

/// GET with a token, returning status, content type and body.
pub fn fetch(sim: &Sim, path: &str) -> (u16, String, Vec<u8>) {
    let resp = authed(&client(sim), sim, path)
        .send()
        .expect("request succeeds");
    parts(resp)
}

/// Status, content type and body of a response.
pub fn parts(resp: Response) -> (u16, String, Vec<u8>) {
    let status = resp.status().as_u16();
    let content_type = header(&resp, "content-type");
    let body = resp.bytes().expect("body reads").to_vec();
    (status, content_type, body)
}

/// A response header as a string ("" when absent).
pub fn header(resp: &Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .map(|v| v.to_str().expect("ASCII header").to_string())
        .unwrap_or_default()
}

/// The bytes of a fixture file (path relative to `fixtures/small-cluster`).
pub fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(SMALL_CLUSTER_DIR).join(rel)).expect("fixture exists")
}

/// A fixture file parsed as JSON.
pub fn fixture_json(rel: &str) -> serde_json::Value {
    serde_json::from_slice(&fixture(rel)).expect("fixture is JSON")
}

/// Parses a body as JSON.
pub fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

/// The rustls error somewhere in an error's source chain (reqwest nests it in io::Errors).
pub fn find_tls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(t) = e.downcast_ref::<rustls::Error>() {
            return Some(t);
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            cur = Some(inner);
            continue;
        }
        cur = e.source();
    }
    None
}
