//! The template engine, with an optional memo: a page whose template context and templates
//! are unchanged since the last pass is not rendered again. `serve` uses the memo for
//! incremental rebuilds; since a page is a pure function of its context and templates, the
//! result is the same bytes a clean build writes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use bytes::Bytes;
use serde::Serialize;
use tera::{Kwargs, State, Tera, Value};

use super::limits;

/// Compiled templates, and what each one pulls in.
pub struct Renderer {
    tera: Arc<Tera>,
    /// Per template: what it pulls in (see [`Closure`]).
    closures: Arc<HashMap<String, Closure>>,
    /// Pages by output path, with the hash of what they were made of.
    memo: Option<Mutex<Kept<String, (blake3::Hash, Bytes)>>>,
    /// What `partial()` rendered, when pages are remembered.
    partials: Arc<Mutex<Partials>>,
    /// Whether document pages are the default theme's, which [`super::doc_page`] writes
    /// without the engine.
    default_page: bool,
}

/// Values kept from one rebuild pass to the next, each marked with the last pass that used
/// it; [`Kept::sweep`] drops the rest after a pass that would have used all still needed.
struct Kept<K, V> {
    generation: u64,
    entries: HashMap<K, (V, u64)>,
}

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept {
            generation: 0,
            entries: HashMap::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq, V> Kept<K, V> {
    /// The value under `key`, marked as used by this pass.
    fn get<Q>(&mut self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        let generation = self.generation;
        let entry = self.entries.get_mut(key)?;
        entry.1 = generation;
        Some(&entry.0)
    }

    fn insert(&mut self, key: K, value: V) {
        self.entries.insert(key, (value, self.generation));
    }

    fn next_pass(&mut self) {
        self.generation += 1;
    }

    /// Drops what this pass did not use.
    fn sweep(&mut self) {
        let current = self.generation;
        self.entries.retain(|_, entry| entry.1 == current);
    }
}

/// Rendered partials by the hash of their template and context (shared by every page and
/// site, since a partial's output depends on nothing else), as safe string values handed
/// out by reference count; and the digests of the maps met in their contexts.
#[derive(Default)]
struct Partials {
    entries: Kept<blake3::Hash, Value>,
    maps: MapDigests,
    /// The template values of [`Shared`] parts of contexts, by their hashes.
    parts: Kept<blake3::Hash, Value>,
}

thread_local! {
    /// Where [`Shared`] parts are kept while a renderer with a memo makes a context.
    static PARTS: std::cell::RefCell<Option<Arc<Mutex<Partials>>>> =
        const { std::cell::RefCell::new(None) };
}

/// A part of a view's context (a release of the release plan, a pillar of the roadmap, a
/// release of the changelog) that `serve` keeps as a template value from one rebuild to
/// the next, under the hash of what it shows. An edit makes again only the parts it
/// changed; every other part is the very value the last rebuild made, so the partial that
/// renders it is found in the memo by its map's address, without walking the thousands
/// of items under it. While a context is hashed (see [`crate::audience::hashing_items`])
/// a part stands for itself by its hash; in a build it is serialised as it is.
pub struct Shared<T> {
    value: T,
    hash: OnceLock<Option<blake3::Hash>>,
}

impl<T: Serialize> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared {
            value,
            hash: OnceLock::new(),
        }
    }

    /// The hash of the part as a hashed context sees it: items by their own hashes.
    fn hash(&self) -> Option<blake3::Hash> {
        *self.hash.get_or_init(|| {
            crate::audience::hashing_items(|| crate::digest::digest(&self.value)).ok()
        })
    }

    /// The part's template value: the one kept under its hash, or made and kept.
    fn kept_value(&self, parts: &Mutex<Partials>) -> Option<Result<Value, tera::Error>> {
        let hash = self.hash()?;
        if let Some(value) = lock(parts).parts.get(&hash) {
            return Some(Ok(value.clone()));
        }
        let made = Value::try_from_serializable(&self.value);
        if let Ok(value) = &made {
            lock(parts).parts.insert(hash, value.clone());
        }
        Some(made)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if crate::audience::hashing()
            && let Some(hash) = self.hash()
        {
            return serializer.serialize_bytes(hash.as_bytes());
        }
        let parts = PARTS.with(|parts| parts.borrow().clone());
        match parts.as_deref().and_then(|parts| self.kept_value(parts)) {
            Some(Ok(value)) => value.serialize(serializer),
            Some(Err(err)) => Err(serde::ser::Error::custom(err)),
            None => self.value.serialize(serializer),
        }
    }
}

/// The digests of the maps met in partials' contexts, by address. A template value is
/// reference-counted and never changed in place, and a view in `serve` keeps the values of
/// its documents across rebuilds: a map met again is the same document, unchanged. The
/// clone kept with each digest holds its address, so no other map can take it meanwhile.
type MapDigests = Kept<usize, (Value, blake3::Hash)>;

/// Writes `value` unambiguously: a tag before every value, lengths before strings and
/// sequences; a map as the digest of its entries.
fn write_value(out: &mut Vec<u8>, value: &Value, maps: &mut MapDigests) {
    use tera::value::ValueKind;
    match value.kind() {
        ValueKind::Undefined => out.push(0),
        ValueKind::None => out.push(1),
        ValueKind::Bool => out.extend_from_slice(&[2, u8::from(value.as_bool() == Some(true))]),
        ValueKind::String => {
            // Safe and escaped strings of the same text print differently.
            out.push(if value.is_safe() { 4 } else { 3 });
            write_str(out, value.as_str().unwrap_or_default());
        }
        ValueKind::Bytes => {
            out.push(5);
            let bytes = value.as_bytes().unwrap_or_default();
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(bytes);
        }
        ValueKind::Array => {
            let items = value.as_array().unwrap_or_default();
            out.push(6);
            out.extend_from_slice(&(items.len() as u64).to_le_bytes());
            for item in items {
                write_value(out, item, maps);
            }
        }
        ValueKind::Map => {
            out.push(7);
            out.extend_from_slice(map_digest(value, maps).as_bytes());
        }
        _ => match value.as_number() {
            Some(tera::Number::Integer(n)) => {
                out.push(8);
                out.extend_from_slice(&n.to_le_bytes());
            }
            Some(tera::Number::Float(x)) => {
                out.push(9);
                out.extend_from_slice(&x.to_bits().to_le_bytes());
            }
            _ => {
                out.push(10);
                write_str(out, &value.to_string());
            }
        },
    }
}

