//! placeholder until the parser lands
#[derive(Debug, Clone, PartialEq)]
pub struct Changelog {
    pub releases: Vec<ChangelogRelease>,
    pub link_defs: String,
}
#[derive(Debug, Clone, PartialEq)]
pub struct ChangelogRelease {
    pub version: Option<String>,
    pub date: Option<jiff::civil::Date>,
    pub date_raw: Option<String>,
    pub yanked: bool,
    pub suffix: Option<String>,
    pub line: usize,
    pub intro: String,
    pub sections: Vec<ChangelogSection>,
}
#[derive(Debug, Clone, PartialEq)]
pub struct ChangelogSection {
    pub name: String,
    pub category: Option<&'static str>,
    pub line: usize,
    pub entries: Vec<ChangelogEntry>,
}
#[derive(Debug, Clone, PartialEq)]
pub struct ChangelogEntry {
    pub text: String,
    pub line: usize,
    pub breaking: bool,
}
pub fn parse_changelog(_text: &str) -> Changelog {
    Changelog {
        releases: vec![],
        link_defs: String::new(),
    }
}
