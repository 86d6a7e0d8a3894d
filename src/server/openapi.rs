//! The OpenAPI description, generated from the handlers and types.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "regiedesk case API",
        description = "The reference case API behind regiedesk: cases, requests and the audit log of a social team's access process."
    ),
    paths(
        routes::healthz,
        routes::me,
        routes::sync,
        routes::create_household,
        routes::create_case,
        routes::case_detail,
        routes::assign,
        routes::contact,
        routes::plan,
        routes::activity,
        routes::stuck,
        routes::close,
        routes::escalate,
        routes::takeover,
        routes::deescalate,
        routes::file_request,
        routes::request_detail,
        routes::decide,
        routes::audit,
    ),
    modifiers(&BearerToken),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
    }
}

pub fn spec() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
