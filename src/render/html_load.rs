//! What sanitising a body's HTML would cost, counted from its Markdown events before
//! ammonia's parser (html5ever) sees it.
//!
//! html5ever follows the HTML standard's tree builder, which is not linear on hostile input:
//! most start tags walk the stack of open elements, so 40,000 unclosed `<div>`s take
//! seconds; and every formatting element left open (`<b id=1>`, `<b id=2>`, …) is opened
//! again in each later paragraph, so 2,000 short tags made 540 MB of elements. A body
//! whose counts pass the budgets below has its raw HTML shown as text instead of being
//! sanitised, which is linear; the `raw-html-limits` check names such a body.

use pulldown_cmark::{Event, TagEnd};

/// Budget for the stack walks: start tags times the deepest the stack can get.
const WALK_BUDGET: u64 = 50_000_000;
/// Budget for reopened formatting elements: start tags times how many may be reopened.
const REOPEN_BUDGET: u64 = 1_000_000;

/// The elements the HTML standard reopens in later blocks when left open.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Elements that stop a formatting element's end tag from simply closing it (the
/// standard's "special" category, less the void ones, which never stay open), including
/// the SVG and MathML ones, compared without case.
const SPECIAL: &[&str] = &[
    "address",
    "annotation-xml",
    "applet",
    "article",
    "aside",
    "blockquote",
    "body",
    "button",
    "caption",
    "center",
    "colgroup",
    "dd",
    "desc",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "foreignobject",
    "form",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "html",
    "iframe",
    "li",
    "listing",
    "main",
    "marquee",
    "menu",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "nav",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "p",
    "plaintext",
    "pre",
    "script",
    "search",
    "section",
    "select",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
    "xmp",
];

/// Elements that put a marker in the list of formatting elements to reopen.
const MARKERS: &[&str] = &[
    "applet", "caption", "marquee", "object", "td", "template", "th",
];

/// Elements that never stay open.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Upper bounds on the work html5ever would do for one body.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct HtmlLoad {
    /// Start tags in the HTML: the Markdown's own and every `<` + letter in raw HTML.
    pub tags: u64,
    /// Raw start tags.
    pub raw: u64,
    /// How deep the stack of open elements can get (below).
    pub depth: u64,
    /// How many formatting elements can be listed to be reopened at once (below).
    pub reopened: u64,
}

/// The stack of open elements, kept so that it is never shallower than html5ever's (but
/// for its reopened formatting elements, counted apart): every start tag pushes (a table
/// cell three, for the row and body the parser may add, a row two), and an end tag pops
/// only the element on top, only when it has the end tag's name, where html5ever surely
/// pops it too. The Markdown's own elements are on it as well, so that a raw end tag
/// never passes one.
#[derive(Default)]
struct Open<'t> {
    stack: Vec<(&'t [u8], u64)>,
    depth: u64,
    most: u64,
}

impl<'t> Open<'t> {
    fn start(&mut self, name: &'t [u8]) {
        if contains(VOID, name) {
            return;
        }
        let weight = match name {
            _ if name.eq_ignore_ascii_case(b"td") || name.eq_ignore_ascii_case(b"th") => 3,
            _ if name.eq_ignore_ascii_case(b"tr") => 2,
            _ => 1,
        };
        self.stack.push((name, weight));
        self.depth += weight;
        self.most = self.most.max(self.depth);
    }

    fn end(&mut self, name: &[u8]) {
        if let Some(&(top, weight)) = self.stack.last()
            && top.eq_ignore_ascii_case(name)
        {
            self.stack.pop();
            self.depth -= weight;
        }
    }
}

/// The list of formatting elements to reopen, kept so that it never holds fewer than
/// html5ever's: an end tag takes an element off only where html5ever surely does too (the
/// last of its name since the last marker, with no special element opened since it was,
/// so that no clone of it is left behind); markers are never cleared, Noah's Ark never
/// applies.
#[derive(Default)]
struct Reopen {
    /// `None` for a marker, else the formatting element's index in [`FORMATTING`] and the
    /// count of special elements opened before it.
    list: Vec<Option<(usize, u64)>>,
    specials: u64,
    listed: u64,
    most: u64,
}

impl Reopen {
    fn start(&mut self, name: &[u8]) {
        if let Some(f) = position(FORMATTING, name) {
            self.list.push(Some((f, self.specials)));
            self.listed += 1;
            self.most = self.most.max(self.listed);
        } else if contains(MARKERS, name) {
            self.list.push(None);
            self.specials += 1;
        } else if contains(SPECIAL, name) {
            self.specials += 1;
        }
    }

    fn end(&mut self, name: &[u8]) {
        let Some(f) = position(FORMATTING, name) else {
            return;
        };
        for at in (0..self.list.len()).rev() {
            match self.list[at] {
                None => return,
                Some((g, specials)) if g == f => {
                    if specials == self.specials {
                        self.list.remove(at);
                        self.listed -= 1;
                    }
                    return;
                }
                Some(_) => {}
            }
        }
    }
}

