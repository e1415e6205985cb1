//! The bytes of one output file: whole, or as pieces written one after another.

use std::sync::Arc;

use bytes::Bytes;

/// An output file's bytes. A site file that lists every document (the graph export, the
/// search index) is joined in `serve` from runs of entries the memo keeps: it is served
/// and compared as those pieces, instead of being copied into one new buffer of
/// megabytes on every rebuild.
#[derive(Clone, Debug)]
pub enum FileBytes {
    Whole(Bytes),
    Pieces(Arc<[Bytes]>),
}

impl FileBytes {
    /// The pieces, in order (one for a whole file).
    pub fn pieces(&self) -> &[Bytes] {
        match self {
            FileBytes::Whole(bytes) => std::slice::from_ref(bytes),
            FileBytes::Pieces(pieces) => pieces,
        }
    }

    pub fn len(&self) -> usize {
        self.pieces().iter().map(Bytes::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The file as one buffer: the same one for a whole file, joined for pieces.
    pub fn to_bytes(&self) -> Bytes {
        match self {
            FileBytes::Whole(bytes) => bytes.clone(),
            FileBytes::Pieces(pieces) => Bytes::from(pieces.concat()),
        }
    }

    /// Whether both are the very same buffers, piece by piece: what the memo gave back
    /// twice. Cheap, and false says nothing.
    pub fn same(&self, other: &FileBytes) -> bool {
        let (a, b) = (self.pieces(), other.pieces());
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_buffer(a, b))
    }
}

fn same_buffer(a: &Bytes, b: &Bytes) -> bool {
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
}

/// Equal bytes, however either is cut into pieces; pieces that are the same buffer are
/// not compared byte by byte.
impl PartialEq for FileBytes {
    fn eq(&self, other: &FileBytes) -> bool {
        let (a, b) = (self.pieces(), other.pieces());
        if a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_buffer(a, b) || a == b) {
            return true;
        }
        if self.len() != other.len() {
            return false;
        }
        // The same length: comparing every byte of one against the other's is enough.
        let mut right = b.iter();
        let mut current: &[u8] = &[];
        for piece in a {
            let mut piece = &piece[..];
            while !piece.is_empty() {
                while current.is_empty() {
                    match right.next() {
                        Some(next) => current = next,
                        None => return false,
                    }
                }
                let n = piece.len().min(current.len());
                if piece[..n] != current[..n] {
                    return false;
                }
                piece = &piece[n..];
                current = &current[n..];
            }
        }
        true
    }
}

impl Eq for FileBytes {}

impl PartialEq<[u8]> for FileBytes {
    fn eq(&self, other: &[u8]) -> bool {
        if self.len() != other.len() {
            return false;
        }
        let mut rest = other;
        self.pieces().iter().all(|piece| {
            let (head, tail) = rest.split_at(piece.len());
            rest = tail;
            head == &piece[..]
        })
    }
}

impl PartialEq<&str> for FileBytes {
    fn eq(&self, other: &&str) -> bool {
        *self == *other.as_bytes()
    }
}

impl From<Bytes> for FileBytes {
    fn from(bytes: Bytes) -> Self {
        FileBytes::Whole(bytes)
    }
}

impl From<Vec<u8>> for FileBytes {
    fn from(bytes: Vec<u8>) -> Self {
        FileBytes::Whole(bytes.into())
    }
}

impl From<String> for FileBytes {
    fn from(text: String) -> Self {
        FileBytes::Whole(text.into())
    }
}

impl From<Vec<Bytes>> for FileBytes {
    fn from(pieces: Vec<Bytes>) -> Self {
        FileBytes::Pieces(pieces.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(parts: &[&'static str]) -> FileBytes {
        parts
            .iter()
            .map(|p| Bytes::from_static(p.as_bytes()))
            .collect::<Vec<_>>()
            .into()
    }

    #[test]
    fn equal_bytes_are_equal_however_they_are_cut() {
        let whole = FileBytes::from("abcdef".to_string());
        assert_eq!(pieces(&["ab", "cdef"]), whole);
        assert_eq!(pieces(&["abc", "", "def"]), pieces(&["a", "bcde", "f"]));
        assert_eq!(pieces(&["abc", "def"]).to_bytes(), "abcdef");
        assert_eq!(pieces(&["abc", "def"]).len(), 6);
        assert_ne!(pieces(&["abc", "deg"]), whole);
        assert_ne!(pieces(&["abc", "de"]), whole);
        assert_ne!(pieces(&["abc", "defg"]), whole);
        assert_ne!(pieces(&["abd", "eg"]), pieces(&["ab", "def"]));
        assert_eq!(pieces(&["abd", "ef"]), pieces(&["ab", "def"]));
        assert_eq!(pieces(&[]), FileBytes::from(Vec::<u8>::new()));
        assert_eq!(pieces(&["ab", "", "cdef"]), *b"abcdef".as_slice());
        assert_eq!(pieces(&["ab", "cdef"]), "abcdef");
        assert_ne!(pieces(&["ab", "cdeg"]), "abcdef");
        assert_ne!(pieces(&["ab", "cde"]), "abcdef");
    }

    #[test]
    fn the_same_buffers_are_the_same_and_copies_are_only_equal() {
        let kept = Bytes::from(vec![7u8; 64]);
        let a: FileBytes = vec![Bytes::from_static(b"["), kept.clone()].into();
        let b: FileBytes = vec![Bytes::from_static(b"["), kept.clone()].into();
        assert!(a.same(&b));
        let copy: FileBytes = vec![Bytes::from_static(b"["), Bytes::from(vec![7u8; 64])].into();
        assert!(!a.same(&copy));
        assert_eq!(a, copy);
    }
}
