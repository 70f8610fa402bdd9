//! Many clients at once, keep-alive reuse, and shutdown on drop.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use dcos_sim::{Fault, Route};

use crate::common::{authed, client, fixture, fixture_sim};

#[test]
fn sixty_concurrent_clients_all_get_answers() {
    let sim = Arc::new(fixture_sim());
    let report = Arc::new(fixture("dcos-diagnostics/system-health-v1-report.json"));
    let handles: Vec<_> = (0..60)
        .map(|i| {
            let (sim, report) = (Arc::clone(&sim), Arc::clone(&report));
            thread::spawn(move || {
                let c = client(&sim);
                let path = if i % 2 == 0 {
                    "/system/health/v1/report"
                } else {
                    "/metadata"
                };
                let resp = authed(&c, &sim, path).send().unwrap();
                assert_eq!(resp.status(), 200);
                let body = resp.bytes().unwrap();
                if i % 2 == 0 {
                    assert_eq!(body.as_ref(), report.as_slice());
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(sim.requests().len(), 60);
    assert_eq!(sim.cluster_connections(), 60);
}

#[test]
fn keep_alive_reuses_one_connection() {
    let sim = fixture_sim();
    let c = client(&sim);
    for _ in 0..10 {
        let resp = authed(&c, &sim, "/system/health/v1/report").send().unwrap();
        resp.bytes().unwrap();
    }
    assert_eq!(sim.cluster_connections(), 1);
}

#[test]
fn stalled_connections_do_not_block_other_clients_or_drop() {
    let sim = fixture_sim();
    sim.set_fault(Route::HealthReport, Fault::Stall);
    let stalled = {
        let url = format!("{}/system/health/v1/report", sim.url());
        let (ca, token) = (sim.ca_pem(), crate::common::token(&sim));
        thread::spawn(move || {
            let c = crate::common::client_for(&ca, Duration::from_secs(30));
            c.get(url)
                .header("Authorization", format!("token={token}"))
                .send()
        })
    };
    thread::sleep(Duration::from_millis(300));
    assert_eq!(
        authed(&client(&sim), &sim, "/metadata")
            .send()
            .unwrap()
            .status(),
        200
    );
    // Dropping the simulator closes the stalled connection instead of hanging the client.
    drop(sim);
    let result = stalled.join().unwrap();
    assert!(result.is_err());
}
