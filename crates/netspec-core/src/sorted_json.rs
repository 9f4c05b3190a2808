//! JSON text with every object's keys sorted, written straight from a
//! value's `Serialize`: byte for byte what `serde_json::to_value` and then
//! `serde_json::to_string` (or `to_string_pretty`) write with serde_json's
//! default features, without building the `serde_json::Value` tree.
//!
//! Fields are written where they come; an object whose keys did not come in
//! order has its fields' text moved into order when it ends (a later field
//! of the same key replacing an earlier one, as in a `Value`'s map). Objects
//! whose keys already come sorted cost nothing more than `serde_json`'s own
//! writer.

use std::fmt::Write as _;

use serde::ser::{self, Serialize};
use serde_json::Error;

type Result<T> = std::result::Result<T, Error>;

/// `value` as JSON text with sorted keys: compact, or indented as
/// `serde_json::to_string_pretty` indents.
pub fn to_string<T: Serialize + ?Sized>(value: &T, pretty: bool) -> Result<String> {
    let mut out = Vec::with_capacity(1024);
    write(&mut out, value)?;
    finish(out, pretty)
}

/// Appends `value` to `out` as compact JSON text with sorted keys; on an
/// error, what was appended may be cut short.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<()> {
    let mut w = Writer {
        out: std::mem::take(out),
        fields: Vec::new(),
        keys: String::new(),
        scratch: Vec::new(),
    };
    let written = value.serialize(&mut w);
    *out = w.out;
    written
}

/// Appends `s` as a JSON string, as serde_json writes it: copied whole when
/// it needs no escape (no `"`, `\\` or control character below U+0020:
/// what serde_json escapes, [`plain_run`]); any other is written by
/// serde_json.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    if plain_run(s.as_bytes()) == s.len() {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // writing to a Vec cannot fail
        let _ = serde_json::to_writer(out, s);
    }
}