fn write_str(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn map_digest(value: &Value, maps: &mut MapDigests) -> blake3::Hash {
    let Some(map) = value.as_map() else {
        return blake3::hash(&[]);
    };
    let address = std::ptr::from_ref(map) as usize;
    if let Some((_, hash)) = maps.get(&address) {
        return *hash;
    }
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(&(map.len() as u64).to_le_bytes());
    for (key, item) in map {
        match key.as_str() {
            Some(key) => write_str(&mut out, key),
            None => write_str(&mut out, &key.to_string()),
        }
        write_value(&mut out, item, maps);
    }
    let hash = blake3::hash(&out);
    maps.insert(address, (value.clone(), hash));
    hash
}

/// What a rebuild pass renders again (see [`Renderer::begin_pass`]).
#[derive(Debug, Clone, Copy)]
pub struct Pass {
    /// Every page, documents' too.
    pub pages: bool,
    /// Every list and view.
    pub lists: bool,
}

impl Renderer {
    /// A renderer that renders every page it is asked for.
    pub fn new(templates: &[(String, String)]) -> anyhow::Result<Self> {
        Renderer::make(templates, false)
    }

    /// A renderer that remembers what it rendered, for rebuilds.
    pub fn with_memo(templates: &[(String, String)]) -> anyhow::Result<Self> {
        Renderer::make(templates, true)
    }

    fn make(templates: &[(String, String)], remember: bool) -> anyhow::Result<Self> {
        let mut tera = Tera::new();
        tera.register_filter("num", |x: f64, _: Kwargs, _: &State| {
            super::format_number(x)
        });
        tera.register_filter("score", |x: f64, _: Kwargs, _: &State| {
            super::format_score(x)
        });
        tera.register_filter("slug", |x: &str, _: Kwargs, _: &State| {
            crate::load::list_key(x)
        });
        let closures = Arc::new(closures(templates));
        let partials = Arc::new(Mutex::new(Partials::default()));
        let engine = Arc::new(OnceLock::new());
        tera.register_function(
            "partial",
            Partial {
                tera: Arc::clone(&engine),
                closures: Arc::clone(&closures),
                partials: remember.then(|| Arc::clone(&partials)),
                recent: Mutex::default(),
            },
        );
        add_templates(&mut tera, templates)?;
        let tera = Arc::new(tera);
        // The function renders with the engine it belongs to; weakly, or the two would
        // keep each other alive.
        let _ = engine.set(Arc::downgrade(&tera));
        Ok(Renderer {
            tera,
            closures,
            memo: remember.then(|| Mutex::new(Kept::default())),
            partials,
            default_page: crate::theme::page_is_default(templates),
        })
    }

    /// Carries the memo of an older renderer over, after templates changed: pages whose
    /// templates did not change are still reused.
    pub fn adopt_memo(&mut self, old: Renderer) {
        self.memo = old.memo;
        let old = std::mem::take(&mut *lock(&old.partials));
        *lock(&self.partials) = old;
    }

    /// Whether rendered pages are remembered between rebuilds (in `serve`).
    pub fn has_memo(&self) -> bool {
        self.memo.is_some()
    }

    /// Starts a rebuild pass that renders again every page (`pages`) or every list and
    /// view (`lists`): what such a pass does not use is dropped by [`Renderer::end_pass`].
    pub fn begin_pass(&self, pass: Pass) {
        if let Some(memo) = &self.memo {
            if pass.pages {
                lock(memo).next_pass();
            }
            if pass.lists {
                let mut partials = lock(&self.partials);
                partials.entries.next_pass();
                partials.maps.next_pass();
                partials.parts.next_pass();
            }
        }
    }

    /// Ends a rebuild pass. Pages not used are dropped after a pass over every page;
    /// partials after a pass over every list and view. A page taken from the memo did not
    /// ask for its partials, so those go too, and come back the next time that page
    /// changes.
    pub fn end_pass(&self, pass: Pass) {
        if let Some(memo) = &self.memo {
            if pass.pages {
                lock(memo).sweep();
            }
            if pass.lists {
                let mut partials = lock(&self.partials);
                partials.entries.sweep();
                partials.maps.sweep();
                partials.parts.sweep();
            }
        }
    }

    /// Renders `template` with `ctx`; `key` names the output (site and path) for the memo.
    pub fn page<T: Serialize>(&self, key: &str, template: &str, ctx: &T) -> anyhow::Result<Bytes> {
        self.made(key, template, ctx, || self.render_bytes(key, template, ctx))
    }

    /// A document's page: with the default theme's templates, written by
    /// [`super::doc_page`], the same bytes the engine would render; otherwise rendered.
    /// Remembered as [`Renderer::page`] remembers it, either way.
    pub fn doc_page(&self, key: &str, ctx: &super::context::PageCtx<'_>) -> anyhow::Result<Bytes> {
        const TEMPLATE: &str = "page.html";
        self.made(key, TEMPLATE, ctx, || {
            let written = self.default_page.then(|| {
                let size = self.closures.get(TEMPLATE).map_or(0, |c| c.size);
                super::doc_page::write(ctx, size)
            });
            match written.flatten() {
                Some(page) => Ok(Bytes::from(page.into_bytes())),
                None => self.render_bytes(key, TEMPLATE, ctx),
            }
        })
    }

    /// What `make` makes of `template` and `ctx`, taken from the memo when neither changed
    /// since it was made for `key` (the hash of both is worked out only with a memo).
    fn made<T: Serialize>(
        &self,
        key: &str,
        template: &str,
        ctx: &T,
        make: impl FnOnce() -> anyhow::Result<Bytes>,
    ) -> anyhow::Result<Bytes> {
        let Some(memo) = &self.memo else {
            return make();
        };
        let mut hasher = blake3::Hasher::new();
        hasher.update(template.as_bytes());
        if let Some(closure) = self.closures.get(template) {
            hasher.update(closure.hash.as_bytes());
        }
        crate::audience::hashing_items(|| crate::digest::hash_into(&mut hasher, ctx))?;
        self.remember(memo, key, hasher.finalize(), make)
    }

    /// Memoises any computed output under `key`, keyed by an input hash. An output that
    /// fails to be made is neither kept nor handed out.
    pub fn memoised(
        &self,
        key: &str,
        hash: blake3::Hash,
        make: impl FnOnce() -> anyhow::Result<Bytes>,
    ) -> anyhow::Result<Bytes> {
        match &self.memo {
            None => make(),
            Some(memo) => self.remember(memo, key, hash, make),
        }
    }

    fn remember(
        &self,
        memo: &Mutex<Kept<String, (blake3::Hash, Bytes)>>,
        key: &str,
        hash: blake3::Hash,
        make: impl FnOnce() -> anyhow::Result<Bytes>,
    ) -> anyhow::Result<Bytes> {
        if let Some((kept, bytes)) = lock(memo).get(key)
            && *kept == hash
        {
            return Ok(bytes.clone());
        }
        let bytes = make()?;
        lock(memo).insert(key.to_string(), (hash, bytes.clone()));
        Ok(bytes)
    }

    /// `template` rendered with `ctx` as text, without the [`limits`] a page's render has.
    #[cfg(test)]
    pub fn render<T: Serialize>(&self, template: &str, ctx: &T) -> anyhow::Result<String> {
        let context = self.context(template, ctx)?;
        self.tera
            .render(template, &context)
            .map_err(|err| located(&err.to_string(), &format!("template {template}")).into())
    }

    /// `template` rendered with `ctx` as the bytes of the output file `key` (site and
    /// path), within the [`limits`]. The engine writes only whole strings, so its output is UTF-8
    /// without checking all of it again as a `String` would (a page is about ten
    /// kilobytes: that check was 1 % of a build). The buffer starts at the template's
    /// [`Closure::size`].
    fn render_bytes<T: Serialize>(
        &self,
        key: &str,
        template: &str,
        ctx: &T,
    ) -> anyhow::Result<Bytes> {
        let what = || format!("`{key}` with template {template}");
        limits::timed(what, || {
            let context = self.context(template, ctx)?;
            let size = self.closures.get(template).map_or(0, |c| c.size);
            let mut out = Vec::with_capacity(size);
            let rendered =
                render_capped(&self.tera, template, &context, &mut out).map_err(|limit| {
                    let message = too_long("the page", limit);
                    TemplateError(format!("templates/{template}: error: {message}"))
                })?;
            rendered.map_err(|err| located(&err.to_string(), &format!("template {template}")))?;
            Ok(Bytes::from(out))
        })
    }

    fn context<T: Serialize>(&self, template: &str, ctx: &T) -> anyhow::Result<tera::Context> {
        self.with_parts(|| tera::Context::from_serialize(ctx))
            .map_err(|err| anyhow::anyhow!("template context for {template}: {err}"))
    }

    /// Runs `f` (which makes a template context) with [`Shared`] parts kept in the memo,
    /// when there is one.
    fn with_parts<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Reset(Option<Arc<Mutex<Partials>>>);
        impl Drop for Reset {
            fn drop(&mut self) {
                PARTS.with(|parts| *parts.borrow_mut() = self.0.take());
            }
        }
        let kept = self.memo.is_some().then(|| Arc::clone(&self.partials));
        let _reset = Reset(PARTS.with(|parts| parts.replace(kept)));
        f()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// `partial(name="_release.html", block=block)`: renders the template `name` with the
/// other arguments, and the calling page's `root` unless given, as its whole context.
/// The output depends on nothing else, so in `serve` it is remembered by a hash of the
/// template and that context: a view re-rendered after an edit renders again only
/// the partials whose values changed (one release, one column) and copies the rest.
struct Partial {
    tera: Arc<OnceLock<Weak<Tera>>>,
    closures: Arc<HashMap<String, Closure>>,
    /// Where partials are remembered; none in a build that renders every page once.
    partials: Option<Arc<Mutex<Partials>>>,
    /// Without that memo, the last partials rendered, for the same call again.
    recent: Mutex<Recent>,
}

/// The last partials a build rendered, with the values they were given: the site's header
/// is the same on every page of a folder, and rendering it again for each page was 4 % of
/// a build of plain pages. A map or a list matches only itself (the same shared value,
/// which the entry keeps alive), anything else by what it prints, so a match renders
/// exactly what rendering again would. Calls that never come again (a list's rows) only
/// pass through: the last few are kept.
#[derive(Default)]
struct Recent {
    /// The least recently used first: each partial's name, values and output.
    entries: Vec<(String, Args, Value)>,
}

/// A partial's values, by name, as it was called with them.
type Args = Vec<(String, Value)>;

impl Recent {
    const KEPT: usize = 16;

    fn get(&mut self, name: &str, values: &[(String, Value)]) -> Option<Value> {
        let at = self.entries.iter().position(|(n, v, _)| {
            n == name
                && v.len() == values.len()
                && v.iter()
                    .zip(values)
                    .all(|((ka, a), (kb, b))| ka == kb && identical(a, b))
        })?;
        let entry = self.entries.remove(at);
        let html = entry.2.clone();
        self.entries.push(entry);
        Some(html)
    }

    fn put(&mut self, name: &str, values: Args, html: Value) {
        if self.entries.len() == Self::KEPT {
            self.entries.remove(0);
        }
        self.entries.push((name.to_string(), values, html));
    }
}

/// Whether two values print the same wherever a template uses them: maps, lists and bytes
/// when they are one shared value, strings by their text and whether they are safe, the
/// rest by value.
fn identical(a: &Value, b: &Value) -> bool {
    use tera::value::ValueKind;
    match (a.kind(), b.kind()) {
        (ValueKind::Map, ValueKind::Map) => {
            a.as_map().map(std::ptr::from_ref) == b.as_map().map(std::ptr::from_ref)
        }
        (ValueKind::Array, ValueKind::Array) => {
            let (a, b) = (
                a.as_array().unwrap_or_default(),
                b.as_array().unwrap_or_default(),
            );
            std::ptr::eq(a, b)
        }
        (ValueKind::Bytes, ValueKind::Bytes) => {
            let (a, b) = (
                a.as_bytes().unwrap_or_default(),
                b.as_bytes().unwrap_or_default(),
            );
            std::ptr::eq(a, b)
        }
        (ValueKind::String, ValueKind::String) => a.is_safe() == b.is_safe() && a == b,
        (ValueKind::Map | ValueKind::Array | ValueKind::Bytes | ValueKind::String, _) => false,
        (x, y) => x == y && a == b,
    }
}

/// How deep partials may call partials. The default theme goes two deep; a partial that
/// calls itself, at once or through others, would otherwise render until the stack ran
/// out and the program aborted.
const PARTIAL_DEPTH: usize = 16;

thread_local! {
    /// The partials being rendered on this thread, outermost first.
    static RENDERING: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Partial {
    /// Renders `name` with `values` as its context: made here, only when a partial is
    /// rendered rather than taken from the memo (a list makes one call per document).
    fn render(&self, name: &str, values: Vec<(String, Value)>) -> tera::TeraResult<Value> {
        let tera = self
            .tera
            .get()
            .and_then(Weak::upgrade)
            .ok_or_else(|| tera::Error::message("partial(): the templates are gone"))?;
        let mut context = tera::Context::new();
        for (key, value) in values {
            context.insert_value(key, value);
        }
        let deep = RENDERING.with_borrow_mut(|rendering| {
            rendering.push(name.to_string());
            rendering.len() > PARTIAL_DEPTH
        });
        // Taken off again however the render ends.
        struct Leave;
        impl Drop for Leave {
            fn drop(&mut self) {
                RENDERING.with_borrow_mut(|rendering| rendering.pop());
            }
        }
        let _leave = Leave;
        if deep {
            let message = RENDERING.with_borrow(|rendering| {
                // From its first call to its second: the circle, once.
                let mut at = rendering.iter().enumerate().filter(|(_, n)| *n == name);
                match (at.next(), at.next()) {
                    (Some((from, _)), Some((to, _))) => format!(
                        "partial `{name}` calls itself ({}): partials may go {PARTIAL_DEPTH} deep",
                        rendering[from..=to].join(" → ")
                    ),
                    _ => format!(
                        "partial `{name}` would be the {}th partial inside one another ({}): partials may go {PARTIAL_DEPTH} deep",
                        rendering.len(),
                        rendering.join(" → ")
                    ),
                }
            });
            return Err(tera::Error::message(message));
        }
        let mut out = Vec::new();
        render_capped(&tera, name, &context, &mut out).map_err(|limit| {
            tera::Error::message(too_long(&format!("partial `{name}`"), limit))
        })??;
        let html = String::from_utf8(out).map_err(|err| tera::Error::message(err.to_string()))?;
        Ok(Value::safe_string(&html))
    }
}

/// Renders `name` with `context` into `out`, which refuses to grow past the
/// [`limits::Limits::bytes`] of a page: the render's own result, or that limit when the
/// output passed it.
fn render_capped(
    tera: &Tera,
    name: &str,
    context: &tera::Context,
    out: &mut Vec<u8>,
) -> Result<tera::TeraResult<()>, usize> {
    let limit = limits::limits().bytes;
    let mut capped = limits::Capped::new(out, limit);
    let rendered = tera.render_to(name, context, &mut capped);
    match capped.passed {
        true => Err(limit),
        false => Ok(rendered),
    }
}

/// Why a render stopped where its output passed `limit` bytes: `what` (the page, a
/// partial).
fn too_long(what: &str, limit: usize) -> String {
    format!(
        "{what} passed {} MB of output: does a loop in the template never end? ({} sets the limit in megabytes)",
        limit >> 20,
        limits::MAX_MB_VAR
    )
}

impl tera::Function<tera::TeraResult<Value>> for Partial {
    fn call(&self, kwargs: Kwargs, state: &State) -> tera::TeraResult<Value> {
        let name: &str = kwargs.must_get("name")?;
        let mut values: Vec<(String, Value)> = kwargs
            .iter()
            .map(|(key, value)| (key.to_string(), value.clone()))
            .filter(|(key, _)| key != "name")
            .collect();
        if !values.iter().any(|(key, _)| key == "root")
            && let Some(root) = state.get::<Value>("root")?
        {
            values.push(("root".to_string(), root));
        }
        let Some(memo) = &self.partials else {
            if let Some(html) = lock(&self.recent).get(name, &values) {
                return Ok(html);
            }
            let html = self.render(name, values.clone())?;
            lock(&self.recent).put(name, values, html.clone());
            return Ok(html);
        };
        let mut partials = lock(memo);
        let mut bytes = Vec::with_capacity(256);
        write_str(&mut bytes, name);
        if let Some(closure) = self.closures.get(name) {
            bytes.extend_from_slice(closure.hash.as_bytes());
        }
        for (key, value) in &values {
            write_str(&mut bytes, key);
            write_value(&mut bytes, value, &mut partials.maps);
        }
        let hash = blake3::hash(&bytes);
        if let Some(html) = partials.entries.get(&hash) {
            return Ok(html.clone());
        }
        // Rendered without the lock: another page's partials go on meanwhile.
        drop(partials);
        let html = self.render(name, values)?;
        lock(memo).entries.insert(hash, html.clone());
        Ok(html)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Tera reports `error: MESSAGE` and then ` --> NAME:LINE:COL` with the source line;
/// this puts the place first, as every other error does: `templates/NAME:LINE:COL: error:
/// MESSAGE`, then the source lines. Anything else is kept, after `fallback`.
fn located(text: &str, fallback: &str) -> TemplateError {
    // Errors of several templates come one after another, each from its `error:` line:
    // each is placed on its own, not as where the first was called from.
    let mut starts = vec![0];
    starts.extend(text.match_indices("\nerror:").map(|(at, _)| at + 1));
    starts.push(text.len());
    let each: Vec<String> = starts
        .windows(2)
        .map(|w| located_one(text[w[0]..w[1]].trim_end(), fallback).0)
        .collect();
    TemplateError(each.join("\n"))
}

/// [`located`] for the text of one error.
fn located_one(text: &str, fallback: &str) -> TemplateError {
    let mut lines = text.lines();
    let place = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .map(str::trim);
    let (Some(first), Some(place)) = (lines.next(), place) else {
        return TemplateError(format!("{fallback}: {text}"));
    };
    // An error inside a partial comes wrapped in the calling template's: `error: error: …`.
    let mut message = first.trim();
    while let Some(rest) = message.strip_prefix("error:") {
        message = rest.trim_start();
    }
    // Each place with its source lines; partials that call themselves show the same ones
    // over and over, once each is enough.
    let mut blocks: Vec<(Option<&str>, Vec<&str>)> = vec![(None, Vec::new())];
    for line in lines {
        match line.trim_start().strip_prefix("--> ") {
            Some(at) => blocks.push((Some(at.trim()), Vec::new())),
            None => blocks.last_mut().expect("one block at least").1.push(line),
        }
    }
    let mut seen = std::collections::HashSet::new();
    blocks.retain(|block| seen.insert(block.clone()));
    // The first place is in the headline; any other is where a partial was called from.
    let rest: Vec<String> = blocks
        .into_iter()
        .flat_map(|(at, lines)| {
            let called = at
                .filter(|at| *at != place)
                .map(|at| format!("  = called from templates/{at}"));
            called
                .into_iter()
                .chain(lines.into_iter().map(String::from))
        })
        .collect();
    TemplateError(
        format!("templates/{place}: error: {message}\n{}", rest.join("\n"))
            .trim_end()
            .to_string(),
    )
}

/// A cycle of `{% include %}` or `{% extends %}` tags, placed at the tag that closes it:
/// Tera names the templates only.
fn cycle(err: &tera::Error, templates: &[(String, String)]) -> Option<TemplateError> {
    let (keyword, chain, from) = match err.kind() {
        tera::ErrorKind::CircularInclude { include_chain, .. } => {
            let from = include_chain.get(include_chain.len().checked_sub(2)?)?;
            ("include", include_chain, from)
        }
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => {
            let from = match inheritance_chain.len() {
                0 | 1 => tpl,
                n => &inheritance_chain[n - 2],
            };
            ("extends", inheritance_chain, from)
        }
        _ => return None,
    };
    let to = chain.last()?;
    let source = &templates.iter().find(|(name, _)| name == from)?.1;
    let (line, column) = source.lines().enumerate().find_map(|(i, text)| {
        let at = text.find(keyword)?;
        let names = |q: char| text[at..].contains(&format!("{q}{to}{q}"));
        (names('"') || names('\'')).then(|| (i + 1, text[..at].chars().count() + 1))
    })?;
    Some(TemplateError(format!(
        "templates/{from}:{line}:{column}: error: {err}"
    )))
}

/// Adds the templates to `tera`, or says what is wrong with them: every template that does
/// not parse (Tera stops at the first, so each one found is set aside as empty and the rest
/// read again), or else the first error of the set as a whole. Errors of the set met
/// after a template was set aside are left out: they may be that template's absence.
fn add_templates(tera: &mut Tera, templates: &[(String, String)]) -> Result<(), TemplateError> {
    let mut texts: Vec<&str> = templates.iter().map(|(_, text)| text.as_str()).collect();
    let mut errors: Vec<TemplateError> = Vec::new();
    // Each round sets one template aside, so there are at most as many as templates.
    for _ in 0..=templates.len() {
        let set = (templates.iter().zip(&texts)).map(|((name, _), text)| (name.as_str(), *text));
        let Err(err) = tera.add_raw_templates(set) else {
            break;
        };
        let unparsed = match err.kind() {
            tera::ErrorKind::SyntaxError(report) => Some(report.filename()),
            _ => None,
        };
        if errors.is_empty() || unparsed.is_some() {
            errors.push(
                cycle(&err, templates)
                    .unwrap_or_else(|| located(&err.to_string(), "template error")),
            );
        }
        let at = unparsed.and_then(|name| templates.iter().position(|(n, _)| n == name));
        match at.filter(|&at| !texts[at].is_empty()) {
            Some(at) => texts[at] = "",
            None => break,
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(TemplateError(
            (errors.iter().map(|e| e.0.as_str()))
                .collect::<Vec<_>>()
                .join("\n"),
        )),
    }
}

/// A template that does not compile or render, with its place when Tera knows it; printed
/// as it is, without further context.
#[derive(Debug)]
pub struct TemplateError(pub String);

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TemplateError {}

/// What a template pulls in: itself and everything it extends or includes, found by
/// scanning for `{% extends "…" %}` and `{% include "…" %}`.
struct Closure {
    /// A hash over the names and texts of all of them.
    hash: blake3::Hash,
    /// The room its output is given to start with: their texts' length, to the next power
    /// of two. A document page of the default theme gets 16 KiB (its templates are 10 KB,
    /// its pages 6–14 KB).
    size: usize,
}

/// Each template's [`Closure`].
fn closures(templates: &[(String, String)]) -> HashMap<String, Closure> {
    let texts: HashMap<&str, &str> = templates
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    texts
        .keys()
        .map(|&name| {
            let mut seen: Vec<&str> = Vec::new();
            let mut stack = vec![name];
            while let Some(current) = stack.pop() {
                if seen.contains(&current) {
                    continue;
                }
                seen.push(current);
                stack.extend(
                    references(texts.get(current).copied().unwrap_or_default())
                        .filter(|r| texts.contains_key(r)),
                );
            }
            seen.sort_unstable();
            let mut hasher = blake3::Hasher::new();
            let mut len = 0;
            for part in seen {
                let text = texts.get(part).copied().unwrap_or_default();
                hasher.update(part.as_bytes());
                hasher.update(text.as_bytes());
                len += text.len();
            }
            let closure = Closure {
                hash: hasher.finalize(),
                size: len.next_power_of_two(),
            };
            (name.to_string(), closure)
        })
        .collect()
}

/// The templates a template's text names: `{% extends "…" %}`, `{% include "…" %}` and
/// `partial(name="…")`, whose output a page holds as much as an included one's.
fn references(text: &str) -> impl Iterator<Item = &str> {
    fn quoted(rest: &str) -> Option<&str> {
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let inner = &rest[1..];
        inner.find(quote).map(|end| &inner[..end])
    }
    let tags = text.split("{%").filter_map(|tag| {
        let tag = tag.trim_start_matches('-').trim_start();
        quoted(
            tag.strip_prefix("extends")
                .or_else(|| tag.strip_prefix("include"))?,
        )
    });
    let partials = text.split("partial(").skip(1).filter_map(|call| {
        let rest = call.trim_start().strip_prefix("name")?.trim_start();
        quoted(rest.strip_prefix('=')?)
    });
    tags.chain(partials)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates(page: &str) -> Vec<(String, String)> {
        vec![
            (
                "base.html".into(),
                "<b>{% block c %}{% endblock %}</b>".into(),
            ),
            ("page.html".into(), page.into()),
            ("other.html".into(), "{{ x }}".into()),
        ]
    }

    #[test]
    fn a_partial_a_template_calls_is_part_of_its_closure() {
        let mut all = templates(r#"<p>{{ partial(name = "_row.html", x=1) }}</p>"#);
        all.push(("_row.html".into(), "<i>{{ x }}</i>".into()));
        let before = closures(&all);
        all.last_mut().unwrap().1 = "<em>{{ x }}</em>".into();
        let after = closures(&all);
        assert_ne!(before["page.html"].hash, after["page.html"].hash);
        assert_eq!(before["other.html"].hash, after["other.html"].hash);
        let names: Vec<&str> =
            references(r#"{{ partial(name="_a.html") }}{{ partial( name = '_b.html', y=2) }}"#)
                .collect();
        assert_eq!(names, ["_a.html", "_b.html"]);
    }

    #[test]
    fn closure_changes_when_a_parent_changes() {
        let a = closures(&templates(
            r#"{% extends "base.html" %}{% block c %}{{ x }}{% endblock %}"#,
        ));
        let mut changed =
            templates(r#"{% extends "base.html" %}{% block c %}{{ x }}{% endblock %}"#);
        changed[0].1 = "<i>{% block c %}{% endblock %}</i>".into();
        let b = closures(&changed);
        assert_ne!(a["page.html"].hash, b["page.html"].hash);
        assert_eq!(a["other.html"].hash, b["other.html"].hash);
    }

    #[test]
    fn pages_start_with_room_for_everything_their_template_pulls_in() {
        let page = r#"{% extends "base.html" %}{% block c %}{{ x }}{% endblock %}"#;
        let all = templates(page);
        let closures = closures(&all);
        let pulled = page.len() + all[0].1.len();
        assert_eq!(closures["page.html"].size, pulled.next_power_of_two());
        assert_eq!(
            closures["other.html"].size,
            "{{ x }}".len().next_power_of_two()
        );
    }

    #[test]
    fn page_bytes_are_the_rendered_text() {
        let r = Renderer::new(&templates(
            r#"{% extends "base.html" %}{% block c %}{{ x }} é{% endblock %}"#,
        ))
        .unwrap();
        let ctx = serde_json::json!({"x": "<a> & ü"});
        let text = r.render("page.html", &ctx).unwrap();
        assert_eq!(text, "<b>&lt;a&gt; &amp; ü é</b>");
        assert_eq!(r.page("k", "page.html", &ctx).unwrap(), text.as_bytes());
        let err = r.page("k", "missing.html", &ctx).unwrap_err();
        assert!(err.to_string().contains("missing.html"), "{err}");
    }

    #[test]
    fn memo_reuses_unchanged_pages() {
        let r = Renderer::with_memo(&templates("{{ x }}")).unwrap();
        r.begin_pass(Pass {
            pages: true,
            lists: true,
        });
        let first = r
            .page("s/a", "page.html", &serde_json::json!({"x": 1}))
            .unwrap();
        let again = r
            .page("s/a", "page.html", &serde_json::json!({"x": 1}))
            .unwrap();
        assert_eq!(
            first.as_ptr(),
            again.as_ptr(),
            "same bytes object means it was not re-rendered"
        );
        let changed = r
            .page("s/a", "page.html", &serde_json::json!({"x": 2}))
            .unwrap();
        assert_eq!(&changed[..], b"2");
        r.end_pass(Pass {
            pages: true,
            lists: true,
        });
    }

    const ALL: Pass = Pass {
        pages: true,
        lists: true,
    };

    fn partial_templates(row: &str) -> Vec<(String, String)> {
        vec![
            (
                "view.html".into(),
                r#"{% for b in blocks %}{{ partial(name="_row.html", b=b) }}{% endfor %}"#.into(),
            ),
            ("_row.html".into(), row.into()),
        ]
    }

    fn blocks(names: &[&str]) -> serde_json::Value {
        serde_json::json!({
            "root": "../",
            "blocks": names.iter().map(|n| serde_json::json!({"t": n, "n": [1, 2.5]})).collect::<Vec<_>>(),
        })
    }

    #[test]
    fn partials_render_with_their_arguments_and_the_root() {
        let templates =
            partial_templates("<a href=\"{{ root }}x\">{{ b.t }} {{ b.n | join(sep=\"/\") }}</a>");
        for renderer in [
            Renderer::new(&templates).unwrap(),
            Renderer::with_memo(&templates).unwrap(),
        ] {
            renderer.begin_pass(ALL);
            let html = renderer
                .render("view.html", &blocks(&["<A>", "B"]))
                .unwrap();
            assert_eq!(
                html,
                "<a href=\"../x\">&lt;A&gt; 1/2.5</a><a href=\"../x\">B 1/2.5</a>"
            );
            renderer.end_pass(ALL);
        }
    }

    #[test]
    fn a_partial_that_calls_itself_is_an_error_not_a_crash() {
        for row in [
            r#"{{ partial(name="_row.html") }}"#,
            r#"{{ partial(name="_other.html") }}"#,
        ] {
            let mut templates = partial_templates(row);
            templates.push((
                "_other.html".into(),
                r#"{{ partial(name="_row.html") }}"#.into(),
            ));
            for renderer in [
                Renderer::new(&templates).unwrap(),
                Renderer::with_memo(&templates).unwrap(),
            ] {
                let error = renderer
                    .render("view.html", &blocks(&["a"]))
                    .unwrap_err()
                    .to_string();
                assert!(
                    error.starts_with("templates/")
                        && (error.contains("partial `_row.html` calls itself (_row.html → _row.html)")
                            || error.contains(
                                "partial `_row.html` calls itself (_row.html → _other.html → _row.html)"
                            ))
                        && error.contains("partials may go 16 deep"),
                    "{error}"
                );
            }
        }
        // Seventeen partials, each inside the one before, none twice: too deep, not a
        // circle.
        let mut templates = partial_templates(r#"{{ partial(name="_1.html") }}"#);
        for n in 1..=17 {
            templates.push((
                format!("_{n}.html"),
                format!(r#"{{{{ partial(name="_{}.html") }}}}"#, n + 1),
            ));
        }
        templates.push(("_18.html".into(), "end".into()));
        let error = Renderer::new(&templates)
            .unwrap()
            .render("view.html", &blocks(&["a"]))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("partial `_16.html` would be the 17th partial inside one another (_row.html → _1.html → ")
                && error.contains("partials may go 16 deep")
                && !error.contains("calls itself"),
            "{error}"
        );
        // A partial called inside another (not itself) renders as before, and the next
        // page starts from the top again.
        let mut templates = partial_templates(r#"<{{ partial(name="_leaf.html") }}>"#);
        templates.push(("_leaf.html".into(), "leaf".into()));
        let r = Renderer::new(&templates).unwrap();
        for _ in 0..40 {
            assert_eq!(r.render("view.html", &blocks(&["a"])).unwrap(), "<leaf>");
        }
    }

    #[test]
    fn partials_outside_their_arguments_see_nothing_of_the_page() {
        let r = Renderer::new(&partial_templates(
            "[{{ blocks | default(value=\"none\") }}]",
        ))
        .unwrap();
        assert_eq!(r.render("view.html", &blocks(&["a"])).unwrap(), "[none]");
    }

    #[test]
    fn memoised_output_is_kept_only_once_it_was_made() {
        let r = Renderer::with_memo(&partial_templates("")).unwrap();
        let hash = blake3::hash(b"inputs");
        let failed = r.memoised("site/graph.json#edges", hash, || {
            anyhow::bail!("cannot write")
        });
        assert!(failed.is_err());
        let made = r.memoised("site/graph.json#edges", hash, || Ok(Bytes::from("[]")));
        assert_eq!(made.unwrap(), "[]", "the failure was not kept");
        let kept = r.memoised("site/graph.json#edges", hash, || anyhow::bail!("not asked"));
        assert_eq!(kept.unwrap(), "[]", "the same inputs give what was made");
    }

    #[derive(Serialize)]
    struct PartsCtx {
        root: &'static str,
        blocks: Vec<Shared<serde_json::Value>>,
    }

    fn parts(names: &[&str]) -> PartsCtx {
        PartsCtx {
            root: "../",
            blocks: names
                .iter()
                .map(|n| Shared::new(serde_json::json!({ "t": n })))
                .collect(),
        }
    }

    /// The map of the value kept for the part named `name`, by address.
    fn kept_part(r: &Renderer, name: &str) -> Option<usize> {
        let hash = Shared::new(serde_json::json!({ "t": name })).hash()?;
        let partials = lock(&r.partials);
        let (value, _) = partials.parts.entries.get(&hash)?;
        value.as_map().map(|map| std::ptr::from_ref(map) as usize)
    }

    #[test]
    fn shared_parts_are_kept_by_their_hash_and_made_again_when_they_change() {
        let templates = partial_templates("{{ b.t }};");
        let r = Renderer::with_memo(&templates).unwrap();
        let pass = |names: &[&str]| {
            r.begin_pass(ALL);
            let html = r.page("s/view.html", "view.html", &parts(names)).unwrap();
            r.end_pass(ALL);
            html
        };
        assert_eq!(pass(&["a", "b"]), "a;b;");
        let a = kept_part(&r, "a").expect("part a is kept");
        assert!(kept_part(&r, "b").is_some());
        // One part changed: the page is made again, from the very value kept for the other.
        assert_eq!(pass(&["a", "c"]), "a;c;");
        assert_eq!(kept_part(&r, "a"), Some(a), "part a was not made again");
        assert!(kept_part(&r, "c").is_some());
        assert_eq!(
            kept_part(&r, "b"),
            None,
            "what a pass did not use is dropped"
        );
        assert_eq!(lock(&r.partials).entries.entries.len(), 2);
        // Without a memo parts are serialised as they are, and nothing is kept.
        let plain = Renderer::new(&templates).unwrap();
        let html = plain.render("view.html", &parts(&["a", "<b>"])).unwrap();
        assert_eq!(html, "a;&lt;b&gt;;");
        assert!(lock(&plain.partials).parts.entries.is_empty());
    }

    #[test]
    fn remembered_partials_follow_their_values_and_templates() {
        let templates = partial_templates("{{ b.t }};");
        let r = Renderer::with_memo(&templates).unwrap();
        let pass = |names: &[&str]| {
            r.begin_pass(ALL);
            let html = r.render("view.html", &blocks(names)).unwrap();
            r.end_pass(ALL);
            html
        };
        assert_eq!(pass(&["a", "b"]), "a;b;");
        assert_eq!(lock(&r.partials).entries.entries.len(), 2);
        // One block changed: the other is taken from the memo, the changed one rendered.
        assert_eq!(pass(&["a", "c"]), "a;c;");
        // What a pass over every list did not use is dropped.
        assert_eq!(lock(&r.partials).entries.entries.len(), 2);
        // A pass that renders only documents' pages keeps them.
        r.begin_pass(Pass {
            pages: false,
            lists: false,
        });
        r.end_pass(Pass {
            pages: false,
            lists: false,
        });
        assert_eq!(lock(&r.partials).entries.entries.len(), 2);
        // A changed partial template is not answered from the memo of the old one.
        let mut changed = Renderer::with_memo(&partial_templates("({{ b.t }})")).unwrap();
        changed.adopt_memo(r);
        changed.begin_pass(ALL);
        assert_eq!(
            changed.render("view.html", &blocks(&["a", "c"])).unwrap(),
            "(a)(c)"
        );
        changed.end_pass(ALL);
    }

    #[test]
    fn an_error_inside_a_partial_names_the_partial_and_its_caller() {
        let r = Renderer::new(&partial_templates("{{ b.t }} {{ site.title }}")).unwrap();
        let err = r
            .render("view.html", &blocks(&["a"]))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("templates/_row.html:1:"),
            "the partial's place comes first: {err}"
        );
        assert!(!err.contains("error: error:"), "{err}");
        assert!(err.contains("Variable `site` is not defined"), "{err}");
        assert!(err.contains("called from templates/view.html:1:"), "{err}");
    }

    #[test]
    fn remembered_partials_tell_safe_strings_from_escaped_ones() {
        let templates = vec![
            (
                "view.html".into(),
                r#"{{ partial(name="_p.html", v=x) }}|{{ partial(name="_p.html", v=x | safe) }}"#
                    .into(),
            ),
            ("_p.html".into(), "{{ v }}".into()),
        ];
        let r = Renderer::with_memo(&templates).unwrap();
        r.begin_pass(ALL);
        let html = r
            .render("view.html", &serde_json::json!({"x": "<i>"}))
            .unwrap();
        assert_eq!(html, "&lt;i&gt;|<i>");
    }

    #[test]
    fn a_build_renders_a_partial_again_unless_its_values_are_the_very_same() {
        // `{{ partial(…) }}` twice with the same values, then with a value of the same
        // text that is safe, then with a map of the same content that is another map.
        let templates = vec![
            (
                "view.html".into(),
                concat!(
                    r#"{{ partial(name="_p.html", v=x, m=m) }}|{{ partial(name="_p.html", v=x, m=m) }}|"#,
                    r#"{{ partial(name="_p.html", v=x | safe, m=m) }}|{{ partial(name="_p.html", v=x, m=n) }}"#
                )
                .into(),
            ),
            ("_p.html".into(), "{{ v }} {{ m.k }}".into()),
        ];
        let r = Renderer::new(&templates).unwrap();
        let html = r
            .render(
                "view.html",
                &serde_json::json!({"x": "<i>", "m": {"k": 1}, "n": {"k": 2}}),
            )
            .unwrap();
        assert_eq!(html, "&lt;i&gt; 1|&lt;i&gt; 1|<i> 1|&lt;i&gt; 2");
    }

    #[test]
    fn recent_partials_answer_the_same_call_and_keep_the_last_sixteen() {
        let value = |v: serde_json::Value| Value::from_serializable(&v);
        let site = value(serde_json::json!({"title": "Team"}));
        let call = |root: &str| -> Args {
            vec![
                ("site".to_string(), site.clone()),
                ("root".to_string(), value(serde_json::json!(root))),
            ]
        };
        let mut recent = Recent::default();
        assert!(recent.get("_header.html", &call("../")).is_none());
        recent.put("_header.html", call("../"), Value::safe_string("<header>"));
        let hit = recent
            .get("_header.html", &call("../"))
            .expect("the same call");
        assert_eq!(hit.as_str(), Some("<header>"));
        assert!(
            recent.get("_header.html", &call("")).is_none(),
            "another root"
        );
        assert!(
            recent.get("_other.html", &call("../")).is_none(),
            "another partial"
        );
        // Sixteen other calls push it out; one that was just used stays.
        recent.put("_a.html", call("x/"), Value::safe_string("a"));
        for n in 0..Recent::KEPT - 2 {
            recent.put(
                "_row.html",
                call(&format!("{n}/")),
                Value::safe_string("row"),
            );
        }
        assert!(
            recent.get("_header.html", &call("../")).is_some(),
            "used last, kept"
        );
        recent.put("_row.html", call("more/"), Value::safe_string("row"));
        assert!(
            recent.get("_a.html", &call("x/")).is_none(),
            "the oldest goes"
        );
        assert!(recent.get("_header.html", &call("../")).is_some());
    }

    #[test]
    fn identical_values_are_one_shared_map_or_list_or_equal_text_and_numbers() {
        let value = |v: serde_json::Value| Value::from_serializable(&v);
        let map = value(serde_json::json!({"k": [1, 2]}));
        assert!(identical(&map, &map.clone()), "the same shared map");
        assert!(
            !identical(&map, &value(serde_json::json!({"k": [1, 2]}))),
            "a map of the same content is another map"
        );
        let list = value(serde_json::json!([1, 2]));
        assert!(identical(&list, &list.clone()));
        assert!(!identical(&list, &value(serde_json::json!([1, 2]))));
        let text = value(serde_json::json!("<i>"));
        assert!(identical(&text, &value(serde_json::json!("<i>"))));
        assert!(!identical(&text, &Value::safe_string("<i>")));
        assert!(identical(
            &value(serde_json::json!(3)),
            &value(serde_json::json!(3))
        ));
        assert!(!identical(
            &value(serde_json::json!(3)),
            &value(serde_json::json!(4))
        ));
        assert!(!identical(&value(serde_json::json!(null)), &text));
    }

    #[test]
    fn map_digests_differ_by_keys_values_and_nesting() {
        let digest = |v: serde_json::Value| {
            let mut maps = MapDigests::default();
            let mut out = Vec::new();
            write_value(&mut out, &Value::from_serializable(&v), &mut maps);
            out
        };
        let values = [
            serde_json::json!({"a": "b"}),
            serde_json::json!({"b": "a"}),
            serde_json::json!({"a": ["b"]}),
            serde_json::json!({"a": {"b": null}}),
            serde_json::json!({"ab": ""}),
            serde_json::json!({"a": 1}),
            serde_json::json!({"a": 1.0}),
            serde_json::json!({"a": true}),
            serde_json::json!({"a": null}),
            serde_json::json!([{"a": "b"}]),
        ];
        for (i, a) in values.iter().enumerate() {
            assert_eq!(digest(a.clone()), digest(a.clone()), "{a}");
            for b in &values[i + 1..] {
                assert_ne!(digest(a.clone()), digest(b.clone()), "{a} and {b}");
            }
        }
    }
}
