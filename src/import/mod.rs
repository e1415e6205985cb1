//! Readers for records kept in other tools' formats: adr-tools, log4brains, MADR, Keep a Changelog.

pub mod adr;
pub mod changelog;
