//! The case API as the desk sees it: wire types shared with the server, and
//! the HTTP client.

pub mod client;
pub mod wire;