/// How many bytes at the start of `b` are plain string characters: up to the
/// first closing quote, escape or control character (which JSON forbids in
/// a string). Eight bytes at a time: in a word, the lowest byte flagged by
/// the zero-byte test of `x ^ q` (or of `x - 0x20…`) is always a true match,
/// so the lowest flag of all three tests is the first stop.
#[inline]
pub(crate) fn plain_run(b: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut at = 0;
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8]));
        let stops = zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGHS);
        if stops != 0 {
            return at + (stops.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + words
        .remainder()
        .iter()
        .position(|&c| STOPS_STRING.get(usize::from(c)).copied().unwrap_or(true))
        .unwrap_or(words.remainder().len())
}

/// The bytes that end a run of plain characters in a JSON string: the
/// closing quote, an escape, and the control characters JSON forbids there.
#[allow(clippy::indexing_slicing)] // every index is below 256
const STOPS_STRING: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Compact JSON text (`compact`, as [`write()`] writes it) as text, indented
/// when `pretty`.
pub fn finish(compact: Vec<u8>, pretty: bool) -> Result<String> {
    let bytes = if pretty { indent(&compact) } else { compact };
    // only text is written, so never an error
    String::from_utf8(bytes).map_err(|_| ser::Error::custom("the JSON text is not UTF-8"))
}

/// Compact JSON text, as serde_json's `PrettyFormatter` writes it: two
/// spaces a level, `": "` after a key, empty objects and arrays as `{}` and
/// `[]`.
pub fn indent(compact: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(compact.len() * 2);
    let mut level = 0usize;
    let newline = |out: &mut Vec<u8>, level: usize| {
        out.push(b'\n');
        out.resize(out.len() + 2 * level, b' ');
    };
    let mut i = 0;
    while let Some(&c) = compact.get(i) {
        i += 1;
        match c {
            b'"' => {
                // a string, copied a run of plain text at a time up to its
                // closing quote (an escape's next byte copied with it)
                out.push(c);
                loop {
                    let rest = compact.get(i..).unwrap_or_default();
                    let run = plain_run(rest);
                    out.extend_from_slice(rest.get(..run).unwrap_or_default());
                    i += run;
                    match compact.get(i) {
                        Some(b'\\') => {
                            out.extend_from_slice(compact.get(i..i + 2).unwrap_or_default());
                            i += 2;
                        }
                        Some(&stop) => {
                            out.push(stop);
                            i += 1;
                            if stop == b'"' {
                                break;
                            }
                        }
                        None => break,
                    }
                }
            }
            b'{' | b'[' => {
                out.push(c);
                if let Some(&close @ (b'}' | b']')) = compact.get(i) {
                    out.push(close);
                    i += 1;
                } else {
                    level += 1;
                    newline(&mut out, level);
                }
            }
            b'}' | b']' => {
                level = level.saturating_sub(1);
                newline(&mut out, level);
                out.push(c);
            }
            b',' => {
                out.push(c);
                newline(&mut out, level);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(c),
        }
    }
    out
}

/// A map's key: where its text is in [`Writer::keys`], or a struct's field name.
#[derive(Clone, Copy)]
enum Key {
    Static(&'static str),
    Held(usize, usize),
}

/// One field written: its key, and where its text (`"key":value`, after
/// the comma before it) is in the output.
struct Field {
    key: Key,
    start: usize,
    end: usize,
}

struct Writer {
    out: Vec<u8>,
    /// The fields of the objects being written, innermost last.
    fields: Vec<Field>,
    /// The text of the map keys being written.
    keys: String,
    /// Room to put an object's fields in order.
    scratch: Vec<u8>,
}

impl Writer {
    fn key(&self, key: Key) -> &str {
        match key {
            Key::Static(s) => s,
            Key::Held(from, to) => self.keys.get(from..to).unwrap_or_default(),
        }
    }

    fn string(&mut self, s: &str) -> Result<()> {
        write_str(&mut self.out, s);
        Ok(())
    }

    fn begin_object(&mut self) -> Object<'_> {
        self.out.push(b'{');
        Object {
            base: self.fields.len(),
            keys: self.keys.len(),
            start: self.out.len(),
            sorted: true,
            pending: None,
            wrapped: false,
            w: self,
        }
    }

    fn begin_array(&mut self) -> Array<'_> {
        self.out.push(b'[');
        Array {
            w: self,
            first: true,
            wrapped: false,
        }
    }

    /// `{"variant":` before an enum variant's content.
    fn begin_variant(&mut self, variant: &'static str) -> Result<()> {
        self.out.push(b'{');
        self.string(variant)?;
        self.out.push(b':');
        Ok(())
    }

    /// `}` after an enum variant's content.
    fn end_variant(&mut self) {
        self.out.push(b'}');
    }
}

/// An object being written (a struct, a map or a struct variant's content).
struct Object<'a> {
    w: &'a mut Writer,
    /// Its first field in [`Writer::fields`].
    base: usize,
    /// Where its keys start in [`Writer::keys`].
    keys: usize,
    /// Where its fields' text starts in the output.
    start: usize,
    /// Whether its keys have come in increasing order so far.
    sorted: bool,
    /// A map key written, its value not yet: the key and where its text starts.
    pending: Option<(Key, usize)>,
    /// A struct variant: `}` to close after the object.
    wrapped: bool,
}

