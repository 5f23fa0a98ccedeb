//! The roster's writers: `roster.json`, `roster.csv` and `roster.html`, rows
//! in attention order ([`crate::roster::sort`]).

use std::path::{Path, PathBuf};

use crate::escape::html as esc;
use crate::names::serde_name;
use crate::output::{WriteError, write_atomic};
use crate::roster::{RosterRow, sort};

/// Writes the three roster files into `dir`, each atomically; returns their paths.
pub fn write(dir: &Path, rows: &[RosterRow]) -> Result<Vec<PathBuf>, WriteError> {
    let mut rows = rows.to_vec();
    sort(&mut rows);
    let files = [
        ("roster.json", json(&rows)),
        ("roster.csv", csv(&rows)),
        ("roster.html", html(&rows)),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let p = dir.join(name);
        write_atomic(&p, &bytes)?;
        written.push(p);
    }
    Ok(written)
}

fn json(rows: &[RosterRow]) -> Vec<u8> {
    let mut v =
        serde_json::to_vec_pretty(&serde_json::json!({ "schema_version": 1, "athletes": rows }))
            .expect("roster serializes");
    v.push(b'\n');
    v
}

fn fmt_opt(v: Option<f64>, decimals: usize) -> String {
    v.map(|x| format!("{x:.decimals$}")).unwrap_or_default()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(rows: &[RosterRow]) -> Vec<u8> {
    let mut out = String::from(
        "athlete,max_severity,flagged,week,distance_km,ramp_pct,acwr_rolling,acwr_ewma,runs,rejected,report,stale\n",
    );
    for r in rows {
        let fields = [
            csv_field(&r.athlete),
            serde_name(&r.max_severity).to_string(),
            csv_field(&r.flagged.join(" ")),
            csv_field(r.week.as_deref().unwrap_or("")),
            fmt_opt(r.distance_km, 2),
            fmt_opt(r.ramp_pct, 1),
            fmt_opt(r.acwr_rolling, 2),
            fmt_opt(r.acwr_ewma, 2),
            r.runs.to_string(),
            r.rejected.to_string(),
            csv_field(&r.report),
            csv_field(r.stale.as_deref().unwrap_or("")),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

/// " (stale: why)" after the name when the row is from an earlier run.
fn stale_mark(r: &RosterRow) -> String {
    r.stale
        .as_deref()
        .map(|why| format!(" <small class=stale>(stale: {})</small>", esc(why)))
        .unwrap_or_default()
}

fn html(rows: &[RosterRow]) -> Vec<u8> {
    let mut body = String::new();
    for r in rows {
        let sev = serde_name(&r.max_severity);
        body.push_str(&format!(
            "<tr class=\"sev-{sev}\"><td><a href=\"{href}\">{name}</a>{stale}</td><td>{sev}</td><td>{flags}</td><td>{week}</td><td class=n>{dist}</td><td class=n>{ramp}</td><td class=n>{acwr}</td><td class=n>{runs}</td><td class=n>{rej}</td></tr>\n",
            href = esc(&r.report),
            name = esc(&r.athlete),
            stale = stale_mark(r),
            flags = if r.flagged.is_empty() { "—".into() } else { esc(&r.flagged.join(", ")) },
            week = esc(r.week.as_deref().unwrap_or("—")),
            dist = fmt_opt(r.distance_km, 1),
            ramp = r.ramp_pct.map(|v| format!("{v:+.0} %")).unwrap_or_default(),
            acwr = fmt_opt(r.acwr_rolling, 2),
            runs = r.runs,
            rej = r.rejected,
        ));
    }
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\"><title>heavylegs roster</title><style>\
body{{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem;color:#222}}\
table{{border-collapse:collapse;width:100%;font-size:.95rem}}th,td{{padding:.4rem .5rem;border-bottom:1px solid #ddd;text-align:left}}td.n{{text-align:right;font-variant-numeric:tabular-nums}}\
tr.sev-high td:first-child{{border-left:6px solid #b2182b}}tr.sev-moderate td:first-child{{border-left:6px solid #ef8a62}}tr.sev-low td:first-child{{border-left:6px solid #fddbc7}}tr.sev-none td:first-child{{border-left:6px solid #67a9cf}}\
.wrap{{overflow-x:auto}}</style></head><body><h1>Roster</h1><p>Athletes who need attention first: most severe flagged cause, then number of flags, then acute:chronic ratio.</p>\
<div class=wrap><table><thead><tr><th>Athlete</th><th>Severity</th><th>Flagged causes</th><th>Week</th><th>Distance km</th><th>Ramp</th><th>ACWR</th><th>Runs</th><th>Rejected files</th></tr></thead><tbody>\n{body}</tbody></table></div></body></html>\n"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Severity;

    fn row(name: &str, sev: Severity, flags: &[&str], acwr: Option<f64>) -> RosterRow {
        RosterRow {
            athlete: name.into(),
            flagged: flags.iter().map(|s| s.to_string()).collect(),
            max_severity: sev,
            week: Some("2026-W47".into()),
            distance_km: Some(42.0),
            ramp_pct: Some(12.0),
            acwr_rolling: acwr,
            acwr_ewma: acwr,
            runs: 4,
            rejected: 0,
            report: format!("{name}/report.html"),
            stale: None,
        }
    }

    #[test]
    fn attention_first() {
        let mut rows = vec![
            row("calm", Severity::None, &[], Some(1.0)),
            row("ramp", Severity::High, &["overtraining"], Some(1.7)),
            row(
                "tired",
                Severity::Moderate,
                &["recovery", "form"],
                Some(1.1),
            ),
            row(
                "also-high",
                Severity::High,
                &["overtraining", "recovery"],
                Some(1.2),
            ),
        ];
        sort(&mut rows);
        let order: Vec<_> = rows.iter().map(|r| r.athlete.as_str()).collect();
        assert_eq!(order, ["also-high", "ramp", "tired", "calm"]);
    }

    #[test]
    fn csv_quotes_and_html_escapes() {
        let mut r = row("a,\"b\"", Severity::Low, &["form"], None);
        r.report = "<script>".into();
        let c = String::from_utf8(csv(&[r.clone()])).unwrap();
        assert!(c.contains("\"a,\"\"b\"\"\""), "{c}");
        let h = String::from_utf8(html(&[r])).unwrap();
        assert!(!h.contains("<script>") && h.contains("&lt;script&gt;"));
    }
}
