//! The two database engines behind one small query interface: SQLite
//! (rusqlite, the embedded default) and PostgreSQL (the synchronous
//! `postgres` crate, the office's shared register).
//!
//! The store's modules write their SQL once, with `?1`-style placeholders
//! (or bare `?`), in the dialect both engines share (`INSERT … ON CONFLICT
//! … DO UPDATE`, `RETURNING`, `coalesce`). [`Tx`] runs it on either engine:
//! for PostgreSQL the placeholders become `$1` and the values are bound to
//! the column types the server infers. Parameters are borrowed
//! ([`Param`]); rows come back as owned [`Value`]s read with [`Row::get`].
//!
//! This module knows nothing of Actas's tables; schemas and migrations are
//! in `schema` (SQLite) and `schema_pg` (PostgreSQL), connection set-up in
//! the store's `mod.rs` and `pg.rs`. Rusqlite and postgres-types have no
//! common value type, hence the two small enums written here.

use std::error::Error as StdError;

use postgres::types::{IsNull, ToSql, Type};

/// A value bound to a placeholder.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// A value read from a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

macro_rules! param_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Param<'_> {
            fn from(v: $t) -> Self {
                Param::Int(i64::from(v))
            }
        }
        impl From<&$t> for Param<'_> {
            fn from(v: &$t) -> Self {
                Param::Int(i64::from(*v))
            }
        }
        impl From<Option<$t>> for Param<'_> {
            fn from(v: Option<$t>) -> Self {
                v.map_or(Param::Null, |v| Param::Int(i64::from(v)))
            }
        }
        impl From<&Option<$t>> for Param<'_> {
            fn from(v: &Option<$t>) -> Self {
                v.map_or(Param::Null, |v| Param::Int(i64::from(v)))
            }
        }
    )*};
}
param_from_int!(i64, i32, u32);

impl From<f64> for Param<'_> {
    fn from(v: f64) -> Self {
        Param::Real(v)
    }
}
impl From<&Option<f64>> for Param<'_> {
    fn from(v: &Option<f64>) -> Self {
        v.map_or(Param::Null, Param::Real)
    }
}
impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(v)
    }
}
impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(v)
    }
}
impl<'a> From<&'a &str> for Param<'a> {
    fn from(v: &'a &str) -> Self {
        Param::Text(v)
    }
}
impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Param::Null, Param::Text)
    }
}
impl<'a> From<&'a Option<String>> for Param<'a> {
    fn from(v: &'a Option<String>) -> Self {
        v.as_deref().map_or(Param::Null, Param::Text)
    }
}
impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(v: &'a [u8]) -> Self {
        Param::Bytes(v)
    }
}
impl<'a> From<&'a Vec<u8>> for Param<'a> {
    fn from(v: &'a Vec<u8>) -> Self {
        Param::Bytes(v)
    }
}

/// `args![a, b]`: a slice of [`Param`]s.
macro_rules! args {
    ($($v:expr),* $(,)?) => {
        &[$($crate::store::db::Param::from($v)),*][..]
    };
}
pub(crate) use args;

/// A failure of either engine, or a column of an unexpected type.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DbError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", pg_message(.0))]
    Pg(#[from] postgres::Error),
    #[error("la columna {column} no es {expected}")]
    Type {
        column: usize,
        expected: &'static str,
    },
}

/// The server's own message (with its SQLSTATE) rather than "db error".
pub(crate) fn pg_message(err: &postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let mut text = err.to_string();
            let mut source = err.source();
            while let Some(inner) = source {
                text = format!("{text}: {inner}");
                source = inner.source();
            }
            text
        }
    }
}

/// One row, its columns in select order.
#[derive(Debug, Clone)]
pub(crate) struct Row(Vec<Value>);

/// Reading a [`Value`] as a Rust type.
pub(crate) trait FromValue: Sized {
    const EXPECTED: &'static str;
    fn from_value(value: Value) -> Option<Self>;
}

