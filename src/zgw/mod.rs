//! The ZGW source: the server's cases taken from, and its decisions written
//! to, the municipality's own case system (Open Zaak and other
//! implementations of the VNG ZGW APIs). See README "On your own ZGW case
//! system" and `../shared/ZGW.md`.
//!
//! - `config`: the `[zgw]` section.
//! - `client`: HTTP with a JWT per request, errors by what to do about them.
//! - `catalogue`: the catalogue resolved against the configuration.
//! - `mapping`: pure functions from ZGW resources to cases and requests.
//! - `walk`: what the reconciler concludes from the flat lists, pure.

pub mod catalogue;
pub mod client;
pub mod config;
pub mod mapping;
pub mod notify;
pub mod source;
pub mod walk;
