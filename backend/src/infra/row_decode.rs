//! Rows of the local SQLite reads ([`crate::infra::reads`]) decoded into their serde row types
//! by position (issue 13).
//!
//! A row type's fields are the statement's columns in the same order (`SELECT {ROW}` is written
//! beside the struct), so a struct is read as a sequence: field *n* from column *n*, each text
//! copied once into its `String`. The names are still checked, once per statement: a struct
//! whose fields do not line up with the columns is read by column name instead (slower, and
//! the same result). By name was the only way `serde_rusqlite` read structs: per row it matched
//! every column name against the fields, copied every value into an owned `Value` first (an
//! `Option<String>` twice) and allocated the column names per statement, about a third of an
//! invoice row's cost in the invoice list.
//!
//! A tuple takes its elements in order, and a struct inside a tuple takes as many columns as it
//! has fields: `(AccountRow, Option<i64>, i64)` is an account's columns and two more. That is
//! how a row type extends another one without `#[serde(flatten)]`, which serde implements by
//! buffering every column as a name and an owned value before it reads the struct.

use rusqlite::types::ValueRef;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;

/// Why a row could not be decoded.
#[derive(Debug)]
pub enum DecodeError {
    Sqlite(rusqlite::Error),
    /// The row does not have the type's shape (a text where a number belongs, too few columns).
    Shape(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Sqlite(e) => write!(f, "{e}"),
            DecodeError::Shape(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError::Shape(msg.to_string())
    }
}

impl From<rusqlite::Error> for DecodeError {
    fn from(e: rusqlite::Error) -> Self {
        DecodeError::Sqlite(e)
    }
}

impl From<DecodeError> for crate::error::StoreError {
    fn from(e: DecodeError) -> Self {
        match e {
            DecodeError::Sqlite(e) => crate::error::StoreError::Local(e),
            DecodeError::Shape(s) => crate::error::StoreError::Corrupt(s),
        }
    }
}

type Result<T> = std::result::Result<T, DecodeError>;

/// What a statement's first row found out about a struct's fields, for its later rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// Not known yet (before the first row).
    #[default]
    Unknown,
    /// The fields are the columns in order.
    InOrder,
    /// The fields are not: read by name.
    ByName,
}

/// Decodes one row. `layout` is kept by the caller across the rows of one statement.
pub fn from_row<T: de::DeserializeOwned>(
    row: &rusqlite::Row<'_>,
    layout: &Cell<Layout>,
) -> Result<T> {
    let at = Cell::new(0);
    T::deserialize(Cursor {
        row,
        at: &at,
        layout,
        top: true,
    })
}

/// The row read from column `at` on: a struct or tuple takes as many columns as it has
/// fields or elements, anything else one.
struct Cursor<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    at: &'a Cell<usize>,
    layout: &'a Cell<Layout>,
    /// The row itself rather than a part of it (only the whole row can be read by name).
    top: bool,
}

impl<'a, 'r> Cursor<'a, 'r> {
    fn inner(&self) -> Cursor<'a, 'r> {
        Cursor {
            row: self.row,
            at: self.at,
            layout: self.layout,
            top: false,
        }
    }

    /// The next column, consumed.
    fn next_column(&self) -> Column<'a, 'r> {
        let idx = self.at.get();
        self.at.set(idx + 1);
        Column { row: self.row, idx }
    }

    /// Whether `fields` are the columns from here on, in order.
    fn lines_up(&self, fields: &[&str]) -> bool {
        let statement = self.row.as_ref();
        let start = self.at.get();
        start + fields.len() <= statement.column_count()
            && fields
                .iter()
                .enumerate()
                .all(|(i, f)| statement.column_name(start + i).is_ok_and(|c| c == *f))
    }
}

