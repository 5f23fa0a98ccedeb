//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, no
//! network) that reads well on a phone: findings first, then the charts.
//!
//! Every piece of text that comes from a file, a path or a finding goes
//! through [`esc`]; chart SVG comes from plotters, which escapes its text.

use std::fmt::Write;

use crate::findings::{Finding, Status};

use super::RenderOptions;
use super::charts;
use super::fmt::{self as f, cause_id, cause_label, severity_label, status_label};
use super::markdown::evidence_text;
use super::model::Report;

const CSS: &str = r#"
:root{--ink:#1d1d1f;--muted:#5b5b60;--line:#e2e2e6;--bg:#fafafa;--card:#fff;
--flag:#D55E00;--clear:#0072B2;--na:#6b6b70;--soft:#f1f1f4}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:760px;margin:0 auto;padding:16px 14px 40px}
h1{font-size:1.55rem;line-height:1.2;margin:.2em 0 .3em}
h2{font-size:1.2rem;margin:1.8em 0 .6em;padding-bottom:.25em;border-bottom:2px solid var(--line)}
h3{font-size:1.05rem;margin:0 0 .3em}
.meta{color:var(--muted);margin:.1em 0;font-size:.95rem}
.counts{display:flex;flex-wrap:wrap;gap:6px;margin:.6em 0 0;padding:0;list-style:none}
.counts li{background:var(--soft);border-radius:6px;padding:2px 9px;font-size:.9rem}
.verdict{margin:1em 0 0;padding:10px 12px;border-radius:8px;background:var(--card);border:1px solid var(--line)}
.finding{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--na);
border-radius:8px;padding:12px 14px;margin:0 0 12px}
.finding.flagged{border-left-color:var(--flag)}
.finding.clear{border-left-color:var(--clear)}
.badge{display:inline-block;font-size:.78rem;font-weight:600;letter-spacing:.02em;text-transform:uppercase;
border-radius:4px;padding:1px 7px;margin-right:6px;color:#fff;background:var(--na);vertical-align:middle}
.badge.flagged{background:var(--flag)}
.badge.clear{background:var(--clear)}
.sev{font-size:.85rem;color:var(--muted);vertical-align:middle}
.finding p{margin:.35em 0}
.evidence{margin:.4em 0;padding-left:1.1em}
.evidence li{margin:.15em 0}
.place{color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}
dl.rule{margin:.5em 0 0;font-size:.92rem}
dl.rule dt{font-weight:600;color:var(--muted);margin-top:.3em}
dl.rule dd{margin:0}
.clearlist .finding{padding:8px 12px}
figure{margin:0 0 22px;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px}
figure svg{display:block;width:100%;height:auto;max-width:640px;margin:0 auto}
figure svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
figcaption{font-size:.9rem;color:var(--muted);margin-top:6px}
.key{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-.1em;margin:0 .25em 0 .6em}
.key:first-child{margin-left:0}
.nochart{color:var(--muted);font-style:italic}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.88rem;min-width:100%;background:var(--card)}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
td.place{white-space:normal;text-align:left;min-width:12em;overflow-wrap:anywhere}
th{background:var(--soft);font-weight:600}
tr.flagged td:first-child{font-weight:700;color:var(--flag)}
ul.files{padding-left:1.1em}
ul.files li{overflow-wrap:anywhere;margin:.2em 0}
code{font-size:.88em;background:var(--soft);border-radius:3px;padding:0 3px}
footer{margin-top:2.5em;color:var(--muted);font-size:.8rem}
@media (min-width:700px){main{padding:28px 24px 56px}h1{font-size:1.9rem}}
"#;

