//! align: one source of alignment documents, one static site per audience.

pub mod config;
pub mod diag;
pub mod import;
pub mod load;
pub mod model;
