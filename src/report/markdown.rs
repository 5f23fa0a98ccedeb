//! `report.md`: the report as GitHub-flavoured Markdown, for terminals,
//! e-mails and diffs between weeks. Same order as the HTML: the answer, what
//! to do this week, what changed, the evidence in plain words, then the rest.

use std::fmt::Write;

use crate::findings::{Evidence, Finding, Status};

use super::RenderOptions;
use super::fmt::{self as f, cause_label, severity_label, status_label, thousands};
use super::model::{InputLists, Report};
use super::words;

pub fn render(report: &Report, opts: &RenderOptions) -> Vec<u8> {
    let u = opts.units;
    let mut o = String::new();
    let athlete = if report.athlete.is_empty() {
        "athlete"
    } else {
        report.athlete.as_str()
    };
    let _ = writeln!(o, "# Heavy legs report: {}\n", esc(athlete));
    let _ = writeln!(o, "- {}", esc(&super::plot::period_line(report)));
    let tz = words::timezone(&report.timezone_source);
    if !tz.is_empty() {
        let _ = writeln!(o, "- {}", esc(&tz));
    }
    let i = &report.inputs;
    let _ = writeln!(
        o,
        "- Inputs: {} runs analysed, {} skipped ({} duplicates), {} rejected",
        i.ok, i.skipped, i.duplicates, i.rejected
    );
    if let Some(w) = &report.wellness {
        let _ = writeln!(o, "- {}", esc(&w.line()));
    }
    let _ = writeln!(o, "- Generated: {}\n", report.generated_at);

    // The answer first.
    o.push_str("## The answer\n\n");
    let _ = writeln!(o, "{}\n", esc(&words::answer_lead(report)));
    if let Some(felt) = words::felt_lines(report) {
        for line in felt {
            let _ = writeln!(o, "{}", esc(&line));
        }
        o.push('\n');
    }
    let ranked = words::ranked(report);
    for (n, fd) in ranked.iter().take(words::ANSWER_CAUSES).enumerate() {
        let key = words::key_evidence(fd)
            .map(|e| format!(" {}.", words::evidence(e, report, u)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "{}. **{}** (⚑ {}, {}):{}",
            n + 1,
            esc(&words::capitalised(words::reason(fd.cause))),
            words::likelihood(fd.severity),
            severity_label(fd.severity),
            esc(&key)
        );
    }
    if !ranked.is_empty() {
        o.push('\n');
    }
    if ranked.len() > words::ANSWER_CAUSES {
        let rest: Vec<&str> = ranked[words::ANSWER_CAUSES..]
            .iter()
            .map(|fd| words::reason(fd.cause))
            .collect();
        let _ = writeln!(o, "Also flagged, less likely: {}.\n", esc(&rest.join("; ")));
    }
    if ranked.iter().any(|fd| !fd.advice.is_empty()) {
        o.push_str("## What you can do this week\n\n");
        for fd in ranked.iter().take(words::ANSWER_CAUSES) {
            if !fd.advice.is_empty() {
                let _ = writeln!(o, "- {}", esc(&fd.advice));
            }
        }
        o.push('\n');
    }

    if let Some(ch) = &report.changes {
        let _ = writeln!(
            o,
            "## Since the last report ({})\n",
            esc(&words::changes_date(ch))
        );
        for line in words::changes_lines(ch, u) {
            let _ = writeln!(o, "- {}", esc(&line));
        }
        o.push('\n');
    }

    if !ranked.is_empty() {
        o.push_str("## Why: the evidence\n\n");
        for fd in &ranked {
            finding_section(&mut o, fd, report, opts);
        }
    }

    let clear: Vec<&Finding> = report.with_status(Status::Clear).collect();
    if !clear.is_empty() {
        o.push_str("## Checked and clear\n\n");
        for fd in clear {
            let _ = writeln!(o, "- ✓ **{}**: {}", cause_label(fd.cause), esc(&fd.summary));
        }
        o.push('\n');
    }
    let unknown: Vec<&Finding> = report.with_status(Status::NotAssessable).collect();
    if !unknown.is_empty() {
        o.push_str("## What the data cannot tell\n\n");
        for fd in unknown {
            let _ = write!(o, "- ? **{}**: {}", cause_label(fd.cause), esc(&fd.summary));
            if !fd.advice.is_empty() {
                let _ = write!(o, " {}", esc(&fd.advice));
            }
            o.push('\n');
        }
        o.push('\n');
    }
    if report.findings.is_empty() {
        o.push_str("No findings were computed.\n\n");
    }

    let with_history: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|fd| !fd.history.is_empty())
        .collect();
    if !with_history.is_empty() {
        o.push_str("## Past episodes\n\n");
        for fd in with_history {
            let n = fd.history.len();
            let _ = writeln!(
                o,
                "- **{}**: {} before the period judged now; latest:",
                cause_label(fd.cause),
                if n == 1 {
                    "1 episode".to_owned()
                } else {
                    format!("{n} episodes")
                }
            );
            for ep in fd.history.iter().rev().take(HISTORY_SHOWN) {
                let _ = writeln!(
                    o,
                    "  - {} – {} ({}): {}",
                    words::day(ep.from, report),
                    words::day(ep.to, report),
                    severity_label(ep.severity),
                    esc(&ep.summary)
                );
            }
        }
        o.push('\n');
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
    inputs_lists(&mut o, report);
    o.into_bytes()
}

/// The inputs not analysed ([`InputLists`]).
fn inputs_lists(o: &mut String, report: &Report) {
    if report.rejected.is_empty() && report.skipped.is_empty() {
        return;
    }
    o.push_str("## Inputs not analysed\n\n");
    let lists = InputLists::of(report);
    for list in lists.sections.iter().filter(|l| l.total > 0) {
        let _ = writeln!(o, "{} ({}):\n", list.title, thousands(list.total as u64));
        if let Some(note) = list.note {
            let _ = writeln!(o, "{note}\n");
        }
        for issue in &list.listed {
            let _ = writeln!(o, "- {}: {}", esc(&issue.path), esc(&issue.reason));
        }
        if list.total > list.listed.len() {
            let more = (list.total - list.listed.len()) as u64;
            let _ = writeln!(o, "- … and {} more", thousands(more));
        }
        o.push('\n');
    }
    if lists.cut() {
        o.push_str(
            "Every skipped file, with its reason, is in report.json (`skipped`) and activities.csv.\n\n",
        );
    }
}

/// Past episodes listed per cause in Markdown (the JSON holds all).
const HISTORY_SHOWN: usize = 5;

fn finding_section(o: &mut String, fd: &Finding, report: &Report, opts: &RenderOptions) {
    let _ = writeln!(
        o,
        "### ⚑ {} — {} ({})\n",
        cause_label(fd.cause),
        status_label(fd.status),
        severity_label(fd.severity)
    );
    let _ = writeln!(o, "{}\n", esc(&fd.summary));
    if !fd.evidence.is_empty() {
        for e in fd.evidence.iter().rev() {
            let _ = writeln!(o, "- {}", esc(&words::evidence(e, report, opts.units)));
        }
        o.push('\n');
    }
    if !fd.advice.is_empty() {
        let _ = writeln!(o, "- What to do: {}", esc(&fd.advice));
    }
    if !fd.threshold.is_empty() {
        let _ = writeln!(o, "- Rule: {}", esc(&fd.threshold));
    }
    if !fd.source.is_empty() {
        let _ = writeln!(o, "- Source: {}", esc(&fd.source));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Thousands of copies are counted and cut short; the files skipped for
    /// another reason and every rejected file stay listed.
    #[test]
    fn long_input_lists_are_cut_but_rejected_files_are_all_listed() {
        use crate::report::model::{INPUTS_SHOWN, InputIssue};
        let issue = |path: String, reason: &str| InputIssue {
            path,
            reason: reason.to_owned(),
        };
        let mut report = crate::report::plot::tests::long_report(1);
        report.rejected = (0..30)
            .map(|i| issue(format!("broken-{i:02}.fit"), "not a FIT file"))
            .collect();
        report.skipped = (0..2_500)
            .map(|i| issue(format!("copy-{i:04}.fit"), "duplicate of run.fit"))
            .chain([issue("ride.fit".into(), "not a run: cycling")])
            .collect();
        report.skipped.sort();
        let md = String::from_utf8(render(&report, &RenderOptions::default())).unwrap();
        let html = String::from_utf8(super::super::html::render(
            &report,
            &RenderOptions::default(),
        ))
        .unwrap();
        for text in [&md, &html] {
            assert!(
                text.contains("broken-29.fit"),
                "every rejected file is listed"
            );
            assert!(text.contains("ride.fit"), "the one skipped ride is listed");
            assert_eq!(text.matches("duplicate of run.fit").count(), INPUTS_SHOWN);
            assert!(text.contains("Duplicates (2,500)"));
            assert!(text.contains(&format!(
                "… and {} more",
                thousands(2_500 - INPUTS_SHOWN as u64)
            )));
            assert!(text.contains("activities.csv"));
        }
        assert!(
            md.find("ride.fit") < md.find("copy-0000.fit"),
            "other reasons come first"
        );

        report.skipped.truncate(INPUTS_SHOWN);
        let md = String::from_utf8(render(&report, &RenderOptions::default())).unwrap();
        assert!(!md.contains("more\n") && !md.contains("activities.csv"));
    }

    #[test]
    fn escapes_markdown_and_html_in_text() {
        assert_eq!(esc("a|b <script>_x_\n"), "a\\|b \\<script\\>\\_x\\_ ");
    }
}