impl FromValue for i64 {
    const EXPECTED: &'static str = "un entero";
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Int(v) => Some(v),
            _ => None,
        }
    }
}
impl FromValue for u32 {
    const EXPECTED: &'static str = "un entero positivo";
    fn from_value(value: Value) -> Option<Self> {
        i64::from_value(value).and_then(|v| u32::try_from(v).ok())
    }
}
impl FromValue for i32 {
    const EXPECTED: &'static str = "un entero";
    fn from_value(value: Value) -> Option<Self> {
        i64::from_value(value).and_then(|v| i32::try_from(v).ok())
    }
}
impl FromValue for f64 {
    const EXPECTED: &'static str = "un número";
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Real(v) => Some(v),
            Value::Int(v) => Some(v as f64),
            _ => None,
        }
    }
}
impl FromValue for String {
    const EXPECTED: &'static str = "un texto";
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Text(v) => Some(v),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    const EXPECTED: &'static str = "binaria";
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Bytes(v) => Some(v),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl Row {
    /// Column `index` as `T`.
    pub(crate) fn get<T: FromValue>(&self, index: usize) -> Result<T, DbError> {
        self.0
            .get(index)
            .cloned()
            .and_then(T::from_value)
            .ok_or(DbError::Type {
                column: index,
                expected: T::EXPECTED,
            })
    }

    /// Column `index` as `T`, taking it out of the row (no copy of large blobs).
    pub(crate) fn take<T: FromValue>(&mut self, index: usize) -> Result<T, DbError> {
        let value = self
            .0
            .get_mut(index)
            .map(|v| std::mem::replace(v, Value::Null));
        value.and_then(T::from_value).ok_or(DbError::Type {
            column: index,
            expected: T::EXPECTED,
        })
    }
}

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// An open transaction on either engine. Dropping it rolls back.
pub(crate) enum Tx<'c> {
    Sqlite(rusqlite::Transaction<'c>),
    Pg(postgres::Transaction<'c>),
}

impl Tx<'_> {
    /// Runs a statement; returns the rows it changed.
    pub(crate) fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        match self {
            Tx::Sqlite(tx) => {
                let mut stmt = tx.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(params.iter()))? as u64)
            }
            Tx::Pg(tx) => {
                let sql = pg_placeholders(sql);
                let refs = pg_params(params);
                Ok(tx.execute(sql.as_str(), &refs)?)
            }
        }
    }

    /// Every row of a query.
    pub(crate) fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, DbError> {
        match self {
            Tx::Sqlite(tx) => {
                let mut stmt = tx.prepare_cached(sql)?;
                let columns = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let mut values = Vec::with_capacity(columns);
                    for i in 0..columns {
                        values.push(sqlite_value(row.get_ref(i)?));
                    }
                    out.push(Row(values));
                }
                Ok(out)
            }
            Tx::Pg(tx) => {
                let sql = pg_placeholders(sql);
                let refs = pg_params(params);
                tx.query(sql.as_str(), &refs)?
                    .iter()
                    .map(pg_row)
                    .collect::<Result<Vec<_>, _>>()
            }
        }
    }

    /// The first row, if any.
    pub(crate) fn query_opt(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, DbError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Exactly the first row (a missing row is an error of the query).
    pub(crate) fn query_one(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Row, DbError> {
        self.query_opt(sql, params)?.ok_or(DbError::Type {
            column: 0,
            expected: "una fila",
        })
    }

    /// The single value of a one-row, one-column query.
    pub(crate) fn scalar<T: FromValue>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<T, DbError> {
        self.query_one(sql, params)?.get(0)
    }

    pub(crate) fn commit(self) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(tx) => Ok(tx.commit()?),
            Tx::Pg(tx) => Ok(tx.commit()?),
        }
    }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Param::Null => ValueRef::Null,
            Param::Int(v) => ValueRef::Integer(v),
            Param::Real(v) => ValueRef::Real(v),
            Param::Text(v) => ValueRef::Text(v.as_bytes()),
            Param::Bytes(v) => ValueRef::Blob(v),
        }))
    }
}

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match *self {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(v) => match *ty {
                Type::INT2 => i16::try_from(v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
                Type::FLOAT8 => (v as f64).to_sql(ty, out),
                Type::BOOL => (v != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => v.to_string().to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Param::Real(v) => match *ty {
                Type::FLOAT4 => (v as f32).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Param::Text(v) => v.to_sql(ty, out),
            Param::Bytes(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn sqlite_value(value: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(v) => Value::Int(v),
        ValueRef::Real(v) => Value::Real(v),
        ValueRef::Text(v) => Value::Text(String::from_utf8_lossy(v).into_owned()),
        ValueRef::Blob(v) => Value::Bytes(v.to_vec()),
    }
}

fn pg_row(row: &postgres::Row) -> Result<Row, DbError> {
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let value = match *column.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Value::Real),
            Type::FLOAT4 => row
                .try_get::<_, Option<f32>>(i)?
                .map(|v| Value::Real(v.into())),
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Bytes),
            _ => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

fn pg_params<'p>(params: &'p [Param<'_>]) -> Vec<&'p (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

/// `?1` → `$1`, and bare `?` → `$n` in order, outside quoted text.
pub(crate) fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut next = 0u32;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' => {
                out.push('$');
                if chars.peek().is_some_and(char::is_ascii_digit) {
                    while let Some(d) = chars.next_if(char::is_ascii_digit) {
                        out.push(d);
                    }
                } else {
                    next += 1;
                    out.push_str(&next.to_string());
                }
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollar_numbers_outside_quotes() {
        assert_eq!(
            pg_placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12 AND d = '?x'"),
            "SELECT a FROM t WHERE b = $1 AND c = $12 AND d = '?x'"
        );
        assert_eq!(
            pg_placeholders("VALUES (?,?,?),(?,?,?)"),
            "VALUES ($1,$2,$3),($4,$5,$6)"
        );
    }

    #[test]
    fn rows_read_typed_values_and_refuse_the_wrong_type() {
        let row = Row(vec![
            Value::Int(3),
            Value::Text("x".into()),
            Value::Null,
            Value::Bytes(vec![1]),
        ]);
        assert_eq!(row.get::<i64>(0).unwrap(), 3);
        assert_eq!(row.get::<u32>(0).unwrap(), 3);
        assert_eq!(row.get::<String>(1).unwrap(), "x");
        assert_eq!(row.get::<Option<String>>(2).unwrap(), None);
        assert_eq!(row.get::<Vec<u8>>(3).unwrap(), vec![1]);
        let err = row.get::<i64>(1).unwrap_err();
        assert_eq!(err.to_string(), "la columna 1 no es un entero");
        assert!(row.get::<String>(9).is_err());
    }
}