impl Object<'_> {
    /// Writes the separator and `key`; returns where the field's text starts.
    #[inline(never)]
    fn key(&mut self, key: Key) -> Result<usize> {
        if self.w.fields.len() > self.base {
            self.w.out.push(b',');
        }
        let start = self.w.out.len();
        let text = match key {
            Key::Static(s) => s,
            Key::Held(from, to) => self.w.keys.get(from..to).unwrap_or_default(),
        };
        write_str(&mut self.w.out, text);
        self.w.out.push(b':');
        Ok(start)
    }

    fn value<T: Serialize + ?Sized>(&mut self, key: Key, start: usize, value: &T) -> Result<()> {
        value.serialize(&mut *self.w)?;
        self.written(key, start);
        Ok(())
    }

    /// Notes a field written from `start` to here.
    #[inline(never)]
    fn written(&mut self, key: Key, start: usize) {
        if self.sorted {
            if let Some(last) = self.w.fields.get(self.base..).and_then(<[Field]>::last) {
                self.sorted = self.w.key(last.key) < self.w.key(key);
            }
        }
        self.w.fields.push(Field {
            key,
            start,
            end: self.w.out.len(),
        });
    }

    fn end(self) -> Result<()> {
        let w = self.w;
        if !self.sorted {
            let fields = w.fields.get(self.base..).unwrap_or_default();
            let mut order: Vec<usize> = (0..fields.len()).collect();
            // stable: of fields with the same key, the last comes last
            order.sort_by(|&a, &b| match (fields.get(a), fields.get(b)) {
                (Some(a), Some(b)) => w.key(a.key).cmp(w.key(b.key)),
                _ => std::cmp::Ordering::Equal,
            });
            let mut text = std::mem::take(&mut w.scratch);
            text.clear();
            for (n, &i) in order.iter().enumerate() {
                let (Some(field), next) = (fields.get(i), order.get(n + 1)) else {
                    continue;
                };
                // a later field of the same key replaces this one
                if next
                    .and_then(|&j| fields.get(j))
                    .is_some_and(|f| w.key(f.key) == w.key(field.key))
                {
                    continue;
                }
                if !text.is_empty() {
                    text.push(b',');
                }
                text.extend_from_slice(w.out.get(field.start..field.end).unwrap_or_default());
            }
            w.out.truncate(self.start);
            w.out.extend_from_slice(&text);
            w.scratch = text;
        }
        w.fields.truncate(self.base);
        w.keys.truncate(self.keys);
        w.out.push(b'}');
        if self.wrapped {
            w.end_variant();
        }
        Ok(())
    }
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        let start = self.key(Key::Static(key))?;
        self.value(Key::Static(key), start, value)
    }

    fn end(self) -> Result<()> {
        Object::end(self)
    }
}

impl ser::SerializeStructVariant for Object<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }

    fn end(self) -> Result<()> {
        Object::end(self)
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        let from = self.w.keys.len();
        key.serialize(KeyText(&mut self.w.keys))?;
        let key = Key::Held(from, self.w.keys.len());
        let start = self.key(key)?;
        self.pending = Some((key, start));
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let Some((key, start)) = self.pending.take() else {
            return Err(ser::Error::custom("a map value without its key"));
        };
        self.value(key, start, value)
    }

    fn end(self) -> Result<()> {
        Object::end(self)
    }
}

/// An array being written (a sequence, a tuple or a tuple variant's content).
struct Array<'a> {
    w: &'a mut Writer,
    first: bool,
    /// A tuple variant: `}` to close after the array.
    wrapped: bool,
}

impl Array<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.comma();
        value.serialize(&mut *self.w)
    }

    #[inline(never)]
    fn comma(&mut self) {
        if !std::mem::replace(&mut self.first, false) {
            self.w.out.push(b',');
        }
    }

    fn end(self) -> Result<()> {
        self.w.out.push(b']');
        if self.wrapped {
            self.w.end_variant();
        }
        Ok(())
    }
}

/// The four kinds of array serde writes, each element by [`Array::element`].
macro_rules! array {
    ($($kind:ident::$method:ident),* $(,)?) => {
        $(impl ser::$kind for Array<'_> {
            type Ok = ();
            type Error = Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.element(value)
            }

            fn end(self) -> Result<()> {
                Array::end(self)
            }
        })*
    };
}

array!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

