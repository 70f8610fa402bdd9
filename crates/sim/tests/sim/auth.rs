//! Admin Router's token check, 401/403, login with passwords and service accounts, providers.

use std::time::Duration;

use dcos_sim::{
    AuthConfig, ClusterData, GenSpec, ServiceAccount, Sim, SimConfig, Variant,
    expired_service_login_token, service_login_token,
};

use crate::common::{client, fixture, fixture_sim, header, json, parts};

const LOGIN_FAILED: &str = r#"{"title":"Unauthorized","description":"The login credentials are invalid.","code":"ERR_INVALID_CREDENTIALS"}"#;

fn get_with(sim: &Sim, path: &str, name: &str, value: &str) -> (u16, String, Vec<u8>) {
    let resp = client(sim)
        .get(format!("{}{path}", sim.url()))
        .header(name, value)
        .send()
        .unwrap();
    parts(resp)
}

#[test]
fn missing_or_bad_tokens_get_admin_router_401() {
    let sim = fixture_sim();
    let other = fixture_sim();
    let c = client(&sim);
    let resp = c.get(format!("{}/metadata", sim.url())).send().unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(header(&resp, "www-authenticate"), "oauthjwt");
    let (_, ctype, body) = parts(resp);
    assert_eq!(ctype, "text/html; charset=UTF-8");
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("<h1>Unauthorized</h1>")
    );

    let bad = [
        format!("token={}", sim.issue_expired_token("bootstrapuser")),
        format!(
            "token={}",
            other.issue_token("bootstrapuser", Duration::from_secs(3600))
        ),
        "token=not.a.jwt".to_string(),
        "token=".to_string(),
        "Basic Ym9vdHN0cmFwdXNlcjpkZWxldGVtZQ==".to_string(),
    ];
    for value in bad {
        let (status, _, _) = get_with(&sim, "/system/health/v1/report", "Authorization", &value);
        assert_eq!(status, 401, "{value}");
    }
}

