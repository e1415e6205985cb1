//! placeholder until the parser lands
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdrRelKind {
    Supersedes,
    SupersededBy,
    Amends,
    AmendedBy,
    Extends,
    ExtendedBy,
    RelatesTo,
}
#[derive(Debug, Clone, PartialEq)]
pub struct AdrRelation {
    pub kind: AdrRelKind,
    pub target: String,
    pub label: Option<String>,
    pub line: usize,
}
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdrBody {
    pub number: Option<u32>,
    pub title: Option<Located<String>>,
    pub status: Option<Located<String>>,
    pub date: Option<Located<String>>,
    pub deciders: Vec<String>,
    pub tags: Vec<String>,
    pub relations: Vec<AdrRelation>,
}
pub fn parse_adr_body(_body: &str) -> AdrBody {
    AdrBody::default()
}
pub fn parse_status_text(status: &str, _line: usize) -> (String, Vec<AdrRelation>) {
    (status.trim().to_lowercase(), vec![])
}
pub fn parse_loose_date(s: &str) -> Option<jiff::civil::Date> {
    s.trim().parse().ok()
}
pub fn number_from_stem(stem: &str) -> Option<u32> {
    stem.split('-').next()?.parse().ok()
}