/// Whole numbers of every width as the widest one of their sign (the same
/// digits).
macro_rules! widened {
    ($($method:ident($ty:ty) as $to:ident($wide:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<()> {
            self.$to(<$wide>::from(v))
        })*
    };
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Array<'a>;
    type SerializeTuple = Array<'a>;
    type SerializeTupleStruct = Array<'a>;
    type SerializeTupleVariant = Array<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    widened!(
        serialize_i8(i8) as serialize_i64(i64),
        serialize_i16(i16) as serialize_i64(i64),
        serialize_i32(i32) as serialize_i64(i64),
        serialize_u8(u8) as serialize_u64(u64),
        serialize_u16(u16) as serialize_u64(u64),
        serialize_u32(u32) as serialize_u64(u64),
    );

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out
            .extend_from_slice(if v { b"true" as &[u8] } else { b"false" });
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<()> {
        serde_json::to_writer(&mut self.out, &v)
    }

    fn serialize_u64(self, v: u64) -> Result<()> {
        serde_json::to_writer(&mut self.out, &v)
    }

    fn serialize_f64(self, v: f64) -> Result<()> {
        serde_json::to_writer(&mut self.out, &v)
    }

    fn serialize_char(self, v: char) -> Result<()> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_i128(self, v: i128) -> Result<()> {
        // a `Value` holds a whole number of 64 bits
        if let Ok(v) = u64::try_from(v) {
            self.serialize_u64(v)
        } else if let Ok(v) = i64::try_from(v) {
            self.serialize_i64(v)
        } else {
            Err(ser::Error::custom("number out of range"))
        }
    }

    fn serialize_u128(self, v: u128) -> Result<()> {
        match u64::try_from(v) {
            Ok(v) => self.serialize_u64(v),
            Err(_) => Err(ser::Error::custom("number out of range")),
        }
    }

    fn serialize_f32(self, v: f32) -> Result<()> {
        // a `Value` holds it as an f64
        self.serialize_f64(f64::from(v))
    }

    fn serialize_str(self, v: &str) -> Result<()> {
        self.string(v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        let mut a = self.begin_array();
        for b in v {
            a.element(b)?;
        }
        a.end()
    }

    fn serialize_none(self) -> Result<()> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<()> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.begin_variant(variant)?;
        value.serialize(&mut *self)?;
        self.end_variant();
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Array<'a>> {
        Ok(self.begin_array())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Array<'a>> {
        Ok(self.begin_array())
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Array<'a>> {
        Ok(self.begin_array())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Array<'a>> {
        self.begin_variant(variant)?;
        let mut a = self.begin_array();
        a.wrapped = true;
        Ok(a)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Object<'a>> {
        Ok(self.begin_object())
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Object<'a>> {
        Ok(self.begin_object())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Object<'a>> {
        self.begin_variant(variant)?;
        let mut o = self.begin_object();
        o.wrapped = true;
        Ok(o)
    }
}

/// A map key's text, as a `Value`'s map holds it: strings, and numbers,
/// `bool`s and unit variants as their text.
struct KeyText<'k>(&'k mut String);

fn not_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

macro_rules! key_number {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<()> {
            write!(self.0, "{v}").map_err(ser::Error::custom)
        })*
    };
}