impl<'de> de::Deserializer<'de> for Cursor<'_, '_> {
    type Error = DecodeError;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // The top row's layout is the same for every row of the statement: checked once.
        let in_order = if self.top {
            let known = self.layout.get();
            let in_order = match known {
                Layout::Unknown => self.lines_up(fields),
                _ => known == Layout::InOrder,
            };
            self.layout.set(if in_order {
                Layout::InOrder
            } else {
                Layout::ByName
            });
            in_order
        } else {
            self.lines_up(fields)
        };
        if in_order {
            visitor.visit_seq(Elements {
                cursor: self.inner(),
                left: fields.len(),
            })
        } else if self.top {
            self.deserialize_map(visitor)
        } else {
            Err(DecodeError::Shape(format!(
                "the columns from {} are not the fields of {name}",
                self.at.get()
            )))
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // By name means the whole row: a part of it (a flattened struct in a tuple) cannot be.
        if !self.top {
            return Err(DecodeError::Shape(format!(
                "the columns from {} cannot be read by name",
                self.at.get()
            )));
        }
        visitor.visit_map(ByName {
            row: self.row,
            idx: 0,
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        visitor.visit_seq(Elements {
            cursor: self.inner(),
            left: len,
        })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.next_column().deserialize_option(visitor)
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.next_column().deserialize_any(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.next_column().deserialize_bool(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.next_column().deserialize_unit(visitor)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit_struct seq enum identifier ignored_any
    }
}

/// A struct's fields or a tuple's elements, in column order.
struct Elements<'a, 'r> {
    cursor: Cursor<'a, 'r>,
    left: usize,
}

impl<'de> SeqAccess<'de> for Elements<'_, '_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let at = self.cursor.at.get();
        if at >= self.cursor.row.as_ref().column_count() {
            return Err(DecodeError::Shape(format!("the row has no column {at}")));
        }
        seed.deserialize(self.cursor.inner())
            .map(Some)
            .map_err(|e| in_column(e, self.cursor.row, at))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// The whole row as column name → value.
struct ByName<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    idx: usize,
}

impl<'de> MapAccess<'de> for ByName<'_, '_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let statement = self.row.as_ref();
        if self.idx >= statement.column_count() {
            return Ok(None);
        }
        let name = statement.column_name(self.idx)?;
        seed.deserialize(name.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let idx = self.idx;
        self.idx += 1;
        seed.deserialize(Column { row: self.row, idx })
            .map_err(|e| in_column(e, self.row, idx))
    }
}

/// Names the column in a shape error.
fn in_column(e: DecodeError, row: &rusqlite::Row<'_>, idx: usize) -> DecodeError {
    match e {
        DecodeError::Shape(s) if !s.starts_with("column ") => {
            let name = row.as_ref().column_name(idx).unwrap_or("?");
            DecodeError::Shape(format!("column {name}: {s}"))
        }
        other => other,
    }
}

/// One column's value.
struct Column<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    idx: usize,
}

impl Column<'_, '_> {
    fn value(&self) -> Result<ValueRef<'_>> {
        Ok(self.row.get_ref(self.idx)?)
    }
}

