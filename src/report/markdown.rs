//! `report.md`: the report as GitHub-flavoured Markdown, for terminals,
//! e-mails and diffs between weeks.

use std::fmt::Write;

use crate::findings::{Evidence, Finding, Status};

use super::RenderOptions;
use super::fmt::{self as f, cause_label, severity_label, status_label};
use super::model::Report;

pub fn render(report: &Report, opts: &RenderOptions) -> Vec<u8> {
    let u = opts.units;
    let mut o = String::new();
    let period = match (report.period.from, report.period.to) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => "no runs".to_owned(),
    };
    let athlete = if report.athlete.is_empty() {
        "athlete"
    } else {
        report.athlete.as_str()
    };
    let _ = writeln!(o, "# Heavy legs report: {}\n", esc(athlete));
    let _ = writeln!(o, "- Period: {period}");
    let _ = writeln!(o, "- Time zone: {}", esc(&report.timezone_source));
    let i = &report.inputs;
    let _ = writeln!(
        o,
        "- Inputs: {} runs analysed, {} skipped ({} duplicates), {} rejected",
        i.ok, i.skipped, i.duplicates, i.rejected
    );
    let _ = writeln!(o, "- Generated: {}\n", report.generated_at);

    o.push_str("## Findings\n\n");
    if report.findings.is_empty() {
        o.push_str("No findings were computed.\n\n");
    } else {
        o.push_str("| Cause | Status | Severity | Summary |\n|---|---|---|---|\n");
        for fd in &report.findings {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                cause_label(fd.cause),
                status_label(fd.status),
                severity_label(fd.severity),
                cell(&fd.summary)
            );
        }
        o.push('\n');
    }
    for fd in report
        .findings
        .iter()
        .filter(|fd| fd.status != Status::NotAssessable)
    {
        finding_section(&mut o, fd, opts);
    }

    o.push_str("## Weeks\n\n");
    if report.weeks.is_empty() {
        o.push_str("No weeks with runs.\n\n");
    } else {
        let _ = writeln!(
            o,
            "| Week | Start | Distance ({}) | Runs | Rest days | Ramp % | ACWR rolling | ACWR EWMA | Monotony |",
            f::distance_unit(u)
        );
        o.push_str("|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
        for w in &report.weeks {
            let mark = if w.flagged { " ⚑" } else { "" };
            let _ = writeln!(
                o,
                "| {}{mark} | {} | {:.1} | {} | {} | {} | {} | {} | {} |",
                w.week,
                w.start,
                f::distance_value(w.distance_km, u),
                w.runs,
                w.rest_days,
                f::opt(w.ramp_pct, |v| format!("{v:+.0}")),
                f::opt(w.acwr_rolling, |v| format!("{v:.2}")),
                f::opt(w.acwr_ewma, |v| format!("{v:.2}")),
                f::opt(w.monotony, |v| format!("{v:.2}")),
            );
        }
        o.push_str("\n⚑ = week named by a flagged finding.\n\n");
    }

    o.push_str(&super::damage::markdown(report, esc));
    if !report.rejected.is_empty() || !report.skipped.is_empty() {
        o.push_str("## Inputs not analysed\n\n");
        for (title, list) in [("Rejected", &report.rejected), ("Skipped", &report.skipped)] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(o, "{title}:\n");
            for issue in list {
                let _ = writeln!(o, "- {}: {}", esc(&issue.path), esc(&issue.reason));
            }
            o.push('\n');
        }
    }

    let unknown: Vec<&Finding> = report.with_status(Status::NotAssessable).collect();
    if !unknown.is_empty() {
        o.push_str("## What the data cannot tell\n\n");
        for fd in unknown {
            let _ = write!(o, "- **{}**: {}", cause_label(fd.cause), esc(&fd.summary));
            if !fd.advice.is_empty() {
                let _ = write!(o, " {}", esc(&fd.advice));
            }
            o.push('\n');
        }
        o.push('\n');
    }
    o.into_bytes()
}

fn finding_section(o: &mut String, fd: &Finding, opts: &RenderOptions) {
    let _ = writeln!(
        o,
        "### {} — {} ({})\n",
        cause_label(fd.cause),
        status_label(fd.status),
        severity_label(fd.severity)
    );
    let _ = writeln!(o, "{}\n", esc(&fd.summary));
    if !fd.evidence.is_empty() {
        o.push_str("Evidence:\n\n");
        for e in &fd.evidence {
            let _ = writeln!(o, "- {}", evidence_line(e, opts));
        }
        o.push('\n');
    }
    if !fd.threshold.is_empty() {
        let _ = writeln!(o, "- Threshold: {}", esc(&fd.threshold));
    }
    if !fd.source.is_empty() {
        let _ = writeln!(o, "- Source: {}", esc(&fd.source));
    }
    if !fd.advice.is_empty() {
        let _ = writeln!(o, "- Advice: {}", esc(&fd.advice));
    }
    o.push('\n');
}

/// `2026-W23 · 2026-06-03 · file.fit: ramp_pct 42 % (limit 30 %) — note`.
pub(crate) fn evidence_text(e: &Evidence, opts: &RenderOptions) -> (String, String) {
    let place: Vec<&str> = [e.week.as_deref(), e.date.as_deref(), e.file.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let mut what = format!(
        "{} {}",
        e.metric,
        f::metric_value(&e.metric, e.value, opts.units)
    );
    if let Some(limit) = e.limit {
        let _ = write!(
            what,
            " (limit {})",
            f::metric_value(&e.metric, limit, opts.units)
        );
    }
    if !e.note.is_empty() {
        let _ = write!(what, " — {}", e.note);
    }
    (place.join(" · "), what)
}

fn evidence_line(e: &Evidence, opts: &RenderOptions) -> String {
    let (place, what) = evidence_text(e, opts);
    if place.is_empty() {
        esc(&what)
    } else {
        format!("{}: {}", esc(&place), esc(&what))
    }
}

/// Escapes text so Markdown shows it literally (file names may hold `*`, `_`, `<`…).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn cell(s: &str) -> String {
    esc(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_and_html_in_text() {
        assert_eq!(esc("a|b <script>_x_\n"), "a\\|b \\<script\\>\\_x\\_ ");
    }
}
