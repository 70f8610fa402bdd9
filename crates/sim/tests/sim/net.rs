//! Addresses that misbehave at the TCP level.

use std::time::{Duration, Instant};

use reqwest::blocking::Client;

#[test]
fn unresponsive_address_trips_the_connect_timeout() {
    let addr = dcos_sim::unresponsive_addr().unwrap();
    let client = Client::builder()
        .connect_timeout(Duration::from_millis(500))
        .timeout(Duration::from_secs(20))
        .tls_danger_accept_invalid_certs(true)
        .no_proxy()
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .get(format!("{}/metadata", addr.url()))
        .send()
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_connect() && err.is_timeout(), "{err:?}");
    assert!(
        elapsed >= Duration::from_millis(450) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
}

#[test]
fn refused_address_fails_fast() {
    let addr = dcos_sim::refused_addr().unwrap();
    let client = Client::builder()
        .timeout(Duration::from_secs(5))
        .no_proxy()
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .get(format!("https://{addr}/metadata"))
        .send()
        .unwrap_err();
    assert!(err.is_connect() && !err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}
