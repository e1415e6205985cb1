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
        assert_eq!(values, [1, 2, 3]);
    }
}
