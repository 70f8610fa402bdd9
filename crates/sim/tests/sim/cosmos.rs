//! Cosmos `POST /package/list`: media types, filtering, errors.

use dcos_sim::{LIST_REQUEST_V1, LIST_RESPONSE_V1, Sim};
use serde_json::json;

use crate::common::{client, fixture, fixture_sim, json, parts, token};

fn list(
    sim: &Sim,
    content_type: Option<&str>,
    accept: Option<&str>,
    body: &str,
) -> (u16, String, Vec<u8>) {
    let mut req = client(sim)
        .post(format!("{}/package/list", sim.url()))
        .header("Authorization", format!("token={}", token(sim)))
        .body(body.to_string());
    if let Some(ct) = content_type {
        req = req.header("Content-Type", ct);
    }
    if let Some(accept) = accept {
        req = req.header("Accept", accept);
    }
    parts(req.send().unwrap())
}

#[test]
fn versioned_media_types_get_the_fixture_list() {
    let sim = fixture_sim();
    let (status, ctype, body) = list(&sim, Some(LIST_REQUEST_V1), Some(LIST_RESPONSE_V1), "{}");
    assert_eq!(status, 200);
    assert_eq!(
        ctype,
        "application/vnd.dcos.package.list-response+json;charset=utf-8;version=v1"
    );
    assert_eq!(body, fixture("cosmos/package-list.response.json"));
    // Parameter order, case and an Accept list do not matter; the charset is optional.
    let (status, _, _) = list(
        &sim,
        Some("application/vnd.dcos.package.list-request+json; version=v1"),
        Some(
            "application/json, application/vnd.dcos.package.list-response+json;version=v1;charset=UTF-8",
        ),
        "{}",
    );
    assert_eq!(status, 200);
}

#[test]
fn wrong_content_type_is_415() {
    let sim = fixture_sim();
    let (status, ctype, body) = list(&sim, Some("application/json"), Some(LIST_RESPONSE_V1), "{}");
    assert_eq!((status, ctype.as_str()), (415, "application/json"));
    assert_eq!(
        json(&body),
        json!({
            "type": "UnsupportedContentType",
            "message": format!("Unsupported Content-Type: application/json Accept: [{LIST_REQUEST_V1}]"),
            "data": {"supported": [LIST_REQUEST_V1], "actual": "application/json"}
        })
    );
    let (status, _, body) = list(&sim, None, Some(LIST_RESPONSE_V1), "{}");
    assert_eq!(status, 415);
    assert_eq!(
        json(&body)["message"],
        format!("Unspecified Content-Type Accept: [{LIST_REQUEST_V1}]")
    );
    let v2 = "application/vnd.dcos.package.list-request+json;charset=utf-8;version=v2";
    assert_eq!(list(&sim, Some(v2), Some(LIST_RESPONSE_V1), "{}").0, 415);
}

#[test]
fn unacceptable_accept_is_406() {
    let sim = fixture_sim();
    for accept in [None, Some("*/*"), Some("application/json")] {
        let (status, _, body) = list(&sim, Some(LIST_REQUEST_V1), accept, "{}");
        assert_eq!(status, 406, "{accept:?}");
        let body = json(&body);
        assert_eq!(body["type"], "not_valid");
        assert_eq!(
            body["data"]["invalidItem"],
            json!({"type": "header", "name": "Accept"})
        );
        assert_eq!(body["data"]["available"], json!([LIST_RESPONSE_V1]));
    }
}

#[test]
fn filters_by_package_name_and_app_id() {
    let sim = fixture_sim();
    let names = |body: &[u8]| -> Vec<String> {
        json(body)["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                p["packageInformation"]["packageDefinition"]["name"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let (_, _, body) = list(
        &sim,
        Some(LIST_REQUEST_V1),
        Some(LIST_RESPONSE_V1),
        r#"{"packageName":"kafka"}"#,
    );
    assert_eq!(names(&body), ["kafka"]);
    let (_, _, body) = list(
        &sim,
        Some(LIST_REQUEST_V1),
        Some(LIST_RESPONSE_V1),
        r#"{"appId":"marathon-lb"}"#,
    );
    assert_eq!(names(&body), ["marathon-lb"]);
    let (_, _, body) = list(
        &sim,
        Some(LIST_REQUEST_V1),
        Some(LIST_RESPONSE_V1),
        r#"{"packageName":"nope"}"#,
    );
    assert_eq!(body, b"{\"packages\":[]}");
    // A filtered entry keeps the fixture's content.
    let (_, _, body) = list(
        &sim,
        Some(LIST_REQUEST_V1),
        Some(LIST_RESPONSE_V1),
        r#"{"appId":"/kafka"}"#,
    );
    assert_eq!(
        json(&body)["packages"][0],
        crate::common::fixture_json("cosmos/package-list.response.json")["packages"][0]
    );
}

#[test]
fn unparsable_bodies_are_400() {
    let sim = fixture_sim();
    for body in ["", "{", "[1]"] {
        let (status, _, reply) = list(&sim, Some(LIST_REQUEST_V1), Some(LIST_RESPONSE_V1), body);
        assert_eq!(status, 400, "{body:?}");
        assert_eq!(json(&reply)["type"], "JsonParsingError");
    }
}
