//! What the compare bench runs inside the `phone` process, so that a CPU limit standing in
//! for a low-end phone applies to it: each screen's work on a store a bootstrap filled, and
//! the usable floor (the rows that bootstrap wrote, inserted again with nothing else to do).

use std::time::{Duration, Instant};

use gridkeeper_app::Lang;
use gridkeeper_app::household_detail::{HouseholdDetail, HouseholdDetailEvent};
use gridkeeper_app::households::{Households, HouseholdsEvent};
use gridkeeper_app::search::{Search, SearchEvent};
use gridkeeper_app::today::{Today, TodayEvent};
use gridkeeper_core::kinds::Household;
use gridkeeper_core::{Kind, Store};
use rusqlite::types::Value as Sql;
use serde_json::{Value, json};

pub type Error = Box<dyn std::error::Error>;

/// Each screen's work is timed this many times; the median is reported.
const ROUNDS: usize = 9;

/// The search queries: two characters every household's head shares (the name-piece index,
/// matching hundreds of rows) and their pinyin initials (the key index, as many rows) — the
/// most a one- or two-letter query can match on the bench's data.
pub const SEARCH_HANZI: &str = "住户";
pub const SEARCH_PINYIN: &str = "zh";

fn median_ms(mut f: impl FnMut() -> Result<(), Error>) -> Result<f64, Error> {
    let mut times = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok(ms(times[ROUNDS / 2]))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Times the screens a worker opens first on `grid`, through the app core as the phones call
/// it (screen, event, view model back): open the store, create a household of five members,
/// search in 汉字 and in pinyin initials, today's agenda, the household list, and a household
/// of five members with its visits.
pub fn screens(path: &str, grid: &str) -> Result<Value, Error> {
    let t = Instant::now();
    let mut store = Store::open(path)?;
    let open_ms = ms(t.elapsed());

    let mut n = 0;
    let create_ms = median_ms(|| {
        n += 1;
        let members: Vec<Value> = (0..5)
            .map(|m| json!({"name": format!("新住户{n}-{m}"), "phone": format!("1380000{n:02}{m:02}")}))
            .collect();
        store.create_json(
            Kind::Household,
            grid,
            json!({"address": {"compound": "新村", "building": "1", "room": format!("{n}")}, "members": members}),
        )?;
        Ok(())
    })?;

    let search = |store: &Store, q: &str| {
        let mut screen = Search::new(Some(grid.to_string()), Lang::Zh);
        median_ms(|| {
            screen.update(store, SearchEvent::Query(q.to_string()));
            Ok(())
        })
    };
    let search_hanzi_ms = search(&store, SEARCH_HANZI)?;
    let search_pinyin_ms = search(&store, SEARCH_PINYIN)?;

    let mut today = Today::new(Some(grid.to_string()), Lang::Zh);
    let now = chrono::Utc::now().timestamp();
    let agenda_ms = median_ms(|| {
        today.update(&mut store, TodayEvent::Refresh { at: now });
        Ok(())
    })?;

    let mut list = Households::new(Some(grid.to_string()), Lang::Zh);
    let list_ms = median_ms(|| {
        list.update(&store, HouseholdsEvent::Load);
        Ok(())
    })?;

    // A household of five members the bootstrap brought, with its visits; the grid of
    // 10,000 records has none, so there it is one created above (no visits).
    let mut five = None;
    for id in store.record_ids(Some(Kind::Household))? {
        if store.get::<Household>(id)?.data.members.len() == 5 {
            let visited = store.visits_of(&id.to_string(), 1, 0)?.1 > 0;
            five = Some(id);
            if visited {
                break;
            }
        }
    }
    let five = five.ok_or("no household of five members")?;
    let household_ms = median_ms(|| {
        let mut screen = HouseholdDetail::new(five, Lang::Zh);
        screen.update(&mut store, HouseholdDetailEvent::Load);
        if screen.view().error.is_some() {
            return Err(format!("household {five}: {:?}", screen.view().error).into());
        }
        Ok(())
    })?;

    Ok(json!({
        "open_ms": open_ms,
        "create_ms": create_ms,
        "search_hanzi_ms": search_hanzi_ms,
        "search_pinyin_ms": search_pinyin_ms,
        "agenda_ms": agenda_ms,
        "list_ms": list_ms,
        "household_ms": household_ms,
    }))
}

/// Which part of a bootstrap a table's rows belong to, as `IngestTimes` splits it.
fn part(table: &str) -> usize {
    match table {
        "records" => 0,
        "search_text" | "search_keys" | "search_grams" => 2,
        _ => 1,
    }
}

/// The rows of one table, as read from a bootstrapped store.
struct Rows {
    table: String,
    insert: String,
    rows: Vec<Vec<Sql>>,
}

/// The floor a usable store cannot go below: every row `from`'s bootstrap wrote for its
/// records — the documents, the kinds' projection rows, the search rows (full text, pinyin
/// keys, name pieces) — read out first (untimed), then inserted in one transaction into a
/// fresh store made by core's own schema, with the store's journal and sync settings. What
/// this leaves out is all a bootstrap does besides storing: the network, decoding, checking,
/// computing the rows.
pub fn usable_floor(from: &str, to: &str) -> Result<Value, Error> {
    let src = rusqlite::Connection::open(from)?;
    // Tables holding rows of records: the documents, and every table keyed by a record
    // (`record_id`) or by a record's rowid (`rec`, the search tables); the full-text table by
    // its rowid. The FTS5 shadow tables are written by SQLite from `search_text`'s rows.
    let tables: Vec<String> = src
        .prepare(
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
               AND m.name NOT LIKE 'search_text_%'
               AND (m.name IN ('records', 'search_text')
                    OR EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name IN ('record_id', 'rec')))",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut all = Vec::new();
    for table in tables {
        let columns: Vec<String> = if table == "search_text" {
            ["title", "names", "other"].map(String::from).to_vec()
        } else {
            src.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        // The rowid of records and search_text ties the search rows to their record.
        let with_rowid = matches!(table.as_str(), "records" | "search_text");
        let names: Vec<String> = with_rowid
            .then(|| "rowid".to_string())
            .into_iter()
            .chain(columns)
            .collect();
        let mut stmt = src.prepare(&format!("SELECT {} FROM {table}", names.join(", ")))?;
        let rows = stmt
            .query_map([], |r| {
                (0..names.len())
                    .map(|i| r.get::<_, Sql>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if rows.is_empty() {
            continue;
        }
        let marks = (1..=names.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>();
        all.push(Rows {
            insert: format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                names.join(", "),
                marks.join(", ")
            ),
            table,
            rows,
        });
    }
    drop(src);
    all.sort_by_key(|r| part(&r.table));
    let records: usize = all
        .iter()
        .filter(|r| r.table == "records")
        .map(|r| r.rows.len())
        .sum();
    let count: usize = all.iter().map(|r| r.rows.len()).sum();

    drop(Store::init(to, Some("floor"))?);
    // Opening the store once sets its pragmas (WAL, synchronous=FULL as the phone runs) on the
    // file; the connection below sets them again, since synchronous is per connection.
    drop(Store::open(to)?);
    let mut conn = rusqlite::Connection::open(to)?;
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")?;
    let started = Instant::now();
    let tx = conn.transaction()?;
    let mut parts = [Duration::ZERO; 3];
    for rows in &all {
        let t = Instant::now();
        let mut stmt = tx.prepare(&rows.insert)?;
        for row in &rows.rows {
            stmt.execute(rusqlite::params_from_iter(row))?;
        }
        parts[part(&rows.table)] += t.elapsed();
    }
    let committing = Instant::now();
    tx.commit()?;
    let commit = committing.elapsed();
    Ok(json!({
        "elapsed_ms": ms(started.elapsed()),
        "records": records,
        "rows": count,
        "documents_ms": ms(parts[0]),
        "projection_ms": ms(parts[1]),
        "search_ms": ms(parts[2]),
        "commit_ms": ms(commit),
    }))
}
