//! The case API as the desk sees it: wire types shared with the server, the
//! HTTP client, and how the desk logs in (single sign-on) and keeps its
//! tokens.

pub mod client;
pub mod credentials;
pub mod sso;
pub mod wire;
