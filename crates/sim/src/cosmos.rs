//! Cosmos `POST /package/list`: the versioned media types it insists on, and the filtering.

use serde::Deserialize;
use serde_json::json;

use crate::data::ClusterData;
use crate::data::Package;
use crate::http_io::{Request, Response};
use crate::pages;

/// The request media type (type/subtype).
pub const LIST_REQUEST_TYPE: &str = "application/vnd.dcos.package.list-request+json";
/// The response media type (type/subtype).
pub const LIST_RESPONSE_TYPE: &str = "application/vnd.dcos.package.list-response+json";
/// What the CLI and dcos-signal send as `Content-Type`.
pub const LIST_REQUEST_V1: &str =
    "application/vnd.dcos.package.list-request+json;charset=utf-8;version=v1";
/// What they send as `Accept`, and what Cosmos answers with.
pub const LIST_RESPONSE_V1: &str =
    "application/vnd.dcos.package.list-response+json;charset=utf-8;version=v1";

/// A parsed media type: lowercase `type/subtype` and lowercase parameter names.
#[derive(Debug, PartialEq, Eq)]
struct MediaType {
    essence: String,
    params: Vec<(String, String)>,
}

fn parse_media_type(text: &str) -> Option<MediaType> {
    let mut parts = text.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    if !essence.contains('/') {
        return None;
    }
    let params = parts
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_string(),
            ))
        })
        .collect();
    Some(MediaType { essence, params })
}

/// Whether `mt` is `essence` at `version=v1` (with `charset`, if given, `utf-8`).
fn is_v1(mt: &MediaType, essence: &str) -> bool {
    let param = |name: &str| {
        mt.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    mt.essence == essence
        && param("version") == Some("v1")
        && param("charset").is_none_or(|c| c.eq_ignore_ascii_case("utf-8"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListRequest {
    package_name: Option<String>,
    app_id: Option<String>,
}

/// Cosmos' `AppId` normal form: a leading `/`, no trailing `/`.
fn normalize_app_id(id: &str) -> String {
    format!("/{}", id.trim_matches('/'))
}

/// Answers `POST /package/list` (the caller has done auth).
pub(crate) fn package_list(data: &ClusterData, req: &Request) -> Response {
    let content_type = req.header("Content-Type");
    match content_type.and_then(parse_media_type) {
        Some(mt) if is_v1(&mt, LIST_REQUEST_TYPE) => {}
        _ => {
            let message = match content_type {
                Some(actual) => {
                    format!("Unsupported Content-Type: {actual} Accept: [{LIST_REQUEST_V1}]")
                }
                None => format!("Unspecified Content-Type Accept: [{LIST_REQUEST_V1}]"),
            };
            return pages::cosmos_error(
                415,
                "UnsupportedContentType",
                &message,
                json!({"supported": [LIST_REQUEST_V1], "actual": content_type}),
            );
        }
    }
    let accept = req.header("Accept").unwrap_or("");
    let acceptable = accept
        .split(',')
        .filter_map(parse_media_type)
        .any(|mt| is_v1(&mt, LIST_RESPONSE_TYPE));
    if !acceptable {
        let specified: Vec<&str> = accept
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        return pages::cosmos_error(
            406,
            "not_valid",
            &format!(
                "Item 'header 'Accept'' deemed invalid by rule: 'should match one of: {LIST_RESPONSE_V1}'"
            ),
            json!({
                "invalidItem": {"type": "header", "name": "Accept"},
                "specified": specified,
                "available": [LIST_RESPONSE_V1],
            }),
        );
    }
    let request: ListRequest = match serde_json::from_slice(&req.body) {
        Ok(r) => r,
        Err(e) => {
            return pages::cosmos_error(
                400,
                "JsonParsingError",
                "Json parsing failure",
                json!({"underlyingType": "io.circe.ParsingFailure", "parsingErrorMessage": e.to_string()}),
            );
        }
    };
    let body = if request.package_name.is_none() && request.app_id.is_none() {
        data.docs.package_list.clone()
    } else {
        let app_id = request.app_id.as_deref().map(normalize_app_id);
        let selected = data.packages().iter().filter(|p: &&Package| {
            request.package_name.as_ref().is_none_or(|n| *n == p.name)
                && app_id.as_ref().is_none_or(|a| *a == p.app_id)
        });
        crate::data::package_list_body(selected)
    };
    Response::new(200, LIST_RESPONSE_V1, body).header("Server", "openresty")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_rules() {
        let v1 = |s: &str, e: &str| parse_media_type(s).is_some_and(|mt| is_v1(&mt, e));
        assert!(v1(LIST_REQUEST_V1, LIST_REQUEST_TYPE));
        assert!(v1(
            "application/vnd.dcos.package.list-request+json; version=v1",
            LIST_REQUEST_TYPE
        ));
        assert!(v1(
            "Application/Vnd.Dcos.Package.List-Request+JSON;Charset=UTF-8;Version=v1",
            LIST_REQUEST_TYPE
        ));
        assert!(!v1(
            "application/vnd.dcos.package.list-request+json;charset=utf-8;version=v2",
            LIST_REQUEST_TYPE
        ));
        assert!(!v1("application/json", LIST_REQUEST_TYPE));
        assert!(!v1(
            "application/vnd.dcos.package.list-request+json;charset=latin1;version=v1",
            LIST_REQUEST_TYPE
        ));
        assert_eq!(normalize_app_id("kafka/"), "/kafka");
    }
}