impl<'de> de::Deserializer<'de> for Column<'_, '_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value()? {
            ValueRef::Null => visitor.visit_none(),
            ValueRef::Integer(v) => visitor.visit_i64(v),
            ValueRef::Real(v) => visitor.visit_f64(v),
            ValueRef::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => visitor.visit_str(s),
                Err(e) => Err(DecodeError::Shape(format!("text is not UTF-8: {e}"))),
            },
            ValueRef::Blob(b) => visitor.visit_bytes(b),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value()? {
            ValueRef::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value()? {
            ValueRef::Integer(v) => visitor.visit_bool(v != 0),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value()? {
            ValueRef::Null => visitor.visit_unit(),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Account {
        id: i64,
        name: String,
        note: Option<String>,
    }

    /// The same fields in another order than the columns.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Shuffled {
        note: Option<String>,
        id: i64,
        name: String,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Flattened {
        #[serde(flatten)]
        account: Account,
        total: i64,
    }

    fn db() -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT);
             INSERT INTO t VALUES (1, 'één', NULL), (2, 'twee', 'x');",
        )
        .unwrap();
        conn
    }

    fn rows<T: de::DeserializeOwned>(conn: &rusqlite::Connection, sql: &str) -> (Vec<T>, Layout) {
        let layout = Cell::new(Layout::Unknown);
        let mut statement = conn.prepare(sql).unwrap();
        let mut rows = statement.query([]).unwrap();
        let mut out = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            out.push(from_row(row, &layout).unwrap());
        }
        (out, layout.get())
    }

    fn account(id: i64, name: &str, note: Option<&str>) -> Account {
        Account {
            id,
            name: name.into(),
            note: note.map(Into::into),
        }
    }

    // Fields in column order are read by position; the same columns in another order by name,
    // with the same result; NULL is None and text keeps its accents.
    #[test]
    fn structs_read_by_position_or_by_name_alike() {
        let conn = db();
        let (a, layout) = rows::<Account>(&conn, "SELECT id, name, note FROM t ORDER BY id");
        assert_eq!(layout, Layout::InOrder);
        assert_eq!(a, [account(1, "één", None), account(2, "twee", Some("x"))]);
        let (b, layout) = rows::<Shuffled>(&conn, "SELECT id, name, note FROM t ORDER BY id");
        assert_eq!(layout, Layout::ByName);
        assert_eq!(
            b[1],
            Shuffled {
                note: Some("x".into()),
                id: 2,
                name: "twee".into()
            }
        );
        // A flattened struct (serde asks for a map) reads by name too.
        let (f, _) = rows::<Flattened>(
            &conn,
            "SELECT id, name, note, 7 AS total FROM t ORDER BY id",
        );
        assert_eq!(
            f[0],
            Flattened {
                account: account(1, "één", None),
                total: 7
            }
        );
    }

    // A tuple takes its elements in order, a struct inside it as many columns as its fields;
    // a part of a row is never read by name (that would read the whole row).
    #[test]
    fn a_struct_in_a_tuple_takes_its_own_columns() {
        let conn = db();
        let mut statement = conn
            .prepare("SELECT 'x' AS tag, id, name, note, 7 AS total FROM t")
            .unwrap();
        let mut r = statement.query([]).unwrap();
        let row = r.next().unwrap().unwrap();
        let flattened = from_row::<(String, Flattened)>(row, &Cell::new(Layout::Unknown));
        assert!(flattened.is_err(), "{flattened:?}");
        let (extended, _) = rows::<(Account, Option<i64>, i64)>(
            &conn,
            "SELECT id, name, note, NULL AS seen, id * 10 AS n FROM t ORDER BY id",
        );
        assert_eq!(extended[1], (account(2, "twee", Some("x")), None, 20));
        let (pairs, _) = rows::<(String, i64)>(&conn, "SELECT name, COUNT(*) FROM t GROUP BY name");
        assert_eq!(pairs.len(), 2);
    }

    // A wrong type, a missing column or a nested struct out of line is an error that names
    // the column, never a panic.
    #[test]
    fn a_row_of_another_shape_is_an_error() {
        let conn = db();
        let layout = Cell::new(Layout::Unknown);
        let mut statement = conn.prepare("SELECT name, id, note FROM t").unwrap();
        let mut r = statement.query([]).unwrap();
        let row = r.next().unwrap().unwrap();
        let wrong = from_row::<(i64, i64)>(row, &layout)
            .unwrap_err()
            .to_string();
        assert!(wrong.contains("column name"), "{wrong}");
        assert!(from_row::<(String, i64, Option<String>, i64)>(row, &layout).is_err());
        assert!(from_row::<(i64, Account)>(row, &layout).is_err());
        let by_name = from_row::<Account>(row, &layout);
        assert_eq!(by_name.unwrap(), account(1, "één", None));
        assert_eq!(layout.get(), Layout::ByName);
    }
}