#[test]
fn token_bearer_and_cookie_forms_are_accepted() {
    let sim = fixture_sim();
    let token = sim.issue_token("alice", Duration::from_secs(60));
    for (name, value) in [
        ("Authorization", format!("token={token}")),
        ("Authorization", format!("Bearer {token}")),
        ("Cookie", format!("other=1; dcos-acs-auth-cookie={token}")),
    ] {
        let (status, _, body) = get_with(&sim, "/metadata", name, &value);
        assert_eq!(status, 200, "{name}: {value}");
        assert_eq!(body, fixture("metadata.json"));
    }
    // An Authorization header without a token hides the cookie, as in Admin Router.
    let resp = client(&sim)
        .get(format!("{}/metadata", sim.url()))
        .header("Authorization", "Basic eA==")
        .header("Cookie", format!("dcos-acs-auth-cookie={token}"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[test]
fn enterprise_challenges_with_acsjwt() {
    let data = ClusterData::generate(GenSpec::default().variant(Variant::Enterprise)).unwrap();
    let sim = Sim::start(SimConfig::new(data)).unwrap();
    let resp = client(&sim)
        .head(format!("{}/pkgpanda/active.buildinfo.full.json", sim.url()))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(header(&resp, "www-authenticate"), "acsjwt");
}

#[test]
fn forbidden_uids_get_403_on_protected_routes_only() {
    let sim = Sim::start(SimConfig::small_cluster().unwrap().forbid_uid("mallory")).unwrap();
    let token = sim.issue_token("mallory", Duration::from_secs(60));
    let (status, ctype, body) = get_with(
        &sim,
        "/system/health/v1/report",
        "Authorization",
        &format!("token={token}"),
    );
    assert_eq!((status, ctype.as_str()), (403, "text/html; charset=UTF-8"));
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("<h1>Access Denied</h1>")
    );
    let (status, _, _) = get_with(
        &sim,
        "/dcos-metadata/ui-config.json",
        "Authorization",
        &format!("token={token}"),
    );
    assert_eq!(status, 200);
    let (status, _, _) = get_with(
        &sim,
        "/metadata",
        "Authorization",
        &format!("token={}", crate::common::token(&sim)),
    );
    assert_eq!(status, 200);
}

fn login(sim: &Sim, body: &str) -> (u16, String, Vec<u8>) {
    let resp = client(sim)
        .post(format!("{}/acs/api/v1/auth/login", sim.url()))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .unwrap();
    parts(resp)
}

#[test]
fn password_login_issues_a_working_token() {
    let sim = Sim::start(SimConfig::small_cluster().unwrap().user("ops", "s3cret")).unwrap();
    let (status, ctype, body) = login(&sim, r#"{"uid":"ops","password":"s3cret"}"#);
    assert_eq!((status, ctype.as_str()), (200, "application/json"));
    let token = json(&body)["token"].as_str().unwrap().to_string();
    let (status, _, _) = get_with(
        &sim,
        "/metadata",
        "Authorization",
        &format!("token={token}"),
    );
    assert_eq!(status, 200);

    let resp = client(&sim)
        .post(format!("{}/acs/api/v1/auth/login", sim.url()))
        .body(r#"{"uid":"ops","password":"wrong"}"#)
        .send()
        .unwrap();
    assert_eq!(header(&resp, "www-authenticate"), "acsjwt");
    let (status, ctype, body) = parts(resp);
    assert_eq!((status, ctype.as_str()), (401, "application/json"));
    assert_eq!(String::from_utf8(body).unwrap(), LOGIN_FAILED);
    let (status, _, body) = login(&sim, r#"{"uid":"nobody","password":"x"}"#);
    assert_eq!(
        (status, String::from_utf8(body).unwrap().as_str()),
        (401, LOGIN_FAILED)
    );
    // The default account exists too.
    assert_eq!(
        login(&sim, r#"{"uid":"bootstrapuser","password":"deleteme"}"#).0,
        200
    );
}

#[test]
fn malformed_logins_are_400() {
    let sim = fixture_sim();
    for body in [
        r#"{"uid":"a","password":"b","token":"c"}"#,
        r#"{"uid":"a"}"#,
        r#"{"password":"b"}"#,
        "not json",
    ] {
        let (status, _, reply) = login(&sim, body);
        assert_eq!(status, 400, "{body}");
        let reply = json(&reply);
        assert_eq!(
            (reply["title"].as_str(), reply["code"].as_str()),
            (Some("Bad Request"), Some("ERR_INVALID_DATA"))
        );
    }
    let (_, _, reply) = login(&sim, r#"{"uid":"a","password":"b","token":"c"}"#);
    assert_eq!(
        json(&reply)["description"],
        "Exactly one of `token` and `password` must be provided in the request body"
    );
}

#[test]
fn service_account_login_checks_key_uid_and_expiry() {
    let (account, private_pem) = ServiceAccount::generate("telemetry-sa").unwrap();
    let (_, other_pem) = ServiceAccount::generate("telemetry-sa").unwrap();
    assert!(
        account
            .public_key_pem
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    let sim = Sim::start(SimConfig::small_cluster().unwrap().service_account(account)).unwrap();
    let good = service_login_token(&private_pem, "telemetry-sa", Duration::from_secs(300)).unwrap();
    let (status, _, body) = login(
        &sim,
        &format!(r#"{{"uid":"telemetry-sa","token":"{good}"}}"#),
    );
    assert_eq!(status, 200);
    let token = json(&body)["token"].as_str().unwrap().to_string();
    assert_eq!(
        get_with(
            &sim,
            "/metadata",
            "Authorization",
            &format!("Bearer {token}")
        )
        .0,
        200
    );

    let expired = expired_service_login_token(&private_pem, "telemetry-sa").unwrap();
    let foreign =
        service_login_token(&other_pem, "telemetry-sa", Duration::from_secs(300)).unwrap();
    let other_uid =
        service_login_token(&private_pem, "someone-else", Duration::from_secs(300)).unwrap();
    for (uid, token) in [
        ("telemetry-sa", expired),
        ("telemetry-sa", foreign),
        ("telemetry-sa", other_uid),
        ("unknown-sa", good.clone()),
        ("telemetry-sa", "garbage".to_string()),
    ] {
        let (status, _, body) = login(&sim, &format!(r#"{{"uid":"{uid}","token":"{token}"}}"#));
        assert_eq!(
            (status, String::from_utf8(body).unwrap().as_str()),
            (401, LOGIN_FAILED)
        );
    }
    // A service account cannot log in with a password.
    assert_eq!(
        login(&sim, r#"{"uid":"telemetry-sa","password":"x"}"#).0,
        401
    );
}

#[test]
fn providers_follow_the_variant_and_version() {
    let sim = fixture_sim();
    let (status, _, body) = parts(
        client(&sim)
            .get(format!("{}/acs/api/v1/auth/providers", sim.url()))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 200);
    let providers = json(&body);
    assert_eq!(
        providers["dcos-users"]["authentication-type"],
        "dcos-uid-password"
    );
    assert_eq!(
        providers["dcos-users"]["client-method"],
        "dcos-usercredential-post-receive-authtoken"
    );
    assert_eq!(
        providers["dcos-users"]["config"]["start_flow_url"],
        "/acs/api/v1/auth/login"
    );
    assert_eq!(
        providers["dcos-services"]["authentication-type"],
        "dcos-uid-servicekey"
    );
    assert_eq!(providers.as_object().unwrap().len(), 2);

    let old = Sim::start(SimConfig::new(
        ClusterData::generate(GenSpec::default().version("1.12.4")).unwrap(),
    ))
    .unwrap();
    let (status, ctype, body) = parts(
        client(&old)
            .get(format!("{}/acs/api/v1/auth/providers", old.url()))
            .send()
            .unwrap(),
    );
    assert_eq!(
        (status, ctype.as_str(), body.as_slice()),
        (
            404,
            "text/plain; charset=utf-8",
            &b"404 page not found\n"[..]
        )
    );
}

#[test]
fn auth_disabled_needs_no_token_anywhere() {
    let sim = Sim::start(
        SimConfig::small_cluster()
            .unwrap()
            .auth(AuthConfig::disabled()),
    )
    .unwrap();
    let c = client(&sim);
    let resp = c
        .head(format!("{}/pkgpanda/active.buildinfo.full.json", sim.url()))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    for path in ["/metadata", "/system/health/v1/report", "/mesos/frameworks"] {
        assert_eq!(
            c.get(format!("{}{path}", sim.url()))
                .send()
                .unwrap()
                .status(),
            200,
            "{path}"
        );
    }
    // Even a garbage token is ignored.
    let resp = c
        .get(format!("{}/metadata", sim.url()))
        .header("Authorization", "token=x")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
}
