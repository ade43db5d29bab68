//! Inline SVG charts, drawn on the server: no JavaScript, and they print.

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Horizontal bars, one per (label, value).
pub fn bars(title: &str, items: &[(String, i64)]) -> String {
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let row = 26;
    let height = 30 + row * items.len().max(1);
    let mut out = format!(
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 600 {height}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title><text x="0" y="16" font-size="14" font-weight="bold">{t}</text>"#,
        t = esc(title)
    );
    for (i, (label, v)) in items.iter().enumerate() {
        let y = 28 + i * row;
        let w = (*v as f64 / max as f64 * 360.0).round();
        out.push_str(&format!(
            r##"<text x="0" y="{ty}" font-size="13">{l}</text><rect x="170" y="{y}" width="{w}" height="18" fill="#2f6fb0"/><text x="{tx}" y="{ty}" font-size="13">{v}</text>"##,
            ty = y + 14,
            l = esc(label),
            tx = 176.0 + w,
        ));
    }
    out.push_str("</svg>");
    out
}

/// A line of rates (0–1) over dates, drawn as percentages.
pub fn line(title: &str, points: &[(String, f64)]) -> String {
    let (w, h, left, top) = (600.0, 220.0, 40.0, 30.0);
    let plot_w = w - left - 10.0;
    let plot_h = h - top - 40.0;
    let mut out = format!(
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title><text x="0" y="16" font-size="14" font-weight="bold">{t}</text>"#,
        t = esc(title)
    );
    for pct in [0, 50, 100] {
        let y = top + plot_h * (1.0 - f64::from(pct) / 100.0);
        out.push_str(&format!(
            r##"<line x1="{left}" x2="{x2}" y1="{y}" y2="{y}" stroke="#ddd"/><text x="0" y="{ty}" font-size="11">{pct}%</text>"##,
            x2 = left + plot_w,
            ty = y + 4.0
        ));
    }
    let n = points.len().max(2) - 1;
    let xy: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            (
                left + plot_w * i as f64 / n as f64,
                top + plot_h * (1.0 - v.clamp(0.0, 1.0)),
            )
        })
        .collect();
    let path: Vec<String> = xy.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    out.push_str(&format!(
        r##"<polyline fill="none" stroke="#2f6fb0" stroke-width="2" points="{}"/>"##,
        path.join(" ")
    ));
    for ((x, y), (label, v)) in xy.iter().zip(points) {
        out.push_str(&format!(
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="#2f6fb0"><title>{l}: {p:.0}%</title></circle>"##,
            l = esc(label),
            p = v * 100.0
        ));
    }
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        out.push_str(&format!(
            r#"<text x="{left}" y="{y}" font-size="11">{a}</text><text x="{x}" y="{y}" font-size="11" text-anchor="end">{b}</text>"#,
            y = h - 10.0,
            x = left + plot_w,
            a = esc(&first.0),
            b = esc(&last.0)
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_are_escaped() {
        let svg = super::bars("<x>", &[("a&b".into(), 3)]);
        assert!(svg.contains("&lt;x&gt;") && svg.contains("a&amp;b"));
        assert!(!svg.contains("<x>"));
    }
}
