//! The pure domain core: rules over plain data. Nothing in here knows of
//! HTTP, SQL or terminals; everything is tested directly.

pub mod absence;
pub mod boards;
pub mod calendar;
pub mod dwangsom;
pub mod lifecycle;
pub mod live;
pub mod model;
pub mod need_to_know;
pub mod norms;
pub mod note;
pub mod permissions;
pub mod plan;
pub mod pseudonym;
pub mod redistribution;
pub mod stats;
pub mod suggest;
pub mod term;
pub mod text;
