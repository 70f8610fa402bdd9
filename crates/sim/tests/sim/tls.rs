//! The four certificate modes, seen by a client that trusts `ca_pem()`.

use std::time::Duration;

use dcos_sim::{Sim, SimConfig, TlsMode};
use reqwest::blocking::Client;
use rustls::CertificateError;

use crate::common::{client, find_tls_error};

fn certificate_error(sim: &Sim) -> CertificateError {
    let err = client(sim)
        .get(format!("{}/dcos-metadata/dcos-version.json", sim.url()))
        .send()
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    match find_tls_error(&err) {
        Some(rustls::Error::InvalidCertificate(cert)) => cert.clone(),
        other => panic!("expected a certificate error, got {other:?} from {err:?}"),
    }
}

fn start(mode: TlsMode) -> Sim {
    Sim::start(SimConfig::default().tls(mode)).unwrap()
}

#[test]
fn good_certificates_verify_for_ip_and_localhost() {
    let sim = start(TlsMode::Good);
    assert_eq!(
        client(&sim)
            .get(format!("{}/dcos-metadata/dcos-version.json", sim.url()))
            .send()
            .unwrap()
            .status(),
        200
    );
    let localhost = sim.url().replace("127.0.0.1", "localhost");
    assert_eq!(
        client(&sim)
            .get(format!("{localhost}/dcos-metadata/dcos-version.json"))
            .send()
            .unwrap()
            .status(),
        200
    );
    assert!(sim.url().starts_with("https://127.0.0.1:") && !sim.url().ends_with('/'));
}

#[test]
fn untrusted_ca_fails_with_unknown_issuer() {
    let sim = start(TlsMode::UntrustedCa);
    assert_eq!(certificate_error(&sim), CertificateError::UnknownIssuer);
    // --insecure style clients still get through.
    let insecure = Client::builder()
        .tls_danger_accept_invalid_certs(true)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let resp = insecure
        .get(format!("{}/dcos-metadata/dcos-version.json", sim.url()))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[test]
fn wrong_host_fails_name_validation() {
    let sim = start(TlsMode::WrongHost);
    let err = certificate_error(&sim);
    assert!(
        matches!(
            err,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn expired_certificates_fail_as_expired() {
    let sim = start(TlsMode::Expired);
    let err = certificate_error(&sim);
    assert!(
        matches!(
            err,
            CertificateError::Expired | CertificateError::ExpiredContext { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn the_collector_has_its_own_mode_and_the_same_ca() {
    let sim = Sim::start(SimConfig::default().collector_tls(TlsMode::Expired)).unwrap();
    let c = client(&sim);
    assert_eq!(
        c.get(format!("{}/dcos-metadata/dcos-version.json", sim.url()))
            .send()
            .unwrap()
            .status(),
        200
    );
    let err = c
        .post(format!("{}/v1/batch", sim.collector_url()))
        .send()
        .unwrap_err();
    assert!(find_tls_error(&err).is_some(), "{err:?}");

    let sim = Sim::start(SimConfig::default()).unwrap();
    let resp = client(&sim)
        .post(format!("{}/v1/batch", sim.collector_url()))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401);
}
