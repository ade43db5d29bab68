//! Store speed at a grid worker's scale: 10,000 households × 3 members (20 grids of 500).
//! `cargo bench -p gridkeeper-core --bench households`; results in BENCHMARKS.md.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use gridkeeper_core::store::Durability;
use gridkeeper_core::{Kind, RecordId, Store};
use serde_json::{Value, json};

const HOUSEHOLDS: usize = 10_000;
const SURNAMES: [&str; 12] = [
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: [&str; 10] = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋"];

fn household(i: usize) -> Value {
    let member = |k: usize| {
        let n = i * 3 + k;
        json!({
            "name": format!("{}{}{}", SURNAMES[n % 12], GIVEN[(n / 12) % 10], GIVEN[(n / 120) % 10]),
            "phone": format!("139{:08}", n),
            "relation": if k == 0 { "head" } else { "child" },
        })
    };
    json!({
        "address": {"community": "幸福社区", "compound": format!("幸福里{}期", i % 5), "building": format!("{}", i / 40 % 50), "unit": format!("{}", i % 4 + 1), "room": format!("{}", 100 + i % 40)},
        "housing_type": "owner_occupied",
        "members": [member(0), member(1), member(2)],
    })
}

fn populated(path: &Path) -> Vec<RecordId> {
    let mut s = Store::init(path, Some("bench")).unwrap_or_else(|e| panic!("{e}"));
    drop(s);
    // Bulk set-up without an fsync per record; measurements below reopen with full durability.
    s = Store::open_with(path, Durability::Normal).unwrap_or_else(|e| panic!("{e}"));
    (0..HOUSEHOLDS)
        .map(|i| {
            s.create_json(Kind::Household, &format!("grid-{}", i % 20), household(i))
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("bench.db");
    let ids = populated(&path);

    // The floor for one durable write here: a transaction inserting one household-sized blob
    // into a WAL database with synchronous=FULL, nothing else. Ratios in BENCHMARKS.md are
    // against this, measured in the same run.
    {
        let floor = rusqlite::Connection::open(dir.path().join("floor.db"))
            .unwrap_or_else(|e| panic!("{e}"));
        floor
            .pragma_update(None, "journal_mode", "WAL")
            .unwrap_or_else(|e| panic!("{e}"));
        floor
            .pragma_update(None, "synchronous", "FULL")
            .unwrap_or_else(|e| panic!("{e}"));
        floor
            .execute(
                "CREATE TABLE docs (id INTEGER PRIMARY KEY, doc BLOB NOT NULL)",
                [],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let bytes = vec![7u8; 1200];
        c.bench_function("floor: one durable 1.2 KB insert", |b| {
            b.iter(|| {
                floor
                    .execute("INSERT INTO docs (doc) VALUES (?1)", [&bytes])
                    .unwrap_or_else(|e| panic!("{e}"));
            })
        });
    }

    c.bench_function("open store (10k households)", |b| {
        b.iter(|| black_box(Store::open(&path).unwrap_or_else(|e| panic!("{e}"))))
    });

    for (label, durability) in [("full", Durability::Full), ("normal", Durability::Normal)] {
        let mut s = Store::open_with(&path, durability).unwrap_or_else(|e| panic!("{e}"));
        let mut i = HOUSEHOLDS;
        c.bench_function(&format!("create household, durability={label}"), |b| {
            b.iter(|| {
                i += 1;
                black_box(
                    s.create_json(Kind::Household, "grid-bench", household(i))
                        .unwrap_or_else(|e| panic!("{e}")),
                )
            })
        });
        let mut n = 0u64;
        c.bench_function(
            &format!("update household notes, durability={label}"),
            |b| {
                b.iter(|| {
                    n += 1;
                    let id = ids[(n as usize * 7919) % ids.len()];
                    black_box(
                        s.patch_json(id, &json!({"notes": format!("走访 {n}")}))
                            .unwrap_or_else(|e| panic!("{e}")),
                    )
                })
            },
        );
    }

    bootstrap(c, &path);

    let mut s = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut n = 0usize;
    c.bench_function("get household (masked JSON)", |b| {
        b.iter(|| {
            n += 1;
            black_box(
                s.get_json(ids[(n * 7919) % ids.len()], false)
                    .unwrap_or_else(|e| panic!("{e}")),
            )
        })
    });
    c.bench_function("list one grid (500 households)", |b| {
        b.iter(|| {
            black_box(
                s.list_json(Kind::Household, Some("grid-3"), None, false)
                    .unwrap_or_else(|e| panic!("{e}")),
            )
        })
    });
    for q in ["张伟", "zwf", "zhangw", "幸福里3期", "00012345"] {
        c.bench_function(&format!("search '{q}' (10k households)"), |b| {
            b.iter(|| {
                black_box(
                    s.search(q, None, None, 50)
                        .unwrap_or_else(|e| panic!("{e}")),
                )
            })
        });
    }
}

/// A fresh device taking 10,000 households from snapshots, against the cost of merely loading
/// every document (what per-document bootstrap would at least pay), in the same run.
fn bootstrap(c: &mut Criterion, path: &Path) {
    let mut source = Store::open(path).unwrap_or_else(|e| panic!("{e}"));
    let snapshots = source.snapshots().unwrap_or_else(|e| panic!("{e}"));
    let snapshots: Vec<_> = snapshots.into_iter().take(HOUSEHOLDS).collect();
    let mut group = c.benchmark_group("bootstrap 10k households");
    group.sample_size(10);
    group.bench_function("ingest snapshots into a fresh store (FULL)", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
                let store = Store::init(dir.path().join("fresh.db"), None)
                    .unwrap_or_else(|e| panic!("{e}"));
                // The pages are handed over, as a sync reply's are; copying them is setup.
                let pages: Vec<Vec<_>> = snapshots.chunks(1000).map(<[_]>::to_vec).collect();
                (dir, store, pages)
            },
            |(dir, mut store, pages)| {
                for page in pages {
                    black_box(
                        store
                            .ingest_snapshots(page)
                            .unwrap_or_else(|e| panic!("{e}")),
                    );
                }
                drop(store);
                drop(dir);
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.bench_function("baseline: load every document", |b| {
        b.iter(|| {
            for snap in &snapshots {
                black_box(
                    automerge::AutoCommit::load(&snap.saved).unwrap_or_else(|e| panic!("{e}")),
                );
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
