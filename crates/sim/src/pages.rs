//! Error bodies in the styles the real components use: Admin Router's HTML pages, nginx's built-in
//! error pages, the DC/OS JSON error object, Go's `http.Error` text, and Cosmos' error object.

use serde::Serialize;

use crate::http_io::{Response, reason};

/// `text/html` as Admin Router sends its auth pages.
pub(crate) const HTML_UTF8: &str = "text/html; charset=UTF-8";

/// Admin Router's 401 page body (a redirect to the UI login; followed by `\n` like `ngx.say`).
pub(crate) fn unauthorized_page() -> &'static str {
    "<!DOCTYPE html>\n<html>\n<head>\n  <title>Unauthorized</title>\n  \
     <noscript><meta http-equiv=\"refresh\" content=\"5; url=/#/login\"></noscript>\n</head>\n\
     <body>\n  <h1>Unauthorized</h1>\n  <p>This resource needs a DC/OS authentication token. \
     Log in with <code>dcos auth login</code>.</p>\n</body>\n</html>\n\n"
}

/// Admin Router's 403 page body.
pub(crate) fn forbidden_page() -> &'static str {
    "<!DOCTYPE html>\n<html>\n<head>\n  <title>Access Denied</title>\n</head>\n\
     <body>\n  <h1>Access Denied</h1>\n  <p>Your account is not allowed to access this resource.</p>\n\
     </body>\n</html>\n\n"
}

/// A 401 exactly as Admin Router answers it (`WWW-Authenticate: acsjwt|oauthjwt`).
pub(crate) fn unauthorized(challenge: &str) -> Response {
    Response::new(401, HTML_UTF8, unauthorized_page())
        .header("WWW-Authenticate", challenge)
        .header("Server", "openresty")
}

/// A 403 exactly as Admin Router answers it.
pub(crate) fn forbidden() -> Response {
    Response::new(403, HTML_UTF8, forbidden_page()).header("Server", "openresty")
}

/// nginx's built-in error page for `status` (CRLF line ends, `openresty` signature).
pub(crate) fn nginx_page(status: u16) -> Response {
    let title = format!("{status} {}", reason(status));
    let body = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n\
         <hr><center>openresty</center>\r\n</body>\r\n</html>\r\n"
    );
    Response::new(status, "text/html", body).header("Server", "openresty")
}

#[derive(Serialize)]
struct DcosError<'a> {
    title: &'a str,
    description: &'a str,
    code: &'a str,
}

/// The DC/OS JSON error object `{"title","description","code"}`.
pub(crate) fn dcos_error(status: u16, title: &str, description: &str, code: &str) -> Response {
    let body = serde_json::to_vec(&DcosError {
        title,
        description,
        code,
    })
    .expect("error serializes");
    Response::json(status, body).header("Server", "openresty")
}

/// Go's `http.Error(w, msg, code)`: plain text plus `\n`.
pub(crate) fn go_text_error(status: u16, message: &str) -> Response {
    Response::new(status, "text/plain; charset=utf-8", format!("{message}\n"))
        .header("X-Content-Type-Options", "nosniff")
        .header("Server", "openresty")
}

/// Cosmos' `ErrorResponse` `{"type","message","data"}`.
pub(crate) fn cosmos_error(
    status: u16,
    kind: &str,
    message: &str,
    data: serde_json::Value,
) -> Response {
    #[derive(Serialize)]
    struct CosmosError<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        message: &'a str,
        data: serde_json::Value,
    }
    let body = serde_json::to_vec(&CosmosError {
        kind,
        message,
        data,
    })
    .expect("error serializes");
    Response::json(status, body).header("Server", "openresty")
}
