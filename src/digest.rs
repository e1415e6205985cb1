//! Hashing any serialisable value, for the render memo and the views' digests.
//!
//! A value is fed to blake3 in a compact binary form rather than as JSON: every value
//! starts with a tag naming its type, strings and bytes carry their length, and
//! sequences, maps and structs end with a tag of their own. Two different values
//! therefore never write the same bytes, and nothing is formatted or escaped on the way
//! (hashing the contexts of a rebuild's lists and views as JSON was an eighth of what a
//! title edit cost in `serve`).

use serde::Serialize;
use serde::ser;

/// Feeds `value` to `hasher`.
pub fn hash_into(hasher: &mut blake3::Hasher, value: &impl Serialize) -> Result<(), Error> {
    let mut feed = Feed {
        hasher,
        buffer: Vec::with_capacity(BUFFER),
        scratch: String::new(),
    };
    value.serialize(&mut feed)?;
    feed.flush();
    Ok(())
}

/// The hash of `value` alone.
pub fn digest(value: &impl Serialize) -> Result<blake3::Hash, Error> {
    let mut hasher = blake3::Hasher::new();
    hash_into(&mut hasher, value)?;
    Ok(hasher.finalize())
}

/// blake3 is fast on large chunks only; values write a few bytes at a time.
const BUFFER: usize = 16 * 1024;

/// A value that refused to serialise (a `Serialize` implementation's own error).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

struct Feed<'h> {
    hasher: &'h mut blake3::Hasher,
    buffer: Vec<u8>,
    /// Where displayed values are written before they are fed (see `collect_str`).
    scratch: String,
}

// One tag per kind of value; `END` closes sequences, maps and structs.
const NONE: u8 = 0;
const SOME: u8 = 1;
const BOOL: u8 = 2;
const INT: u8 = 3;
const UINT: u8 = 4;
const FLOAT: u8 = 5;
const CHAR: u8 = 6;
const STR: u8 = 7;
const BYTES: u8 = 8;
const UNIT: u8 = 9;
const VARIANT: u8 = 10;
const SEQ: u8 = 11;
const MAP: u8 = 12;
const STRUCT: u8 = 13;
const END: u8 = 14;

impl Feed<'_> {
    fn put(&mut self, bytes: &[u8]) {
        if self.buffer.len() + bytes.len() > BUFFER {
            self.flush();
            if bytes.len() > BUFFER {
                self.hasher.update(bytes);
                return;
            }
        }
        self.buffer.extend_from_slice(bytes);
    }

    fn tag(&mut self, tag: u8) {
        if self.buffer.len() == BUFFER {
            self.flush();
        }
        self.buffer.push(tag);
    }

    fn sized(&mut self, tag: u8, bytes: &[u8]) {
        self.tag(tag);
        self.put(&(bytes.len() as u64).to_le_bytes());
        self.put(bytes);
    }

    fn variant(&mut self, index: u32, name: &str) {
        self.tag(VARIANT);
        self.put(&index.to_le_bytes());
        self.sized(STR, name.as_bytes());
    }

    fn flush(&mut self) {
        self.hasher.update(&self.buffer);
        self.buffer.clear();
    }
}

