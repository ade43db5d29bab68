//! Creates households in a loop so a profiler can see where a create spends its time:
//! `cargo build --release -p gridkeeper-core --example profile_create` then run under perf.

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
    for i in 0..n {
        let data = json!({
            "address": {"community": "幸福社区", "compound": "幸福里", "building": format!("{}", i % 50), "unit": "1", "room": format!("{}", 100 + i % 40)},
            "members": [{"name": "张伟强", "phone": format!("139{:08}", i), "relation": "head"}, {"name": "王芳", "relation": "spouse"}, {"name": "张娜", "relation": "child"}],
        });
        s.create_json(Kind::Household, "grid-1", data)?;
    }
    println!(
        "{n} households in {:?} ({:?} each)",
        start.elapsed(),
        start.elapsed() / n as u32
    );
    Ok(())
}
