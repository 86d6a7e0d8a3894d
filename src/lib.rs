//! regiedesk: the terminal desk of the procesregisseur, and the reference
//! case API it talks to. See README.md for the layers.

pub mod api;
pub mod clock;
pub mod config;
pub mod desk;
pub mod domain;
pub mod private;
pub mod server;
pub mod zgw;
