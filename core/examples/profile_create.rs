//! Creates households, then edits them, in loops a profiler can watch:
//! `cargo build --release -p gridkeeper-core --example profile_create`, then
//! `perf record ./target/release/examples/profile_create 3000`.

use gridkeeper_core::{Kind, Store};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let mut s = Store::init(dir.path().join("p.db"), Some("p"))?;
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3000);
    let start = std::time::Instant::now();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let data = json!({
            "address": {"community": "幸福社区", "compound": "幸福里", "building": format!("{}", i % 50), "unit": "1", "room": format!("{}", 100 + i % 40)},
            "members": [{"name": "张伟强", "phone": format!("139{:08}", i), "relation": "head"}, {"name": "王芳", "relation": "spouse"}, {"name": "张娜", "relation": "child"}],
        });
        ids.push(s.create_json(Kind::Household, "grid-1", data)?);
    }
    let created = start.elapsed();
    let start = std::time::Instant::now();
    for (k, id) in ids.iter().cycle().take(n).enumerate() {
        s.patch_json(*id, &json!({"notes": format!("走访 {k}")}))?;
    }
    let updated = start.elapsed();
    println!(
        "create {:?} each, update {:?} each",
        created / n as u32,
        updated / n as u32
    );
    Ok(())
}
