//! Hints that ask the processor to start loading memory that is about to be read.
//!
//! A large project's heap is far larger than the processor's caches, and much of a build
//! reads it in an order that is not where things are in memory (documents sorted by
//! date, links to documents anywhere). Asked for a few steps before they are read, the
//! lines arrive while other work goes on instead of each read waiting in turn. Hints
//! change no result: on processors without the instruction they do nothing.

/// Asks for the cache line holding `ptr`.
#[inline]
pub fn line<T>(ptr: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing into the program and never faults, whatever the
    // address (dangling, null or unmapped); only the cache is affected.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(ptr.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = ptr;
}

/// Asks for every line of a slice's elements (not what they point to).
pub fn all<T>(items: &[T]) {
    let start = items.as_ptr().cast::<u8>();
    for offset in (0..std::mem::size_of_val(items)).step_by(64) {
        line(start.wrapping_add(offset));
    }
}

/// Asks for the first line of each text that is there.
pub fn texts<const N: usize>(texts: [&Option<String>; N]) {
    for text in texts.into_iter().flatten() {
        line(text.as_ptr());
    }
}

/// For the entry at `n` of `items`: calls `ask(step, entry)` with the entry
/// `distances[step]` places ahead, for each step whose entry exists. Steps run far to
/// near, so a step can follow the pointers that an earlier call, for an earlier entry,
/// asked for when that entry was further ahead.
pub fn ask_ahead<T>(items: &[T], n: usize, distances: &[usize], mut ask: impl FnMut(usize, &T)) {
    for (step, &distance) in distances.iter().enumerate() {
        if let Some(entry) = items.get(n + distance) {
            ask(step, entry);
        }
    }
}

/// The items in order, each one's turn first calling [`ask_ahead`] for it.
pub fn in_order<'a, T, const STEPS: usize>(
    items: &'a [T],
    distances: [usize; STEPS],
    ask: impl Fn(usize, &T) + 'a,
) -> impl Iterator<Item = &'a T> + 'a {
    items.iter().enumerate().map(move |(n, item)| {
        ask_ahead(items, n, &distances, &ask);
        item
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_take_any_address_and_change_nothing() {
        let values = vec![1u64, 2, 3];
        all(&values);
        all::<u64>(&[]);
        line(std::ptr::null::<u8>());
        line(usize::MAX as *const u8);
        line(values.as_ptr().wrapping_add(1 << 40));
        let (none, some) = (None, Some("text".to_string()));
        texts([&none, &some]);
        assert_eq!(some.as_deref(), Some("text"));
        assert_eq!(values, [1, 2, 3]);
    }

    #[test]
    fn each_entry_is_asked_for_at_each_distance_before_its_turn() {
        let items = [10, 11, 12, 13, 14];
        let asked = std::cell::RefCell::new(Vec::new());
        let seen: Vec<i32> = in_order(&items, [3, 1], |step, &item| {
            asked.borrow_mut().push((step, item))
        })
        .copied()
        .collect();
        assert_eq!(seen, items);
        assert_eq!(
            asked.into_inner(),
            [(0, 13), (1, 11), (0, 14), (1, 12), (1, 13), (1, 14)]
        );
    }
}