fn position(names: &[&str], name: &[u8]) -> Option<usize> {
    names
        .iter()
        .position(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

fn contains(names: &[&str], name: &[u8]) -> bool {
    position(names, name).is_some()
}

/// The element a Markdown element opens and closes in HTML (one of them, for the few that
/// open two), named by its end.
fn markdown_element(end: &TagEnd) -> &'static [u8] {
    match end {
        TagEnd::Paragraph => b"p",
        TagEnd::Heading(_) => b"h1",
        TagEnd::BlockQuote(_) => b"blockquote",
        TagEnd::CodeBlock => b"pre",
        TagEnd::List(true) => b"ol",
        TagEnd::List(false) => b"ul",
        TagEnd::Item => b"li",
        TagEnd::Table => b"table",
        TagEnd::TableHead => b"thead",
        TagEnd::TableRow => b"tr",
        TagEnd::TableCell => b"td",
        TagEnd::Emphasis => b"em",
        TagEnd::Strong => b"strong",
        TagEnd::Strikethrough => b"del",
        TagEnd::Link => b"a",
        TagEnd::Image => b"img",
        TagEnd::Superscript => b"sup",
        TagEnd::Subscript => b"sub",
        _ => b"div",
    }
}

impl HtmlLoad {
    /// Counts the events a body renders from (after links are rewritten and HTML comments
    /// dropped).
    pub fn of(events: &[Event<'_>]) -> HtmlLoad {
        let mut load = HtmlLoad::default();
        let mut open = Open::default();
        let mut reopen = Reopen::default();
        for event in events {
            match event {
                Event::Start(tag) => {
                    load.tags += 1;
                    let name = markdown_element(&tag.to_end());
                    open.start(name);
                    reopen.start(name);
                }
                Event::End(end) => {
                    let name = markdown_element(end);
                    open.end(name);
                    reopen.end(name);
                }
                Event::Code(_)
                | Event::HardBreak
                | Event::Rule
                | Event::TaskListMarker(_)
                | Event::FootnoteReference(_)
                | Event::InlineMath(_)
                | Event::DisplayMath(_) => load.tags += 1,
                Event::Html(text) | Event::InlineHtml(text) => {
                    for (end, name) in raw_tags(text) {
                        if end {
                            open.end(name);
                            reopen.end(name);
                        } else {
                            load.tags += 1;
                            load.raw += 1;
                            open.start(name);
                            reopen.start(name);
                        }
                    }
                }
                Event::Text(_) | Event::SoftBreak => {}
            }
            // Past the budget there is no need to count on (nor to search a long list).
            if load.tags.saturating_mul(reopen.most) > REOPEN_BUDGET {
                break;
            }
        }
        load.reopened = reopen.most;
        load.depth = open.most + load.reopened;
        load
    }

    /// Whether html5ever may parse this body: linear within the budgets.
    pub fn sanitisable(&self) -> bool {
        self.tags.saturating_mul(self.depth) <= WALK_BUDGET
            && self.tags.saturating_mul(self.reopened) <= REOPEN_BUDGET
    }
}

/// Whether a text has a `<` followed by a letter anywhere: a body without one holds no raw
/// start tag, and its load need not be counted.
pub fn may_hold_tags(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'<', bytes)
        .any(|at| bytes.get(at + 1).is_some_and(u8::is_ascii_alphabetic))
}

/// The tags in raw HTML as the HTML tokenizer starts them: `<` or `</` and a letter, the
/// name running to a space, `/` or `>`. Whether each is an end tag, and its name. Never
/// fewer start tags than the tokenizer finds (a `<` in an attribute or a comment counts).
fn raw_tags(text: &str) -> impl Iterator<Item = (bool, &[u8])> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'<', bytes).filter_map(move |at| {
        let rest = &bytes[at + 1..];
        let (end, rest) = match rest.strip_prefix(b"/") {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
            return None;
        }
        let len = rest
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
            .unwrap_or(rest.len());
        Some((end, &rest[..len]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn load(body: &str) -> HtmlLoad {
        let events: Vec<Event<'_>> =
            Parser::new_ext(body, crate::load::markdown_options()).collect();
        HtmlLoad::of(&events)
    }

    #[test]
    fn raw_tags_are_read_as_the_tokenizer_reads_them() {
        let tags = |text| -> Vec<(bool, String)> {
            raw_tags(text)
                .map(|(end, name)| (end, String::from_utf8_lossy(name).into_owned()))
                .collect()
        };
        let named = |list: &[(bool, &str)]| -> Vec<(bool, String)> {
            list.iter().map(|(end, n)| (*end, n.to_string())).collect()
        };
        assert_eq!(
            tags("<div><B id=1>x</b ></div>"),
            named(&[(false, "div"), (false, "B"), (true, "b"), (true, "div")])
        );
        assert_eq!(
            tags("a < b, <3, </ i>, <!-- c -->, <?x>, trailing <"),
            named(&[])
        );
        assert_eq!(
            tags("<b-x/><svg:a\t></b-x>"),
            named(&[(false, "b-x"), (false, "svg:a"), (true, "b-x")])
        );
    }

    /// The open elements and the list to reopen after the raw tags of `html`.
    fn counted(html: &'static str) -> (Open<'static>, Reopen) {
        let (mut open, mut reopen) = (Open::default(), Reopen::default());
        for (end, name) in raw_tags(html) {
            if end {
                open.end(name);
                reopen.end(name);
            } else {
                open.start(name);
                reopen.start(name);
            }
        }
        (open, reopen)
    }

    #[test]
    fn an_end_tag_closes_only_the_innermost_element_and_only_of_its_name() {
        let open = |html: &'static str| {
            let (open, _) = counted(html);
            (open.most, open.depth)
        };
        let repeat = |html: &str| -> &'static str { html.repeat(100).leak() };
        assert_eq!(open(repeat("<div><P>x</p></DIV>")), (2, 0));
        assert_eq!(open(repeat("<table><tr><td>x</td></tr></table>")), (6, 0));
        // html5ever ignores `</span>` over an open list item; so does the count.
        assert_eq!(open(repeat("<span><li></span>")), (200, 200));
        assert_eq!(open("<br><img src=x><hr/><wbr>"), (0, 0));
    }

    #[test]
    fn only_an_end_tag_that_surely_closes_its_element_takes_it_off_the_list() {
        let most = |html: String| counted(html.leak()).1.most;
        assert_eq!(most("<td><b>x</b></td>".repeat(100)), 1);
        assert_eq!(most("<b><i>x</i></b>".repeat(100)), 2);
        // A special element opened inside may leave a clone behind.
        assert_eq!(most("<b><div>x</b>".repeat(100)), 100);
        // Behind a marker the end tag does not reach it; a differently named one never.
        assert_eq!(most("<b><object></b></object>".repeat(100)), 100);
        assert_eq!(most("<b></b-x>".repeat(100)), 100);
    }

    #[test]
    fn ordinary_bodies_are_sanitised() {
        let table: String = (0..1_000)
            .map(|i| format!("<tr><td><b>{i}</b></td><td>x</td></tr>\n"))
            .collect();
        let bodies = [
            "# Plan\n\nText with <b>bold</b> and <span>spans</span>.\n".to_string(),
            format!("<table>\n{table}</table>\n\nAfter the table, *emphasis*.\n"),
            "- a\n  - b\n    - c <br> d\n".repeat(200),
            "<details><summary>More</summary>\n\nSome *text*.\n\n</details>\n".repeat(100),
            format!(
                "- In a list:\n\n  <details><table>\n{}  </table></details>\n",
                (0..2_000)
                    .map(|i| format!(
                        "  <tr><td>{i}</td><td><i>a</i></td><td>b</td><td>c</td><td>d</td></tr>\n"
                    ))
                    .collect::<String>()
            ),
        ];
        for body in &bodies {
            let load = load(body);
            assert!(load.sanitisable(), "{load:?} for {}", &body[..40]);
        }
    }

    #[test]
    fn hostile_bodies_are_not() {
        let bodies = [
            "<div>".repeat(20_000),
            (0..2_000)
                .map(|i| format!("<div><b id={i}></div>"))
                .collect(),
            format!(
                "{}\n\n{}",
                (0..1_000)
                    .map(|i| format!("<b id={i}>"))
                    .collect::<String>(),
                "x\n\n".repeat(5_000)
            ),
            format!("{}x\n\n<b>raw</b>\n", "- ".repeat(20_000)),
            "*a <div> b* ".repeat(3_000),
        ];
        for body in &bodies {
            let load = load(body);
            assert!(!load.sanitisable(), "{load:?} for {}", &body[..40]);
        }
    }

    #[test]
    fn raw_tags_inside_markdown_count_what_is_open_around_them() {
        let flat = load("<span>x</span>\n");
        let nested = load("> > - *x <span>y</span>*\n");
        let special = load("> > - *x <div>y</div>*\n");
        assert_eq!((flat.raw, nested.raw, special.raw), (1, 1, 1));
        assert_eq!(
            (flat.reopened, nested.reopened, special.reopened),
            (0, 1, 1)
        );
        assert!(
            nested.depth >= flat.depth + 5,
            "{nested:?} against {flat:?}"
        );
        // The emphasis closes over a `<div>`, which may leave a clone of it to reopen.
        let twice = load("*x <div>y</div>* *z*\n");
        assert_eq!(twice.reopened, 2);
    }
}
