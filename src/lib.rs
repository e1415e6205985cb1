//! align: one source of alignment documents, one static site per audience.

pub mod audience;
pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod digest;
pub mod file_bytes;
pub mod graph;
pub mod import;
pub mod load;
pub mod model;
pub mod prefetch;
pub mod project;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod theme;
pub mod today;
pub mod write;