pub fn render(report: &Report, opts: &RenderOptions) -> Vec<u8> {
    let u = opts.units;
    let mut o = String::with_capacity(64 * 1024);
    let athlete = if report.athlete.is_empty() {
        "athlete"
    } else {
        report.athlete.as_str()
    };
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Heavy legs report – {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(athlete)
    );

    // Header.
    let _ = writeln!(o, "<header>\n<h1>Heavy legs report: {}</h1>", esc(athlete));
    let period = match (report.period.from, report.period.to) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => "no runs".to_owned(),
    };
    let _ = writeln!(
        o,
        "<p class=\"meta\">{} · time zone: {}</p>",
        esc(&period),
        esc(&report.timezone_source)
    );
    let i = &report.inputs;
    let total_km: f64 = report.runs.iter().filter_map(|r| r.distance_km).sum();
    let _ = writeln!(
        o,
        "<ul class=\"counts\"><li>{} runs analysed</li><li>{}</li><li>{} skipped ({} duplicates)</li><li>{} rejected</li></ul>",
        i.ok,
        esc(&f::distance(total_km, u)),
        i.skipped,
        i.duplicates,
        i.rejected
    );
    let flagged: Vec<&Finding> = report.flagged().collect();
    let verdict = if flagged.is_empty() {
        "No heavy-leg pattern was flagged in these runs.".to_owned()
    } else {
        let names: Vec<&str> = flagged.iter().map(|fd| cause_label(fd.cause)).collect();
        format!("Flagged: {}.", names.join(", "))
    };
    let _ = writeln!(
        o,
        "<p class=\"verdict\"><strong>{}</strong></p>\n</header>",
        esc(&verdict)
    );

    // Findings: flagged with evidence, then clear ones compact.
    o.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    for fd in &flagged {
        finding_card(&mut o, fd, opts, true);
    }
    let clear: Vec<&Finding> = report.with_status(Status::Clear).collect();
    if !clear.is_empty() {
        o.push_str("<div class=\"clearlist\">\n");
        for fd in clear {
            finding_card(&mut o, fd, opts, false);
        }
        o.push_str("</div>\n");
    }
    if report.findings.is_empty() {
        o.push_str("<p>No findings were computed.</p>\n");
    }
    o.push_str("</section>\n");

    // Charts.
    o.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    let du = f::distance_unit(u);
    figure(
        &mut o,
        "weekly-distance",
        &format!("Weekly distance ({du})"),
        (!report.weeks.is_empty()).then(|| charts::weekly_distance(report, u)),
        &[
            (charts::BLUE, "week"),
            (charts::VERMILLION, "week named by a flagged finding"),
        ],
        "Labels above bars: change vs the previous week.",
    );
    figure(
        &mut o,
        "acwr",
        "Acute : chronic workload ratio",
        report
            .weeks
            .iter()
            .any(|w| w.acwr_rolling.is_some() || w.acwr_ewma.is_some())
            .then(|| charts::acwr(report)),
        &[
            (charts::BLUE, "rolling 7:28"),
            (charts::ORANGE, "EWMA"),
            (charts::VERMILLION, "1.5 spike line"),
        ],
        "Shaded band: 0.8–1.3. Needs 4 weeks of history.",
    );
    figure(
        &mut o,
        "cadence-speed",
        "Cadence against speed",
        (!report.speed_bins.is_empty()).then(|| charts::cadence_speed(report, u)),
        &[
            (charts::SKY, "speed band of one run"),
            (charts::VERMILLION, "your usual cadence at each speed"),
        ],
        "Dashed line: 170 spm reference. Points below your own line mean shorter, slower steps than usual for that speed.",
    );
    figure(
        &mut o,
        "form-weeks",
        "Cadence and step length by week",
        report
            .weeks
            .iter()
            .any(|w| w.mean_cadence_spm.is_some() || w.step_length_m.is_some())
            .then(|| charts::form_over_weeks(report, u)),
        &[
            (charts::BLUE, "mean cadence"),
            (charts::GREEN, "mean step length"),
        ],
        "",
    );
    figure(
        &mut o,
        "fatigue",
        "Cadence early vs late in each run",
        report
            .runs
            .iter()
            .any(|r| r.cadence_first_third_spm.is_some() && r.cadence_last_third_spm.is_some())
            .then(|| charts::fatigue(report)),
        &[
            (charts::BLUE, "first third"),
            (charts::VERMILLION, "last third (▲)"),
        ],
        "A falling line means cadence dropped as the run went on. Latest 24 runs.",
    );
    if report.runs.iter().any(|r| r.decoupling_pct.is_some()) {
        figure(
            &mut o,
            "decoupling",
            "Aerobic decoupling of long steady runs",
            Some(charts::decoupling(report)),
            &[(charts::BLUE, "≤ 5 %"), (charts::VERMILLION, "> 5 %")],
            "Pace:HR drift from the first to the second half. Dashed lines at 5 % and 10 %.",
        );
    }
    o.push_str("</section>\n");

    weeks_table(&mut o, report, opts);
    runs_table(&mut o, report, opts);
    o.push_str(&super::damage::html(report, esc));
    inputs_lists(&mut o, report);

    let unknown: Vec<&Finding> = report.with_status(Status::NotAssessable).collect();
    if !unknown.is_empty() {
        o.push_str("<section id=\"unknown\">\n<h2>What the data cannot tell</h2>\n");
        for fd in unknown {
            finding_card(&mut o, fd, opts, false);
        }
        o.push_str("</section>\n");
    }

    let _ = writeln!(
        o,
        "<footer>Generated {} by heavylegs · report schema {} · describes patterns in watch data, not a diagnosis.</footer>",
        esc(&report.generated_at),
        report.schema_version
    );
    o.push_str("</main>\n</body>\n</html>\n");
    o.into_bytes()
}