impl ser::Serializer for KeyText<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    key_number!(
        serialize_bool(bool),
        serialize_i128(i128),
        serialize_u128(u128)
    );
    widened!(
        serialize_i8(i8) as serialize_i128(i128),
        serialize_i16(i16) as serialize_i128(i128),
        serialize_i32(i32) as serialize_i128(i128),
        serialize_i64(i64) as serialize_i128(i128),
        serialize_u8(u8) as serialize_u128(u128),
        serialize_u16(u16) as serialize_u128(u128),
        serialize_u32(u32) as serialize_u128(u128),
        serialize_u64(u64) as serialize_u128(u128),
    );

    fn serialize_char(self, v: char) -> Result<()> {
        self.0.push(v);
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<()> {
        self.0.push_str(v);
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<()> {
        // as serde_json writes an f32 (not widened, unlike a value)
        if !v.is_finite() {
            return Err(ser::Error::custom("float key must be finite"));
        }
        self.0.push_str(&serde_json::to_string(&v)?);
        Ok(())
    }

    fn serialize_f64(self, v: f64) -> Result<()> {
        if !v.is_finite() {
            return Err(ser::Error::custom("float key must be finite"));
        }
        self.0.push_str(&serde_json::to_string(&v)?);
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<()> {
        Err(not_a_string())
    }

    fn serialize_none(self) -> Result<()> {
        Err(not_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<()> {
        Err(not_a_string())
    }

    fn serialize_unit(self) -> Result<()> {
        Err(not_a_string())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<()> {
        Err(not_a_string())
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
        self.0.push_str(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<()> {
        Err(not_a_string())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(not_a_string())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(not_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(not_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(not_a_string())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(not_a_string())
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(not_a_string())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(not_a_string())
    }
}

#[cfg(test)]
mod tests {
    use super::{plain_run, to_string};
    use proptest::prelude::*;
    use serde::ser::{
        SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTupleVariant,
    };
    use serde::{Serialize, Serializer};

    /// Field names and variant names, some in need of escapes, some equal
    /// but for case, one a prefix of another.
    const NAMES: [&str; 9] = ["a", "b", "ab", "B", "é", "\"q", "z", "", "a\u{1}"];

    /// What `to_value` then `to_string` write: the reference.
    fn reference<T: Serialize>(value: &T, pretty: bool) -> Option<String> {
        let v = serde_json::to_value(value).ok()?;
        if pretty {
            serde_json::to_string_pretty(&v).ok()
        } else {
            serde_json::to_string(&v).ok()
        }
    }

    #[derive(Debug, Clone)]
    enum Key {
        Text(String),
        Int(i64),
        Bool(bool),
        Float(f64),
        Unit,
    }

    impl Serialize for Key {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Key::Text(t) => s.serialize_str(t),
                Key::Int(i) => s.serialize_i64(*i),
                Key::Bool(b) => s.serialize_bool(*b),
                Key::Float(f) => s.serialize_f64(*f),
                Key::Unit => s.serialize_unit(),
            }
        }
    }

    /// Any shape a `Serialize` can take.
    #[derive(Debug, Clone)]
    enum Node {
        Null,
        Bool(bool),
        Int(i64),
        Big(i128),
        Unsigned(u64),
        Float(f64),
        Single(f32),
        Char(char),
        Text(String),
        Bytes(Vec<u8>),
        Some(Box<Node>),
        Seq(Vec<Node>),
        Map(Vec<(Key, Node)>),
        Struct(Vec<(usize, Node)>),
        Unit(usize),
        Newtype(usize, Box<Node>),
        Tuple(usize, Vec<Node>),
        Variant(usize, Vec<(usize, Node)>),
    }

    impl Serialize for Node {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let name = |i: &usize| NAMES[i % NAMES.len()];
            match self {
                Node::Null => s.serialize_none(),
                Node::Bool(b) => s.serialize_bool(*b),
                Node::Int(i) => s.serialize_i64(*i),
                Node::Big(i) => s.serialize_i128(*i),
                Node::Unsigned(u) => s.serialize_u64(*u),
                Node::Float(f) => s.serialize_f64(*f),
                Node::Single(f) => s.serialize_f32(*f),
                Node::Char(c) => s.serialize_char(*c),
                Node::Text(t) => s.serialize_str(t),
                Node::Bytes(b) => s.serialize_bytes(b),
                Node::Some(n) => s.serialize_some(n),
                Node::Seq(items) => {
                    let mut seq = s.serialize_seq(Some(items.len()))?;
                    for item in items {
                        seq.serialize_element(item)?;
                    }
                    seq.end()
                }
                Node::Map(entries) => {
                    let mut map = s.serialize_map(None)?;
                    for (k, v) in entries {
                        map.serialize_entry(k, v)?;
                    }
                    map.end()
                }
                Node::Struct(fields) => {
                    let mut st = s.serialize_struct("S", fields.len())?;
                    for (k, v) in fields {
                        st.serialize_field(name(k), v)?;
                    }
                    st.end()
                }
                Node::Unit(v) => s.serialize_unit_variant("E", 0, name(v)),
                Node::Newtype(v, n) => s.serialize_newtype_variant("E", 1, name(v), n),
                Node::Tuple(v, items) => {
                    let mut t = s.serialize_tuple_variant("E", 2, name(v), items.len())?;
                    for item in items {
                        t.serialize_field(item)?;
                    }
                    t.end()
                }
                Node::Variant(v, fields) => {
                    let mut st = s.serialize_struct_variant("E", 3, name(v), fields.len())?;
                    for (k, n) in fields {
                        st.serialize_field(name(k), n)?;
                    }
                    st.end()
                }
            }
        }
    }

    fn key() -> impl Strategy<Value = Key> {
        prop_oneof![
            6 => proptest::sample::select(NAMES.to_vec()).prop_map(|s| Key::Text(s.to_string())),
            2 => "[a-c\"\\\\\u{0}-\u{3}é]{0,3}".prop_map(Key::Text),
            1 => (-3i64..300).prop_map(Key::Int),
            1 => any::<bool>().prop_map(Key::Bool),
            1 => prop_oneof![Just(0.5), Just(-0.0), Just(1e300), Just(f64::NAN)].prop_map(Key::Float),
            1 => Just(Key::Unit),
        ]
    }

    fn node() -> impl Strategy<Value = Node> {
        let leaf = prop_oneof![
            Just(Node::Null),
            any::<bool>().prop_map(Node::Bool),
            any::<i64>().prop_map(Node::Int),
            prop_oneof![
                any::<i64>().prop_map(i128::from),
                Just(i128::MAX),
                Just(u64::MAX as i128)
            ]
            .prop_map(Node::Big),
            any::<u64>().prop_map(Node::Unsigned),
            prop_oneof![
                any::<f64>(),
                Just(100.0),
                Just(20.59),
                Just(f64::INFINITY),
                Just(f64::NAN)
            ]
            .prop_map(Node::Float),
            prop_oneof![any::<f32>(), Just(0.1f32)].prop_map(Node::Single),
            any::<char>().prop_map(Node::Char),
            "[a-z\"\\\\/\u{0}-\u{1f}\u{7f}é\u{2028}😀]{0,6}".prop_map(Node::Text),
            proptest::collection::vec(any::<u8>(), 0..3).prop_map(Node::Bytes),
            (0..NAMES.len()).prop_map(Node::Unit),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            let fields = proptest::collection::vec((0..NAMES.len(), inner.clone()), 0..6);
            prop_oneof![
                inner.clone().prop_map(|n| Node::Some(Box::new(n))),
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Node::Seq),
                proptest::collection::vec((key(), inner.clone()), 0..6).prop_map(Node::Map),
                fields.clone().prop_map(Node::Struct),
                (0..NAMES.len(), inner.clone()).prop_map(|(v, n)| Node::Newtype(v, Box::new(n))),
                (0..NAMES.len(), proptest::collection::vec(inner, 0..3))
                    .prop_map(|(v, items)| Node::Tuple(v, items)),
                (0..NAMES.len(), fields).prop_map(|(v, f)| Node::Variant(v, f)),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Compact and indented, the same text as through a `Value`, or
        /// refused when a `Value` cannot hold it.
        #[test]
        fn writes_what_a_value_writes(n in node(), pretty in any::<bool>()) {
            prop_assert_eq!(to_string(&n, pretty).ok(), reference(&n, pretty));
        }
    }

    #[test]
    fn plain_runs_end_at_the_first_quote_escape_or_control_character() {
        let naive = |b: &[u8]| {
            b.iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .unwrap_or(b.len())
        };
        let mut cases: Vec<Vec<u8>> = vec![Vec::new(), b"abc".to_vec(), "é€😀 x".into()];
        for len in 0..20 {
            for stop in [b'"', b'\\', 0u8, 0x1f, b'\n', 0x20, 0x7f, 0xff, 0x80, b'!'] {
                for at in 0..=len {
                    let mut v = vec![b'a'; len];
                    v.insert(at, stop);
                    cases.push(v);
                }
            }
        }
        // a stop after bytes that look like stops to a careless test
        cases.push(vec![0x21, 0x01, 0x22, 0x5d, 0x5b, 0x1f, 0x23, 0x00, 0x61]);
        for c in &cases {
            assert_eq!(plain_run(c), naive(c), "{c:?}");
        }
    }

    #[test]
    fn fields_out_of_order_are_sorted_and_a_repeated_key_keeps_its_last_value() {
        let n = Node::Struct(vec![
            (6, Node::Int(1)),
            (0, Node::Int(2)),
            (6, Node::Seq(vec![Node::Int(3)])),
            (
                2,
                Node::Struct(vec![(1, Node::Null), (0, Node::Bool(true))]),
            ),
        ]);
        assert_eq!(
            to_string(&n, false).ok().as_deref(),
            Some(r#"{"a":2,"ab":{"a":true,"b":null},"z":[3]}"#)
        );
        assert_eq!(
            to_string(&n, true).ok().as_deref(),
            Some("{\n  \"a\": 2,\n  \"ab\": {\n    \"a\": true,\n    \"b\": null\n  },\n  \"z\": [\n    3\n  ]\n}")
        );
    }

    #[test]
    fn map_keys_are_held_as_a_value_holds_them() {
        let n = Node::Map(vec![
            (Key::Int(10), Node::Null),
            (Key::Bool(false), Node::Null),
            (Key::Int(9), Node::Null),
        ]);
        assert_eq!(
            to_string(&n, false).ok().as_deref(),
            Some(r#"{"10":null,"9":null,"false":null}"#)
        );
        assert_eq!(
            to_string(&Node::Map(vec![(Key::Unit, Node::Null)]), false).ok(),
            None
        );
    }
}
