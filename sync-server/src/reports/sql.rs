//! Report SQL is written once, in the dialect both databases share, with `$N` placeholders.
//! Each backend runs it through one small adapter (values in, rows out), so the report code
//! never forks per database.

/// A value crossing into or out of report SQL. Integers are 64-bit on both databases
/// (report columns are `BIGINT`), so there is no width to pick per backend.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl SqlValue {
    pub fn text(&self) -> &str {
        match self {
            SqlValue::Text(s) => s,
            _ => "",
        }
    }

    pub fn opt_text(&self) -> Option<&str> {
        match self {
            SqlValue::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn int(&self) -> i64 {
        match self {
            SqlValue::Int(i) => *i,
            SqlValue::Real(f) => *f as i64,
            SqlValue::Text(s) => s.parse().unwrap_or(0),
            SqlValue::Null | SqlValue::Bytes(_) => 0,
        }
    }
}

impl From<&str> for SqlValue {
    fn from(s: &str) -> Self {
        SqlValue::Text(s.to_string())
    }
}

impl From<String> for SqlValue {
    fn from(s: String) -> Self {
        SqlValue::Text(s)
    }
}

impl From<&String> for SqlValue {
    fn from(s: &String) -> Self {
        SqlValue::Text(s.clone())
    }
}

impl From<Option<String>> for SqlValue {
    fn from(s: Option<String>) -> Self {
        s.map_or(SqlValue::Null, SqlValue::Text)
    }
}

impl From<i64> for SqlValue {
    fn from(i: i64) -> Self {
        SqlValue::Int(i)
    }
}

impl From<bool> for SqlValue {
    fn from(b: bool) -> Self {
        SqlValue::Int(i64::from(b))
    }
}

/// One statement with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

impl Stmt {
    pub fn new(sql: impl Into<String>, params: Vec<SqlValue>) -> Stmt {
        Stmt {
            sql: sql.into(),
            params,
        }
    }
}

pub type Row = Vec<SqlValue>;

/// SQLite numbers parameters `?N`; the shared text uses PostgreSQL's `$N`. Report SQL never
/// contains a literal `$`, so a plain swap is exact.
pub fn for_sqlite(sql: &str) -> String {
    sql.replace('$', "?")
}

/// `$first, $first+1, …` for an `IN (…)` list of `n` values.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

mod sqlite_impl {
    use rusqlite::ToSql;
    use rusqlite::types::{ToSqlOutput, Value, ValueRef};

    use super::SqlValue;

    impl ToSql for SqlValue {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Ok(match self {
                SqlValue::Null => ToSqlOutput::Owned(Value::Null),
                SqlValue::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
                SqlValue::Real(f) => ToSqlOutput::Owned(Value::Real(*f)),
                SqlValue::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
                SqlValue::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            })
        }
    }

    pub fn read(v: ValueRef<'_>) -> SqlValue {
        match v {
            ValueRef::Null | ValueRef::Blob(_) => SqlValue::Null,
            ValueRef::Integer(i) => SqlValue::Int(i),
            ValueRef::Real(f) => SqlValue::Real(f),
            ValueRef::Text(t) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
        }
    }
}

/// Runs report statements on a SQLite connection (inside the caller's transaction).
pub fn sqlite_execute(c: &rusqlite::Connection, stmts: &[Stmt]) -> rusqlite::Result<()> {
    for s in stmts {
        c.prepare_cached(&for_sqlite(&s.sql))?
            .execute(rusqlite::params_from_iter(s.params.iter()))?;
    }
    Ok(())
}

pub fn sqlite_query(c: &rusqlite::Connection, q: &Stmt) -> rusqlite::Result<Vec<Row>> {
    let mut stmt = c.prepare_cached(&for_sqlite(&q.sql))?;
    let n = stmt.column_count();
    let rows = stmt.query_map(rusqlite::params_from_iter(q.params.iter()), |r| {
        (0..n)
            .map(|i| r.get_ref(i).map(sqlite_impl::read))
            .collect::<rusqlite::Result<Row>>()
    })?;
    rows.collect()
}

mod postgres_impl {
    use std::error::Error;

    use bytes::BytesMut;
    use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};

    use super::SqlValue;

    impl ToSql for SqlValue {
        fn to_sql(
            &self,
            ty: &Type,
            out: &mut BytesMut,
        ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
            match self {
                SqlValue::Null => Ok(IsNull::Yes),
                SqlValue::Int(i) => match *ty {
                    Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                    Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                    Type::BOOL => (*i != 0).to_sql(ty, out),
                    Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                    _ => i.to_sql(ty, out),
                },
                SqlValue::Real(f) => f.to_sql(ty, out),
                SqlValue::Text(s) => s.as_str().to_sql(ty, out),
                SqlValue::Bytes(b) => b.as_slice().to_sql(ty, out),
            }
        }

        fn accepts(_ty: &Type) -> bool {
            true
        }

        to_sql_checked!();
    }
}

pub async fn postgres_execute(
    c: &impl deadpool_postgres::GenericClient,
    stmts: &[Stmt],
) -> Result<(), tokio_postgres::Error> {
    for s in stmts {
        let prepared = c.prepare_cached(&s.sql).await?;
        let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = s
            .params
            .iter()
            .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        c.execute(&prepared, &params).await?;
    }
    Ok(())
}

pub async fn postgres_query(
    c: &impl deadpool_postgres::GenericClient,
    q: &Stmt,
) -> Result<Vec<Row>, tokio_postgres::Error> {
    use tokio_postgres::types::Type;
    let prepared = c.prepare_cached(&q.sql).await?;
    let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = q
        .params
        .iter()
        .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
        .collect();
    let mut out = Vec::new();
    for r in c.query(&prepared, &params).await? {
        let mut row = Vec::with_capacity(r.len());
        for (i, col) in r.columns().iter().enumerate() {
            let v = match *col.type_() {
                Type::INT8 => r.try_get::<_, Option<i64>>(i)?.map(SqlValue::Int),
                Type::INT4 => r
                    .try_get::<_, Option<i32>>(i)?
                    .map(|v| SqlValue::Int(v.into())),
                Type::INT2 => r
                    .try_get::<_, Option<i16>>(i)?
                    .map(|v| SqlValue::Int(v.into())),
                Type::BOOL => r
                    .try_get::<_, Option<bool>>(i)?
                    .map(|v| SqlValue::Int(v.into())),
                Type::FLOAT8 => r.try_get::<_, Option<f64>>(i)?.map(SqlValue::Real),
                Type::FLOAT4 => r
                    .try_get::<_, Option<f32>>(i)?
                    .map(|v| SqlValue::Real(v.into())),
                _ => r.try_get::<_, Option<String>>(i)?.map(SqlValue::Text),
            };
            row.push(v.unwrap_or(SqlValue::Null));
        }
        out.push(row);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_translate() {
        assert_eq!(super::placeholders(2, 3), "$2, $3, $4");
        assert_eq!(
            super::for_sqlite("a = $1 AND b IN ($2)"),
            "a = ?1 AND b IN (?2)"
        );
    }
}