fn finding_card(o: &mut String, fd: &Finding, opts: &RenderOptions, with_evidence: bool) {
    let class = match fd.status {
        Status::Flagged => "flagged",
        Status::Clear => "clear",
        Status::NotAssessable => "na",
    };
    let _ = writeln!(
        o,
        "<article class=\"finding {class}\" id=\"cause-{}\">",
        cause_id(fd.cause)
    );
    let sev = if fd.status == Status::Flagged {
        format!(
            " <span class=\"sev\">severity: {}</span>",
            severity_label(fd.severity)
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        "<h3><span class=\"badge {class}\">{}</span>{}{sev}</h3>",
        status_label(fd.status),
        esc(cause_label(fd.cause))
    );
    let _ = writeln!(o, "<p>{}</p>", esc(&fd.summary));
    if with_evidence && !fd.evidence.is_empty() {
        o.push_str("<ul class=\"evidence\">\n");
        for e in &fd.evidence {
            let (place, what) = evidence_text(e, opts);
            if place.is_empty() {
                let _ = writeln!(o, "<li>{}</li>", esc(&what));
            } else {
                let _ = writeln!(
                    o,
                    "<li><span class=\"place\">{}</span><br>{}</li>",
                    esc(&place),
                    esc(&what)
                );
            }
        }
        o.push_str("</ul>\n");
    }
    let rows: Vec<(&str, &str)> = if with_evidence {
        vec![
            ("Threshold", fd.threshold.as_str()),
            ("Source", fd.source.as_str()),
            ("What to do", fd.advice.as_str()),
        ]
    } else if fd.status == Status::NotAssessable {
        vec![("What would help", fd.advice.as_str())]
    } else {
        vec![]
    };
    let rows: Vec<_> = rows.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    if !rows.is_empty() {
        o.push_str("<dl class=\"rule\">\n");
        for (k, v) in rows {
            let _ = writeln!(o, "<dt>{k}</dt><dd>{}</dd>", esc(v));
        }
        o.push_str("</dl>\n");
    }
    o.push_str("</article>\n");
}

type Chart = Result<String, charts::ChartError>;

fn figure(
    o: &mut String,
    id: &str,
    title: &str,
    chart: Option<Chart>,
    keys: &[(plotters::style::RGBColor, &str)],
    note: &str,
) {
    let _ = writeln!(o, "<figure id=\"chart-{id}\">\n<h3>{}</h3>", esc(title));
    match chart {
        Some(Ok(svg)) => {
            // Inline SVG in HTML needs no namespace; dropping it keeps the page free of URLs.
            let label = format!("role=\"img\" aria-label=\"{}\"", esc(title));
            o.push_str(&svg.replacen("xmlns=\"http://www.w3.org/2000/svg\"", &label, 1));
            o.push('\n');
            o.push_str("<figcaption>");
            for (colour, text) in keys {
                let _ = write!(
                    o,
                    "<span class=\"key\" style=\"background:#{:02X}{:02X}{:02X}\"></span>{}",
                    colour.0,
                    colour.1,
                    colour.2,
                    esc(text)
                );
            }
            if !note.is_empty() {
                let _ = write!(o, "<br>{}", esc(note));
            }
            o.push_str("</figcaption>\n");
        }
        Some(Err(err)) => {
            let _ = writeln!(o, "<p class=\"nochart\">{}</p>", esc(&err.to_string()));
        }
        None => o.push_str("<p class=\"nochart\">Not enough data for this chart.</p>\n"),
    }
    o.push_str("</figure>\n");
}

fn weeks_table(o: &mut String, report: &Report, opts: &RenderOptions) {
    if report.weeks.is_empty() {
        return;
    }
    let u = opts.units;
    o.push_str("<section id=\"weeks\">\n<h2>Weeks</h2>\n<div class=\"scroll\"><table>\n");
    let _ = writeln!(
        o,
        "<thead><tr><th>Week</th><th>Distance ({})</th><th>Runs</th><th>Rest days</th><th>Ramp</th>\
         <th>ACWR rolling</th><th>ACWR EWMA</th><th>Monotony</th><th>Cadence (spm)</th></tr></thead><tbody>",
        f::distance_unit(u)
    );
    for w in &report.weeks {
        let class = if w.flagged { " class=\"flagged\"" } else { "" };
        let _ = writeln!(
            o,
            "<tr{class}><td>{}{}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&w.week),
            if w.flagged { " ⚑" } else { "" },
            f::distance_value(w.distance_km, u),
            w.runs,
            w.rest_days,
            f::opt(w.ramp_pct, |v| format!("{v:+.0} %")),
            f::opt(w.acwr_rolling, |v| format!("{v:.2}")),
            f::opt(w.acwr_ewma, |v| format!("{v:.2}")),
            f::opt(w.monotony, |v| format!("{v:.2}")),
            f::opt(w.mean_cadence_spm, |v| format!("{v:.0}")),
        );
    }
    o.push_str("</tbody></table></div>\n<p class=\"meta\">⚑ week named by a flagged finding.</p>\n</section>\n");
}

/// The latest runs, newest first (the JSON and CSV hold all of them).
const RUNS_SHOWN: usize = 30;

fn runs_table(o: &mut String, report: &Report, opts: &RenderOptions) {
    if report.runs.is_empty() {
        return;
    }
    let u = opts.units;
    let shown = report.runs.len().min(RUNS_SHOWN);
    let _ = writeln!(
        o,
        "<section id=\"runs\">\n<h2>Runs</h2>\n<p class=\"meta\">Latest {shown} of {} runs.</p>\n<div class=\"scroll\"><table>",
        report.runs.len()
    );
    o.push_str(
        "<thead><tr><th>Date</th><th>Distance</th><th>Time</th><th>Pace</th><th>Cadence (spm)</th>\
         <th>Step</th><th>Cadence vs usual</th><th>Decoupling</th><th>Temp.</th><th>File</th></tr></thead><tbody>\n",
    );
    for run in report.runs.iter().rev().take(RUNS_SHOWN) {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"place\">{}</td></tr>",
            run.date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "–".into()),
            esc(&f::opt(run.distance_km, |v| f::distance(v, u))),
            f::opt(run.moving_s, f::duration),
            esc(&f::opt(run.mean_speed_mps, |v| f::pace(v, u))),
            f::opt(run.mean_cadence_spm, |v| format!("{v:.0}")),
            esc(&f::opt(run.step_length_m, |v| f::step_length(v, u))),
            f::opt(run.cadence_residual_spm, |v| format!("{v:+.0}")),
            f::opt(run.decoupling_pct, |v| format!("{v:.1} %")),
            esc(&f::opt(run.temperature_mean_c, |v| f::temperature(v, u))),
            esc(&run.path),
        );
    }
    o.push_str("</tbody></table></div>\n</section>\n");
}

fn inputs_lists(o: &mut String, report: &Report) {
    if report.rejected.is_empty() && report.skipped.is_empty() {
        return;
    }
    o.push_str("<section id=\"inputs\">\n<h2>Inputs not analysed</h2>\n");
    for (title, list) in [("Rejected", &report.rejected), ("Skipped", &report.skipped)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "<h3>{title} ({})</h3>\n<ul class=\"files\">", list.len());
        for issue in list {
            let _ = writeln!(
                o,
                "<li><code>{}</code> — {}</li>",
                esc(&issue.path),
                esc(&issue.reason)
            );
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");
}

/// HTML-escapes text for element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }
}