impl<'a, 'h> ser::Serializer for &'a mut Feed<'h> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.put(&[BOOL, v as u8]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i128(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i128(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i128(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.serialize_i128(v.into())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.tag(INT);
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u128(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u128(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u128(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.serialize_u128(v.into())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.tag(UINT);
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.tag(FLOAT);
        self.put(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.tag(CHAR);
        self.put(&u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.sized(STR, v.as_bytes());
        Ok(())
    }
    /// As `serialize_str` of the displayed text, without a new string for each value
    /// (serde's default): a sitemap displays one URL per page.
    fn collect_str<T: ?Sized + std::fmt::Display>(self, value: &T) -> Result<(), Error> {
        use std::fmt::Write as _;
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        write!(text, "{value}").map_err(ser::Error::custom)?;
        self.sized(STR, text.as_bytes());
        self.scratch = text;
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.sized(BYTES, v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.tag(NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.tag(SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.tag(UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.variant(index, variant);
        self.serialize_unit()
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.variant(index, variant);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Error> {
        self.tag(SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self, Error> {
        self.variant(index, variant);
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Error> {
        self.tag(MAP);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Error> {
        self.tag(STRUCT);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self, Error> {
        self.variant(index, variant);
        self.serialize_struct(variant, len)
    }
}

/// Sequences and tuples: their elements, then `END`.
macro_rules! seq_like {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut Feed<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Error> {
                self.tag(END);
                Ok(())
            }
        }
    )*};
}

seq_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for &mut Feed<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Error> {
        self.tag(END);
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Feed<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.sized(STR, key.as_bytes());
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Error> {
        self.tag(END);
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Feed<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.tag(END);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Serialises through `collect_str`, as values that display themselves do.
    struct Shown(&'static str, &'static str);

    impl Serialize for Shown {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(&format_args!("{}{}", self.0, self.1))
        }
    }

    #[test]
    fn displayed_values_hash_as_their_text() {
        assert_eq!(
            hash(&Shown("https://x/", "a.html")),
            hash(&"https://x/a.html")
        );
        assert_ne!(
            hash(&Shown("https://x/", "a.html")),
            hash(&"https://x/b.html")
        );
        // The scratch text is cleared between values.
        assert_eq!(
            hash(&(Shown("ab", "cd"), Shown("e", ""))),
            hash(&("abcd", "e"))
        );
    }

    fn hash(value: &impl Serialize) -> blake3::Hash {
        digest(value).unwrap()
    }

    #[derive(Serialize)]
    struct Pair<'a> {
        a: &'a str,
        b: &'a str,
    }

    #[derive(Serialize)]
    struct Maybe {
        a: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<u32>,
    }

    #[test]
    fn equal_values_hash_alike_and_different_ones_apart() {
        assert_eq!(
            hash(&Pair { a: "x", b: "y" }),
            hash(&Pair { a: "x", b: "y" })
        );
        // Where a string ends is part of the hash.
        assert_ne!(hash(&("ab", "c")), hash(&("a", "bc")));
        assert_ne!(
            hash(&Pair { a: "ab", b: "c" }),
            hash(&Pair { a: "a", b: "bc" })
        );
        // So is where a sequence ends, and how sequences nest.
        assert_ne!(
            hash(&vec![vec![1u32], vec![]]),
            hash(&vec![vec![], vec![1u32]])
        );
        assert_ne!(hash(&vec![1u32]), hash(&vec![vec![1u32]]));
        // Absent, none, empty and zero all differ.
        assert_ne!(hash(&None::<&str>), hash(&Some("")));
        assert_ne!(hash(&Some(0u32)), hash(&0u32));
        assert_ne!(hash(&0u32), hash(&0.0f64));
        assert_ne!(hash(&0u32), hash(&false));
        assert_ne!(
            hash(&Maybe { a: None, b: None }),
            hash(&Maybe {
                a: None,
                b: Some(1)
            })
        );
        // Integers hash by value whatever their width; keys and values keep their roles.
        assert_eq!(hash(&7u8), hash(&7u64));
        let one: BTreeMap<&str, &str> = [("k", "v")].into();
        let other: BTreeMap<&str, &str> = [("v", "k")].into();
        assert_ne!(hash(&one), hash(&other));
    }

    #[test]
    fn a_long_string_hashes_whole_across_the_buffer() {
        let long = "x".repeat(BUFFER * 3 + 5);
        let longer = format!("{long}y");
        assert_ne!(hash(&(1u8, long.as_str())), hash(&(1u8, longer.as_str())));
        assert_eq!(hash(&(1u8, long.as_str())), hash(&(1u8, long.clone())));
    }
}
