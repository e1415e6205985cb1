//! Document kinds and the small enumerations their fields use.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Strategy,
    Objective,
    Initiative,
    Release,
    Decision,
    Change,
    #[default]
    Page,
}

/// Whether a release of this status has shipped: released, or released and then yanked.
/// A release without a status is planned.
pub fn release_shipped(status: Option<&str>) -> bool {
    matches!(status, Some("released" | "yanked"))
}

/// Whether a decision of this written status was accepted at some time: `accepted`, or
/// `deprecated` or superseded since. Only such a decision supersedes the ones it names: a
/// draft, a proposal, a rejected record or one whose status says something else
/// (`Pending`) does not, and a successor superseded in its turn still did.
pub fn ever_accepted(status: Option<&str>) -> bool {
    status.is_some_and(|s| s == "accepted" || s == "deprecated" || s.starts_with("superseded"))
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Strategy,
        Kind::Objective,
        Kind::Initiative,
        Kind::Release,
        Kind::Decision,
        Kind::Change,
        Kind::Page,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Strategy => "strategy",
            Kind::Objective => "objective",
            Kind::Initiative => "initiative",
            Kind::Release => "release",
            Kind::Decision => "decision",
            Kind::Change => "change",
            Kind::Page => "page",
        }
    }

    pub fn plural_label(self) -> &'static str {
        match self {
            Kind::Strategy => "Strategy",
            Kind::Objective => "Objectives",
            Kind::Initiative => "Initiatives",
            Kind::Release => "Releases",
            Kind::Decision => "Decisions",
            Kind::Change => "Changes",
            Kind::Page => "Pages",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Strategy => "Strategy",
            Kind::Objective => "Objective",
            Kind::Initiative => "Initiative",
            Kind::Release => "Release",
            Kind::Decision => "Decision",
            Kind::Change => "Change",
            Kind::Page => "Page",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The default folder mapping of SPEC section 2: each folder and the kind it holds.
    pub const FOLDERS: [(&'static str, Kind); 10] = [
        ("strategy", Kind::Strategy),
        ("objectives", Kind::Objective),
        ("okrs", Kind::Objective),
        ("initiatives", Kind::Initiative),
        ("roadmap", Kind::Initiative),
        ("releases", Kind::Release),
        ("decisions", Kind::Decision),
        ("adr", Kind::Decision),
        ("changes", Kind::Change),
        ("changelog", Kind::Change),
    ];

    /// The kind [`Kind::FOLDERS`] maps `folder` to.
    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::FOLDERS
            .iter()
            .find(|(name, _)| *name == folder)
            .map(|&(_, kind)| kind)
    }

    /// The status values this kind accepts; empty means free text.
    pub fn statuses(self) -> &'static [&'static str] {
        match self {
            Kind::Strategy => &["draft", "active", "retired"],
            Kind::Objective => &["draft", "active", "closed", "cancelled"],
            Kind::Initiative => &[
                "exploring",
                "planned",
                "in-progress",
                "shipped",
                "on-hold",
                "cancelled",
            ],
            Kind::Release => &["planned", "released", "yanked"],
            Kind::Decision => &[
                "draft",
                "proposed",
                "accepted",
                "rejected",
                "deprecated",
                "superseded",
            ],
            Kind::Change | Kind::Page => &[],
        }
    }

    /// Fields this kind has on top of the common ones.
    pub fn own_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Strategy => &["horizon", "parent"],
            Kind::Objective => &["period", "level", "type", "parent", "key_results"],
            Kind::Initiative => &[
                "horizon",
                "start",
                "target",
                "drives",
                "depends_on",
                "release",
                "rationale",
                "target_history",
            ],
            Kind::Release => &["version", "date"],
            Kind::Decision => &[
                "number",
                "date",
                "deciders",
                "decision-makers",
                "consulted",
                "informed",
                "supersedes",
                "amends",
                "relates_to",
                "justifies",
            ],
            Kind::Change => &["release", "category", "breaking", "implements"],
            Kind::Page => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Horizon {
    Now,
    Next,
    Later,
}

impl Horizon {
    pub const ALL: [Horizon; 3] = [Horizon::Now, Horizon::Next, Horizon::Later];

    pub fn parse(text: &str) -> Option<Horizon> {
        match text {
            "now" => Some(Horizon::Now),
            "next" => Some(Horizon::Next),
            "later" => Some(Horizon::Later),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Horizon::Now => "now",
            Horizon::Next => "next",
            Horizon::Later => "later",
        }
    }
}

/// Keep a Changelog categories, in the order a changelog lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Added,
    Changed,
    Deprecated,
    Removed,
    Fixed,
    Security,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Added,
        Category::Changed,
        Category::Deprecated,
        Category::Removed,
        Category::Fixed,
        Category::Security,
    ];

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Added => "added",
            Category::Changed => "changed",
            Category::Deprecated => "deprecated",
            Category::Removed => "removed",
            Category::Fixed => "fixed",
            Category::Security => "security",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Added => "Added",
            Category::Changed => "Changed",
            Category::Deprecated => "Deprecated",
            Category::Removed => "Removed",
            Category::Fixed => "Fixed",
            Category::Security => "Security",
        }
    }
}
