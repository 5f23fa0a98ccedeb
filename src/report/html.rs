//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, no
//! network, a strict Content-Security-Policy) that reads well on a phone and
//! uses two columns on a wide screen: the answer first (the likeliest reasons
//! with their key number and chart, then what to do this week), the evidence
//! in plain words beside a chart per flagged verdict, the clear and
//! not-assessable causes compact, then past episodes, more charts and tables.
//!
//! Every piece of text that comes from a file, a path or a finding goes
//! through [`esc`]; chart SVG comes from plotters, which escapes its text.

use std::fmt::Write;

use std::collections::BTreeSet;

use crate::findings::{Cause, Finding, Status};

use super::RenderOptions;
use super::fmt::{self as f, cause_id, cause_label, severity_label, status_label, thousands};
use super::markdown::evidence_text;
use super::model::{InputLists, Report, WeekRow};
use super::{charts, plot, words};

const CSS: &str = r#"
:root{--ink:#1d1d1f;--muted:#55555a;--line:#dcdce2;--bg:#f6f6f8;--card:#fff;
--flag:#D55E00;--clear:#0072B2;--na:#6b6b70;--soft:#eeeef2;--accent:#0072B2}
@media (prefers-color-scheme:dark){:root{--ink:#ececf0;--muted:#a9a9b2;--line:#3b3b42;
--bg:#121214;--card:#1d1d21;--soft:#2a2a30;--flag:#F07A3A;--clear:#56B4E9;--na:#9a9aa2;--accent:#56B4E9}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:14px 14px 40px}
a{color:var(--accent)}
h1{font-size:1.45rem;line-height:1.2;margin:.2em 0 .25em}
h2{font-size:1.2rem;margin:1.6em 0 .6em;padding-bottom:.25em;border-bottom:2px solid var(--line)}
h3{font-size:1.05rem;margin:0 0 .3em}
.meta{color:var(--muted);margin:.1em 0;font-size:.92rem}
.counts{display:flex;flex-wrap:wrap;gap:6px;margin:.5em 0 0;padding:0;list-style:none}
.counts li{background:var(--soft);border-radius:6px;padding:1px 8px;font-size:.85rem}
.answer{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--flag);border-radius:10px;
padding:12px 14px;margin:12px 0 0}
.answer.none{border-left-color:var(--clear)}
.answer .lead{font-size:1.1rem;font-weight:600;margin:0 0 .4em}
.reasons{margin:.3em 0 .6em;padding-left:1.3em}
.reasons li{margin:.35em 0}
.answer h2{font-size:1.05rem;margin:.9em 0 .3em;border:0;padding:0}
.todo{margin:.2em 0;padding-left:1.2em}
.todo li{margin:.25em 0}
.answer figure{margin:10px 0 0}
.changes{background:var(--soft);border-radius:8px;padding:8px 12px;margin:12px 0 0}
.changes h2{font-size:1rem;margin:0 0 .2em;border:0;padding:0}
.changes ul{margin:.2em 0;padding-left:1.2em}
.finding{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--na);
border-radius:8px;padding:12px 14px;margin:0 0 14px;break-inside:avoid;page-break-inside:avoid}
.finding.flagged{border-left-color:var(--flag)}
.finding.clear{border-left-color:var(--clear)}
.badge{display:inline-block;font-size:.78rem;font-weight:700;letter-spacing:.02em;text-transform:uppercase;
border-radius:4px;padding:1px 7px;margin-right:6px;color:#fff;background:var(--na);vertical-align:middle}
.badge.flagged{background:#B34700}
.badge.clear{background:#005A8C}
.badge.na{background:#5b5b60}
.sev{font-size:.85rem;color:var(--muted);vertical-align:middle}
.finding p{margin:.35em 0}
.evidence{margin:.4em 0;padding-left:1.1em}
.evidence li{margin:.25em 0}
details{font-size:.85rem;color:var(--muted)}
details summary{cursor:pointer}
details code{white-space:normal;overflow-wrap:anywhere}
.place{color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}
dl.rule{margin:.4em 0 0;font-size:.9rem}
dl.rule dt{font-weight:600;color:var(--muted);margin-top:.3em}
dl.rule dd{margin:0;overflow-wrap:anywhere}
.compact{list-style:none;padding:0;margin:0}
.compact li{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:7px 11px;margin:0 0 8px;
break-inside:avoid}
.compact .icon{font-weight:700;margin-right:.3em}
.compact .advice{color:var(--muted);font-size:.92rem}
figure{margin:0 0 18px;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px;
break-inside:avoid;page-break-inside:avoid;min-width:0}
.finding figure{margin:8px 0 0;border:0;padding:0}
figure h3{font-size:.98rem}
figure svg{display:block;width:100%;height:auto;max-width:640px;margin:0 auto}
figure svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
svg.chart text{fill:currentColor}
svg.chart .grid{stroke:var(--line);stroke-width:1}
svg.chart .axis{stroke:var(--muted);stroke-width:1}
svg.chart .ref{stroke:var(--muted);stroke-width:1.5;stroke-dasharray:6 4}
svg.chart .limit{stroke:var(--ink);stroke-width:1.5;stroke-dasharray:6 4}
svg.chart .fit{stroke:var(--ink);stroke-width:2.5}
svg.chart .window{fill:var(--soft)}
figure.legacy{background:#fff;color:#222}
figcaption{font-size:.88rem;color:var(--muted);margin-top:6px}
figure.legacy figcaption{color:#444}
.key{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-.1em;margin:0 .25em 0 .6em}
.key:first-child{margin-left:0}
.nochart{color:var(--muted);font-style:italic}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.86rem;min-width:100%;background:var(--card)}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
td.place{white-space:normal;text-align:left;min-width:12em;overflow-wrap:anywhere}
th{background:var(--soft);font-weight:600}
tr.flagged td:first-child{font-weight:700;color:var(--flag)}
ul.files{padding-left:1.1em}
ul.files li{overflow-wrap:anywhere;margin:.2em 0}
code{font-size:.88em;background:var(--soft);border-radius:3px;padding:0 3px}
footer{margin-top:2.5em;color:var(--muted);font-size:.8rem}
.grid2{display:grid;grid-template-columns:minmax(0,1fr);gap:0 18px}
@media (min-width:700px){main{padding:24px 24px 56px}h1{font-size:1.8rem}}
@media (min-width:980px){
.grid2{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}
.finding.flagged{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:0 22px;align-items:start}
.finding.flagged figure{margin:0}
.answer{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:0 24px;align-items:start}
.answer figure{margin:0}}
@media print{:root{--ink:#000;--muted:#333;--bg:#fff;--card:#fff;--soft:#eee;--line:#bbb}
body{font-size:11pt}main{max-width:none;padding:0}
.finding,figure,.compact li,.answer,table{break-inside:avoid;page-break-inside:avoid}
h2,h3{break-after:avoid;page-break-after:avoid}
details{display:none}.scroll{overflow:visible}}
"#;

/// No request may leave the page: styles inline, no scripts, images only as data.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

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
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>Heavy legs report – {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(athlete)
    );

    // Header: who, when, from what.
    let _ = writeln!(o, "<header>\n<h1>Heavy legs report: {}</h1>", esc(athlete));
    let _ = writeln!(
        o,
        "<p class=\"meta\">{}</p>",
        esc(&plot::period_line(report))
    );
    let tz = words::timezone(&report.timezone_source);
    if !tz.is_empty() {
        let _ = writeln!(o, "<p class=\"meta\">{}.</p>", esc(&tz));
    }
    let i = &report.inputs;
    // `+ 0.0`: an empty f64 sum is -0.0.
    let total_km: f64 = report
        .runs
        .iter()
        .filter_map(|r| r.distance_km)
        .sum::<f64>()
        + 0.0;
    let _ = writeln!(
        o,
        "<ul class=\"counts\"><li>{} runs analysed</li><li>{}</li><li>{} skipped ({} duplicates)</li><li>{} rejected</li></ul>",
        i.ok,
        esc(&f::distance(total_km, u)),
        i.skipped,
        i.duplicates,
        i.rejected
    );
    if let Some(w) = &report.wellness {
        let _ = writeln!(o, "<p class=\"wellness\">{}</p>", esc(&w.line()));
    }
    o.push_str("</header>\n");

    answer(&mut o, report, opts);
    changes_section(&mut o, report, opts);

    // Why: each flagged verdict with its evidence in words and its chart.
    let flagged = words::ranked(report);
    if !flagged.is_empty() {
        o.push_str("<section id=\"why\">\n<h2>Why: the evidence</h2>\n");
        for fd in &flagged {
            flagged_card(&mut o, fd, report, opts);
        }
        o.push_str("</section>\n");
    }

    // Clear and not-assessable causes, compact.
    let clear: Vec<&Finding> = report.with_status(Status::Clear).collect();
    let unknown: Vec<&Finding> = report.with_status(Status::NotAssessable).collect();
    if !clear.is_empty() || !unknown.is_empty() {
        o.push_str("<div class=\"grid2\">\n");
        if !clear.is_empty() {
            o.push_str(
                "<section id=\"clear\">\n<h2>Checked and clear</h2>\n<ul class=\"compact\">\n",
            );
            for fd in clear {
                let _ = writeln!(
                    o,
                    "<li class=\"clear\" id=\"cause-{}\"><span class=\"icon\" aria-hidden=\"true\">✓</span><strong>{}</strong> <span class=\"badge clear\">clear</span><br>{}</li>",
                    cause_id(fd.cause),
                    esc(cause_label(fd.cause)),
                    esc(&fd.summary)
                );
            }
            o.push_str("</ul>\n</section>\n");
        }
        if !unknown.is_empty() {
            o.push_str("<section id=\"unknown\">\n<h2>What the data cannot tell</h2>\n<ul class=\"compact\">\n");
            for fd in unknown {
                let _ = write!(
                    o,
                    "<li class=\"na\" id=\"cause-{}\"><span class=\"icon\" aria-hidden=\"true\">?</span><strong>{}</strong> <span class=\"badge na\">{}</span><br>{}",
                    cause_id(fd.cause),
                    esc(cause_label(fd.cause)),
                    status_label(fd.status),
                    esc(&fd.summary)
                );
                if !fd.advice.is_empty() {
                    let _ = write!(o, " <span class=\"advice\">{}</span>", esc(&fd.advice));
                }
                o.push_str("</li>\n");
            }
            o.push_str("</ul>\n</section>\n");
        }
        o.push_str("</div>\n");
    }
    if report.findings.is_empty() {
        o.push_str("<p>No findings were computed.</p>\n");
    }

    if let Some(svg) = plot::timeline(report) {
        o.push_str("<section id=\"history\">\n<h2>Past episodes</h2>\n");
        let _ = writeln!(
            o,
            "<figure id=\"chart-history\">\n{svg}\n<figcaption>Each bar is an earlier stretch when a cause's pattern showed; the shaded band is the period judged now. Taller bars are more severe ({}).</figcaption>\n</figure>\n</section>",
            legend(&[
                (plot::VERMILLION, "high"),
                (plot::ORANGE, "moderate"),
                (plot::SKY, "low")
            ])
        );
    }

    // The remaining charts.
    o.push_str("<section id=\"charts\">\n<h2>More charts</h2>\n<div class=\"grid2\">\n");
    let du = f::distance_unit(u);
    // A long history is drawn by month (`plot::load_bars`): the title says so.
    let (title, bar, marked, caption) = if charts::monthly(report) {
        (
            format!("Distance by month ({du})"),
            "month",
            "▼ month with a week named by a flagged finding",
            "One bar per month: the history is too long for a bar per week. Shaded: the weeks the verdicts judge.",
        )
    } else {
        (
            format!("Weekly distance ({du})"),
            "week",
            "▼ week named by a flagged finding",
            "Labels above bars: change on the week before, where they fit. Shaded: the weeks the verdicts judge.",
        )
    };
    svg_figure(
        &mut o,
        "weekly-distance",
        &title,
        plot::load_bars(report, u, &|w: &WeekRow| w.flagged, "Weekly distance"),
        &[(plot::BLUE, bar), (plot::VERMILLION, marked)],
        caption,
    );
    let (keys, note) = cadence_speed_keys(report, false);
    svg_figure(
        &mut o,
        "cadence-speed",
        "Cadence against speed",
        plot::cadence_speed(report, u, &[]),
        &keys,
        note,
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
        if charts::monthly(report) {
            "This week's load divided by the average week of the four before. Shaded band: 0.8–1.3. Needs 4 weeks of history. Past about a year each point is a month's highest week."
        } else {
            "This week's load divided by the average week of the four before. Shaded band: 0.8–1.3. Needs 4 weeks of history."
        },
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
        if charts::monthly(report) {
            "Past about a year each point is a month: the mean of its weeks."
        } else {
            ""
        },
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
    o.push_str("</div>\n</section>\n");

    weeks_table(&mut o, report, opts);
    runs_table(&mut o, report, opts);
    o.push_str(&super::damage::html(report, esc));
    inputs_lists(&mut o, report);

    let _ = writeln!(
        o,
        "<footer>Generated {} by heavylegs · report schema {} · describes patterns in watch data, not a diagnosis.</footer>",
        esc(&report.generated_at),
        report.schema_version
    );
    o.push_str("</main>\n</body>\n</html>\n");
    o.into_bytes()
}

/// A cause's chart (none without enough data), its legend keys and its note.
type CauseChart = (
    Option<String>,
    Vec<(&'static str, &'static str)>,
    &'static str,
);

/// The chart that shows a flagged cause best.
fn cause_chart(fd: &Finding, report: &Report, u: crate::report::Units) -> CauseChart {
    match fd.cause {
        Cause::Sleep if report.wellness.is_some() => {
            let limit = fd
                .evidence
                .iter()
                .find(|e| e.metric == "sleep_mean_h")
                .and_then(|e| e.limit);
            (
                plot::sleep_bars(report, limit).or_else(|| plot::evidence_strip(fd, report, u)),
                vec![
                    (plot::BLUE, "week"),
                    (plot::VERMILLION, "▼ week under the line"),
                ],
                "Dashed line: the hours a night the rule asks for.",
            )
        }
        // Recovery judged on resting HR or HRV: those, not the weekly load.
        Cause::Recovery => match recovery_markers(fd, report) {
            Some(svg) => (
                Some(svg),
                vec![
                    (plot::SKY, "each day"),
                    (plot::BLUE, "7-day mean"),
                    (plot::VERMILLION, "▼ out of your usual range"),
                ],
                "Shaded: the days the verdicts judge. Dashed grey: your usual level over the days before. Dashed dark: the line the rule draws.",
            ),
            None => load_chart(fd, report, u),
        },
        Cause::Overtraining => load_chart(fd, report, u),
        Cause::Form => {
            let days: Vec<chrono::NaiveDate> =
                fd.evidence.iter().filter_map(words::evidence_day).collect();
            let (keys, note) = cadence_speed_keys(report, true);
            (plot::cadence_speed(report, u, &days), keys, note)
        }
        _ => (
            plot::evidence_strip(fd, report, u),
            vec![(plot::VERMILLION, "▲ each time it showed")],
            "Dashed line: the line the rule draws.",
        ),
    }
}

/// The recent weekly load with the weeks the finding names marked.
fn load_chart(fd: &Finding, report: &Report, u: crate::report::Units) -> CauseChart {
    let weeks: BTreeSet<&str> = fd
        .evidence
        .iter()
        .filter_map(|e| e.week.as_deref())
        .collect();
    (
        plot::recent_load_bars(
            report,
            u,
            &|w: &WeekRow| weeks.contains(w.week.as_str()),
            f::cause_label(fd.cause),
        ),
        vec![
            (plot::BLUE, "week"),
            (plot::VERMILLION, "▼ week named here"),
        ],
        "Shaded: the weeks the verdicts judge.",
    )
}

/// The recovery card's marker charts, one above the other, when the finding
/// cites resting HR or HRV and the report traced them.
fn recovery_markers(fd: &Finding, report: &Report) -> Option<String> {
    let cites = fd
        .evidence
        .iter()
        .any(|e| matches!(e.metric.as_str(), "resting_hr_rise_bpm" | "hrv_7d_ms"));
    if !cites {
        return None;
    }
    let charts: Vec<String> = (report.wellness.as_ref()?.markers.iter())
        .filter_map(|t| plot::marker_trace(report, t))
        .collect();
    (!charts.is_empty()).then(|| charts.join("\n"))
}

/// The legend and note of the cadence~speed chart: dots, or over a long
/// history a density of the earlier runs under the judged weeks' dots.
fn cadence_speed_keys(
    report: &Report,
    flagged: bool,
) -> (Vec<(&'static str, &'static str)>, &'static str) {
    let mut keys = if plot::cadence_density(report) {
        vec![
            (plot::SKY, "earlier runs: time at each speed and cadence"),
            (plot::BLUE, "runs in the judged weeks"),
        ]
    } else {
        vec![(plot::SKY, "older runs"), (plot::BLUE, "recent runs")]
    };
    if flagged {
        keys.push((plot::VERMILLION, "▲ runs named here"));
    }
    let note = if plot::cadence_density(report) {
        "Solid line: your usual cadence at each speed. Dashed line: 170 spm reference. Too many runs to draw one by one: the darker a square, the more time you ran at that speed and cadence."
    } else {
        "Solid line: your usual cadence at each speed. Dashed line: 170 spm reference."
    };
    (keys, note)
}

fn answer(o: &mut String, report: &Report, opts: &RenderOptions) {
    let ranked = words::ranked(report);
    let class = if ranked.is_empty() {
        "answer none"
    } else {
        "answer"
    };
    let _ = writeln!(o, "<section id=\"answer\" class=\"{class}\">\n<div>");
    let _ = writeln!(
        o,
        "<p class=\"lead\">{}</p>",
        esc(&words::answer_lead(report))
    );
    if let Some(felt) = words::felt_lines(report) {
        let mut lines = felt.into_iter();
        if let Some(first) = lines.next() {
            let _ = writeln!(o, "<p class=\"felt\"><strong>{}</strong></p>", esc(&first));
        }
        let rest: Vec<String> = lines.collect();
        if !rest.is_empty() {
            o.push_str("<ul class=\"felt\">\n");
            for line in rest {
                let _ = writeln!(o, "<li>{}</li>", esc(line.trim_start_matches("- ")));
            }
            o.push_str("</ul>\n");
        }
    }
    if !ranked.is_empty() {
        o.push_str("<ol class=\"reasons\">\n");
        for fd in ranked.iter().take(words::ANSWER_CAUSES) {
            let key = words::key_evidence(fd)
                .map(|e| format!(" {}.", words::evidence(e, report, opts.units)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "<li><strong>{}</strong> <span class=\"sev\">(⚑ {}, {})</span>:{} <a href=\"#cause-{}\">Evidence and chart</a></li>",
                esc(&words::capitalised(words::reason(fd.cause))),
                words::likelihood(fd.severity),
                severity_label(fd.severity),
                esc(&key),
                cause_id(fd.cause)
            );
        }
        o.push_str("</ol>\n");
        if ranked.len() > words::ANSWER_CAUSES {
            let rest: Vec<&str> = ranked[words::ANSWER_CAUSES..]
                .iter()
                .map(|fd| words::reason(fd.cause))
                .collect();
            let _ = writeln!(
                o,
                "<p>Also flagged, less likely: {}.</p>",
                esc(&rest.join("; "))
            );
        }
        o.push_str("<h2>What you can do this week</h2>\n<ul class=\"todo\">\n");
        for fd in ranked.iter().take(words::ANSWER_CAUSES) {
            if !fd.advice.is_empty() {
                let _ = writeln!(o, "<li>{}</li>", esc(&fd.advice));
            }
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</div>\n");
    if let Some(top) = ranked.first() {
        let (svg, keys, note) = cause_chart(top, report, opts.units);
        if let Some(svg) = svg {
            let _ = writeln!(
                o,
                "<figure id=\"answer-chart\">\n<h3>{}</h3>\n{svg}\n<figcaption>{}<br>{}</figcaption>\n</figure>",
                esc(cause_label(top.cause)),
                legend(&keys),
                esc(note)
            );
        }
    }
    o.push_str("</section>\n");
}

fn changes_section(o: &mut String, report: &Report, opts: &RenderOptions) {
    let Some(ch) = &report.changes else { return };
    let _ = writeln!(
        o,
        "<section id=\"changes\" class=\"changes\">\n<h2>Since the last report ({})</h2>\n<ul>",
        esc(&words::changes_date(ch))
    );
    for line in words::changes_lines(ch, opts.units) {
        let _ = writeln!(o, "<li>{}</li>", esc(&line));
    }
    o.push_str("</ul>\n</section>\n");
}

fn flagged_card(o: &mut String, fd: &Finding, report: &Report, opts: &RenderOptions) {
    let _ = writeln!(
        o,
        "<article class=\"finding flagged\" id=\"cause-{}\">\n<div>",
        cause_id(fd.cause)
    );
    let _ = writeln!(
        o,
        "<h3><span class=\"badge flagged\">⚑ {}</span>{} <span class=\"sev\">severity: {}</span></h3>",
        status_label(fd.status),
        esc(cause_label(fd.cause)),
        severity_label(fd.severity)
    );
    let _ = writeln!(o, "<p>{}</p>", esc(&fd.summary));
    if !fd.evidence.is_empty() {
        o.push_str("<ul class=\"evidence\">\n");
        for e in fd.evidence.iter().rev() {
            let (place, raw) = evidence_text(e, opts);
            let raw = if place.is_empty() {
                raw
            } else {
                format!("{place}: {raw}")
            };
            let _ = writeln!(
                o,
                "<li>{}<details><summary>numbers</summary><code>{}</code></details></li>",
                esc(&words::evidence(e, report, opts.units)),
                esc(&raw)
            );
        }
        o.push_str("</ul>\n");
    }
    let rows: Vec<(&str, &str)> = [
        ("What to do", fd.advice.as_str()),
        ("Rule", fd.threshold.as_str()),
        ("Source", fd.source.as_str()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    if !rows.is_empty() {
        o.push_str("<dl class=\"rule\">\n");
        for (k, v) in rows {
            let _ = writeln!(o, "<dt>{k}</dt><dd>{}</dd>", esc(v));
        }
        o.push_str("</dl>\n");
    }
    o.push_str("</div>\n");
    let (svg, keys, note) = cause_chart(fd, report, opts.units);
    if let Some(svg) = svg {
        let _ = writeln!(
            o,
            "<figure id=\"fig-{}\">\n{svg}\n<figcaption>{}<br>{}</figcaption>\n</figure>",
            cause_id(fd.cause),
            legend(&keys),
            esc(note)
        );
    }
    o.push_str("</article>\n");
}

fn legend(keys: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (colour, text) in keys {
        let _ = write!(
            s,
            "<span class=\"key\" style=\"background:{colour}\"></span>{}",
            esc(text)
        );
    }
    s
}

fn svg_figure(
    o: &mut String,
    id: &str,
    title: &str,
    svg: Option<String>,
    keys: &[(&str, &str)],
    note: &str,
) {
    let _ = writeln!(o, "<figure id=\"chart-{id}\">\n<h3>{}</h3>", esc(title));
    match svg {
        Some(svg) => {
            let _ = writeln!(o, "{svg}\n<figcaption>{}", legend(keys));
            if !note.is_empty() {
                let _ = write!(o, "<br>{}", esc(note));
            }
            o.push_str("</figcaption>\n");
        }
        None => o.push_str("<p class=\"nochart\">Not enough data for this chart.</p>\n"),
    }
    o.push_str("</figure>\n");
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
    let _ = writeln!(
        o,
        "<figure id=\"chart-{id}\" class=\"legacy\">\n<h3>{}</h3>",
        esc(title)
    );
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
    let lists = InputLists::of(report);
    for list in lists.sections.iter().filter(|l| l.total > 0) {
        let _ = writeln!(
            o,
            "<h3>{} ({})</h3>",
            list.title,
            thousands(list.total as u64)
        );
        if let Some(note) = list.note {
            let _ = writeln!(o, "<p class=\"meta\">{note}</p>");
        }
        o.push_str("<ul class=\"files\">\n");
        for issue in &list.listed {
            let _ = writeln!(
                o,
                "<li><code>{}</code> — {}</li>",
                esc(&issue.path),
                esc(&issue.reason)
            );
        }
        if list.total > list.listed.len() {
            let more = (list.total - list.listed.len()) as u64;
            let _ = writeln!(o, "<li>… and {} more</li>", thousands(more));
        }
        o.push_str("</ul>\n");
    }
    if lists.cut() {
        o.push_str("<p class=\"meta\">Every skipped file, with its reason, is in <code>report.json</code> (<code>skipped</code>) and <code>activities.csv</code>.</p>\n");
    }
    o.push_str("</section>\n");
}

/// HTML-escapes text (one escaper for every HTML writer).
pub use crate::escape::html as esc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_history_titles_its_distance_chart_by_month() {
        let opts = RenderOptions::default();
        let long = render(&crate::report::plot::tests::long_report(10), &opts);
        let long = String::from_utf8(long).unwrap();
        assert!(long.contains("Distance by month (km)"));
        assert!(long.contains("month with a week named by a flagged finding"));
        assert!(!long.contains("Weekly distance (km)"));
        let mut short = crate::report::plot::tests::long_report(1);
        short.weeks.truncate(20);
        let short = String::from_utf8(render(&short, &opts)).unwrap();
        assert!(short.contains("Weekly distance (km)"));
        assert!(!short.contains("Distance by month"));
    }

    /// Writes a ten-year report for looking at in a browser:
    /// `HEAVYLEGS_SAMPLE_OUT=dir cargo test --lib report::html -- --ignored`.
    #[test]
    #[ignore]
    fn write_long_sample() {
        let Ok(dir) = std::env::var("HEAVYLEGS_SAMPLE_OUT") else {
            eprintln!("SKIP: HEAVYLEGS_SAMPLE_OUT not set");
            return;
        };
        let r = crate::report::plot::tests::long_report(10);
        let dir = std::path::Path::new(&dir).join("long");
        std::fs::create_dir_all(&dir).unwrap();
        let opts = RenderOptions::default();
        std::fs::write(dir.join("report.html"), render(&r, &opts)).unwrap();
    }
}
