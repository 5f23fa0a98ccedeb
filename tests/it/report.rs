//! Report writers over a small hand-built season: six weeks, one spike week
//! flagged, one clear and one not-assessable finding, a duplicate and a
//! rejected file whose name is an HTML injection attempt.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use heavylegs::findings::{Cause, Status};
use heavylegs::report::{self, Format, Report, Units, html, json, markdown};

use crate::report_fixture::*;

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("writers produce UTF-8")
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object().expect("object").keys().cloned().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn model_sorts_counts_and_localises() {
    let r = sample();
    assert_eq!(r.schema_version, 1);
    assert_eq!(r.generated_at, "2026-06-15T07:00:00Z");
    // 18 weekly runs + the 10 km run; one duplicate inside the two skipped.
    assert_eq!(
        (
            r.inputs.ok,
            r.inputs.skipped,
            r.inputs.duplicates,
            r.inputs.rejected
        ),
        (19, 2, 1, 1)
    );
    // Flagged first, then clear, then not assessable.
    let order: Vec<Cause> = r.findings.iter().map(|f| f.cause).collect();
    assert_eq!(order, [Cause::Overtraining, Cause::Form, Cause::Iron]);
    assert_eq!(
        r.findings[0].evidence[0].value, 44.0,
        "evidence rounded to 2 decimals"
    );
    // 23:30 UTC on Sunday 10 May is 01:30 on Monday 11 May in Berlin (CEST, +2 h).
    let ten = r.runs.iter().find(|x| x.path == "runs/ten-k.fit").unwrap();
    assert_eq!(ten.date, NaiveDate::from_ymd_opt(2026, 5, 11));
    assert_eq!(ten.distance_km, Some(10.0));
    // Residual: easy cadence (140 + 8·3.333 − 2 + ... − 1.6) minus fit at easy speed 3.1333.
    // wiggle for i=99 is [..][4] = −1 → cadence 165.667, easy 164.067; fit(3.1333) = 165.067 → −1.0.
    assert_eq!(ten.cadence_residual_spm, Some(-1.0));
    assert_eq!(r.period.from, NaiveDate::from_ymd_opt(2026, 5, 5));
    assert_eq!(r.period.to, NaiveDate::from_ymd_opt(2026, 6, 13));
    let flagged: Vec<&str> = r
        .weeks
        .iter()
        .filter(|w| w.flagged)
        .map(|w| w.week.as_str())
        .collect();
    assert_eq!(flagged, ["2026-W23"]);
    assert_eq!(r.weeks[4].acwr_rolling, Some(1.42));
    assert_eq!(r.speed_bins.len(), 19 * 3);
    assert!(
        r.runs.windows(2).all(|w| w[0].date <= w[1].date),
        "runs oldest first"
    );
}

#[test]
fn json_round_trips_with_documented_keys() {
    let r = sample();
    let s = text(json::render(&r, &metric()));
    let back: Report = serde_json::from_str(&s).unwrap();
    assert_eq!(back, r);
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(
        keys(&v),
        set(&[
            "schema_version",
            "generated_at",
            "athlete",
            "period",
            "window",
            "timezone_source",
            "display_units",
            "inputs",
            "weeks",
            "findings",
            "rejected",
            "skipped",
            "runs",
            "cadence_fit",
            "speed_bins",
            "window",
            "changes",
        ])
    );
    assert_eq!(keys(&v["period"]), set(&["from", "to"]));
    assert_eq!(
        keys(&v["inputs"]),
        set(&["ok", "skipped", "rejected", "duplicates", "warnings"])
    );
    assert_eq!(
        keys(&v["weeks"][0]),
        set(&[
            "week",
            "start",
            "distance_km",
            "moving_s",
            "runs",
            "rest_days",
            "longest_run_km",
            "ramp_pct",
            "acwr_rolling",
            "acwr_ewma",
            "monotony",
            "strain",
            "mean_cadence_spm",
            "step_length_m",
            "flagged",
        ])
    );
    assert_eq!(
        keys(&v["findings"][0]),
        set(&[
            "cause",
            "status",
            "severity",
            "summary",
            "evidence",
            "threshold",
            "source",
            "advice",
            "history"
        ])
    );
    assert_eq!(
        keys(&v["findings"][0]["evidence"][0]),
        set(&["week", "date", "file", "metric", "value", "limit", "note"])
    );
    assert_eq!(keys(&v["rejected"][0]), set(&["path", "reason"]));
    assert_eq!(
        keys(&v["runs"][0]),
        set(&[
            "date",
            "path",
            "distance_km",
            "moving_s",
            "mean_speed_mps",
            "mean_cadence_spm",
            "median_cadence_spm",
            "step_length_m",
            "easy_speed_mps",
            "easy_cadence_spm",
            "cadence_residual_spm",
            "cadence_first_third_spm",
            "cadence_last_third_spm",
            "decoupling_pct",
            "pace_fade_pct",
            "warm_up_s",
            "cool_down_s",
            "temperature_mean_c",
            "mean_heart_rate_bpm",
        ])
    );
    assert_eq!(
        keys(&v["cadence_fit"]),
        set(&[
            "intercept_spm",
            "slope_spm_per_mps",
            "min_speed_mps",
            "max_speed_mps"
        ])
    );
    assert_eq!(v["findings"][0]["status"], "flagged");
    assert_eq!(v["findings"][2]["status"], "not_assessable");
    assert_eq!(v["rejected"][0]["path"], EVIL);
    // JSON stays metric whatever the display units.
    let imp = text(json::render(&r, &imperial()));
    assert_eq!(imp, s);
    assert!(s.contains("\"distance_km\": 10.0"));

    insta::with_settings!({filters => vec![(r#""generated_at": "[^"]*""#, r#""generated_at": "[generated_at]""#)]}, {
        insta::assert_snapshot!("report_json", s);
    });
}

#[test]
fn markdown_snapshot() {
    let md = text(markdown::render(&sample(), &metric()));
    assert!(
        md.contains("uploads/\\<script\\>alert(1)\\</script\\>.fit"),
        "path escaped"
    );
    assert!(md.contains("## What the data cannot tell"));
    // The answer comes first, in plain words; internal names stay in the JSON.
    let answer = md.find("## The answer").unwrap();
    assert!(answer < md.find("## What you can do this week").unwrap());
    assert!(
        md.find("## What you can do this week").unwrap() < md.find("## Why: the evidence").unwrap()
    );
    assert!(
        md.contains("Week of 1 Jun: 36 km, 44 % more than the week before (25 km)"),
        "{md}"
    );
    assert!(!md.contains("ramp_pct") && !md.contains("ramp\\_pct"));
    insta::with_settings!({filters => vec![(r"Generated: \S+", "Generated: [generated_at]")]}, {
        insta::assert_snapshot!("report_md", md);
    });
}

/// The text a reader sees in `report.html`: no style, no SVG, tags dropped,
/// one line per block, entities decoded. Snapshots compare this, not the bytes.
pub(crate) fn html_text(html: &str) -> String {
    let mut s = html.to_owned();
    for (open, close) in [("<style", "</style>"), ("<svg", "</svg>")] {
        while let Some(a) = s.find(open) {
            let b = s[a..].find(close).map_or(s.len(), |b| a + b + close.len());
            s.replace_range(a..b, "");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn html_text_snapshot() {
    let html = text(html::render(&sample(), &metric()));
    let t = html_text(&html);
    // The first lines a reader meets hold the answer.
    let answer = t.find("The data points to").unwrap();
    assert!(answer < t.find("Why: the evidence").unwrap());
    assert!(t.contains("Local times: file offsets, else Europe/Berlin."));
    insta::with_settings!({filters => vec![(r"Generated \S+ by", "Generated [generated_at] by")]}, {
        insta::assert_snapshot!("report_html_text", t);
    });
}

/// Last week's season: the final week's runs not yet there, nothing flagged.
fn last_weeks_season() -> Season {
    let mut before = season();
    let last_week = NaiveDate::from_ymd_opt(2026, 6, 8).unwrap();
    before
        .metrics
        .retain(|m| m.start.is_some_and(|t| t.date_naive() < last_week));
    before.weeks.pop();
    for fd in &mut before.findings {
        if fd.status == Status::Flagged {
            fd.status = Status::Clear;
        }
    }
    before
}

#[test]
fn changes_since_the_previous_report() {
    let dir = tempfile::tempdir().unwrap();
    let before = last_weeks_season();
    let mut old = build(&before, Units::Metric);
    old.generated_at = "2026-06-08T07:00:00Z".into();
    report::write_all(dir.path(), &old, &metric(), &Format::ALL).unwrap();
    let first: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert!(first["changes"].is_null(), "no previous report, no changes");

    report::write_all(dir.path(), &sample(), &metric(), &Format::ALL).unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let ch = &v["changes"];
    assert_eq!(ch["previous_generated_at"], "2026-06-08T07:00:00Z");
    assert_eq!(ch["new_runs"], 3, "the three runs of the week of 8 June");
    assert_eq!(ch["new_distance_km"], 18.0);
    assert_eq!(ch["newly_flagged"], serde_json::json!(["overtraining"]));
    assert_eq!(ch["cleared"], serde_json::json!([]));
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("## Since the last report (8 Jun 2026)"), "{md}");
    assert!(
        md.contains("- 3 new runs (18 km).")
            && md.contains("Newly flagged: Overtraining / load spikes.")
    );
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("Since the last report (8 Jun 2026)"));

    // A corrupt previous report means no comparison, not an error.
    std::fs::write(dir.path().join("report.json"), b"{ not json").unwrap();
    report::write_all(dir.path(), &sample(), &metric(), &Format::ALL).unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert!(v["changes"].is_null());
}

/// Paths that JSON escapes (a Windows folder, a quote) are read back from the
/// previous report as well as plain ones: the same runs are not new runs.
#[test]
fn changes_recognise_runs_whose_paths_json_escapes() {
    let escaped = || {
        let mut s = season();
        for (n, m) in s.metrics.iter_mut().enumerate() {
            m.path = match n % 3 {
                0 => format!(r"C:\Users\sam\Garmin\run {n}.fit"),
                1 => format!("exports/\"quoted\" run\t{n}.fit"),
                _ => format!("plain/run-{n}.fit"),
            };
        }
        s
    };
    let dir = tempfile::tempdir().unwrap();
    let r = build(&escaped(), Units::Metric);
    report::write_all(dir.path(), &r, &metric(), &[Format::Json]).unwrap();
    report::write_all(dir.path(), &r, &metric(), &[Format::Json]).unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(v["changes"]["new_runs"], 0, "{}", v["changes"]);

    // One run more than last time: exactly that one is new.
    let mut before = escaped();
    before.metrics.pop();
    let fewer = build(&before, Units::Metric);
    let dir = tempfile::tempdir().unwrap();
    report::write_all(dir.path(), &fewer, &metric(), &[Format::Json]).unwrap();
    report::write_all(dir.path(), &r, &metric(), &[Format::Json]).unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(v["changes"]["new_runs"], 1, "{}", v["changes"]);
}

#[test]
fn html_is_self_contained_escaped_and_has_every_chart() {
    let html = text(html::render(&sample(), &metric()));
    // The answer's chart and the flagged card's (weekly load), then weekly distance,
    // cadence~speed, ACWR, form by week, fatigue, decoupling.
    assert_eq!(html.matches("<svg").count(), 8);
    assert_eq!(html.matches("</svg>").count(), 8);
    assert!(html.contains("id=\"fig-overtraining\""));
    for id in [
        "weekly-distance",
        "acwr",
        "cadence-speed",
        "form-weeks",
        "fatigue",
        "decoupling",
    ] {
        let at = html
            .find(&format!("id=\"chart-{id}\""))
            .unwrap_or_else(|| panic!("chart {id} missing"));
        let next = html[at..].find("</figure>").unwrap();
        assert!(
            html[at..at + next].contains("<svg"),
            "chart {id} has no svg"
        );
    }
    assert!(html.contains("uploads/&lt;script&gt;alert(1)&lt;/script&gt;.fit"));
    assert!(!html.contains("<script"), "no script tag, escaped or ours");
    assert!(html.contains("Sam &lt;Runner&gt;"));
    assert!(html.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"));
    // Links only to places in the page.
    assert_eq!(
        html.matches("href=\"").count(),
        html.matches("href=\"#").count()
    );
    for loader in ["src=", "url(", "@import", "<link", "<iframe", "<img"] {
        assert!(
            !html.contains(loader),
            "resource loader {loader:?} in the page"
        );
    }
    // The only URL is the citation, as plain text.
    assert_eq!(
        html.matches("http").count() - html.matches("http-equiv").count(),
        1,
        "{:?}",
        html.match_indices("http").collect::<Vec<_>>()
    );
    assert!(html.contains("(https://doi.org/10.2519/jospt.2014.5164)"));
    // The answer, then the flagged evidence, then clear causes, then more charts.
    let (answer, flag, clear, charts) = (
        html.find("id=\"answer\"").unwrap(),
        html.find("id=\"cause-overtraining\"").unwrap(),
        html.find("id=\"cause-form\"").unwrap(),
        html.find("id=\"charts\"").unwrap(),
    );
    assert!(answer < flag && flag < clear && clear < charts);
    // Plain words outside the details; the internal name only inside them.
    assert!(html.contains("Week of 1 Jun: 36 km, 44 % more than the week before (25 km)"));
    let outside_details = html
        .split("<details>")
        .map(|part| part.split_once("</details>").map_or(part, |(_, rest)| rest))
        .collect::<String>();
    assert!(!outside_details.contains("ramp_pct"));
    assert!(html.contains("<meta name=\"viewport\""));
}

#[test]
fn imperial_units_convert() {
    let r = sample();
    let html_m = text(html::render(&r, &metric()));
    let html_i = text(html::render(&r, &imperial()));
    // 10 km = 6.2137 mi; 5:00 /km = 8:03 /mi (1609.344 m at 3.333 m/s = 482.8 s).
    assert!(html_m.contains("10.00 km") && html_m.contains("5:00 /km"));
    assert!(html_i.contains("6.21 mi") && html_i.contains("8:03 /mi"));
    assert!(!html_i.contains(" km<") && !html_i.contains("/km"));
    // Evidence 18 km → 11.18 mi.
    assert!(html_i.contains("longest_run_km 11.18 mi"));
    let md_i = text(markdown::render(&r, &imperial()));
    assert!(md_i.contains("| Distance (mi) |"));
    // Week 5: 36 km = 22.4 mi.
    assert!(md_i.contains("| 22.4 |"), "{md_i}");
}

#[test]
fn rendering_is_deterministic() {
    let (a, b) = (sample(), sample());
    for format in Format::ALL {
        for opts in [metric(), imperial()] {
            assert_eq!(
                format.render(&a, &opts),
                format.render(&b, &opts),
                "{format:?}"
            );
        }
    }
}

#[test]
fn write_all_and_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let r = sample();
    let paths = report::write_all(dir.path(), &r, &metric(), &Format::ALL).unwrap();
    let names: Vec<_> = paths
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["report.json", "report.md", "report.html"]);
    assert_eq!(
        std::fs::read(&paths[2]).unwrap(),
        html::render(&r, &metric())
    );
    // Written again into the same folder: the second page says what changed.
    let again = report::write_all(dir.path(), &r, &metric(), &Format::ALL).unwrap();
    let html2 = std::fs::read_to_string(&again[2]).unwrap();
    assert!(
        html2.contains("Since the last report (15 Jun 2026)") && html2.contains("No new runs.")
    );
    let v = report::verdict(&r, Path::new("out"));
    assert_eq!(
        v,
        "⚑ Overtraining / load spikes (high): Week 2026-W23 ran 44 % more than the week before.\nReport: out/report.html\n"
    );
}

#[test]
fn tables_hold_every_record() {
    let s = season();
    let r = build(&s, Units::Metric);
    let dir = tempfile::tempdir().unwrap();
    let paths = report::write_tables(dir.path(), &s.records, &s.metrics, &r).unwrap();
    assert_eq!(paths.len(), 2);
    let csv = std::fs::read_to_string(&paths[1]).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines.len(),
        1 + 22,
        "header + 19 runs + 2 skipped + 1 rejected"
    );
    let header: Vec<&str> = lines[0].split(',').collect();
    for col in [
        "path",
        "status",
        "reason",
        "local_date",
        "distance_km",
        "mean_cadence_spm",
        "decoupling_pct",
    ] {
        assert!(header.contains(&col), "missing column {col}");
    }
    let ten = lines
        .iter()
        .find(|l| l.starts_with("runs/ten-k.fit,"))
        .unwrap();
    assert!(
        ten.contains(",ok,") && ten.contains(",2026-05-11,") && ten.contains(",10.0,"),
        "{ten}"
    );
    let evil = lines.iter().find(|l| l.starts_with(EVIL)).unwrap();
    assert!(
        evil.contains(",rejected,not a FIT file: bad header,"),
        "{evil}"
    );
    let pq = std::fs::read(&paths[0]).unwrap();
    assert_eq!(&pq[..4], b"PAR1");
}
#[test]
fn wellness_is_an_added_key_and_the_ratings_lead_the_answer() {
    use heavylegs::findings::felt::{Felt, FeltRun};
    use heavylegs::report::wellness::WellnessSummary;
    use heavylegs::wellness::{Feel, Night, Origin, Wellness};
    let mut r = sample();
    // Without wellness the key is absent (schema 1 unchanged for old inputs).
    let plain: serde_json::Value =
        serde_json::from_str(&text(json::render(&r, &metric()))).unwrap();
    assert!(plain.get("wellness").is_none());

    let night = |day: u32, h: f64| Night {
        date: NaiveDate::from_ymd_opt(2026, 6, day).unwrap(),
        start: None,
        end: None,
        asleep_s: h * 3600.0,
        deep_s: None,
        light_s: None,
        rem_s: None,
        awake_s: None,
        score: None,
        confirmed: true,
        origin: Origin::GarminExport,
        path: "sleepData.json".into(),
    };
    let w = Wellness {
        nights: (1..=14).map(|d| night(d, 6.2)).collect(),
        feels: vec![Feel {
            start: None,
            date: Some(NaiveDate::from_ymd_opt(2026, 6, 6).unwrap()),
            file: None,
            feel: None,
            rpe: None,
            legs: Some(5),
            origin: Origin::Journal,
        }],
        ..Wellness::default()
    };
    let felt = Felt {
        rated: 1,
        heavy: 1,
        heavy_with_cause: 1,
        summary: "1 of the 1 run you rated heavy came in weeks with a load spike.".into(),
        runs: vec![FeltRun {
            date: NaiveDate::from_ymd_opt(2026, 6, 6).unwrap(),
            week: "2026-W23".into(),
            file: Some("runs/2026-06-06.fit".into()),
            rating: "legs 5 of 5".into(),
            causes: vec![Cause::Overtraining],
        }],
    };
    let weeks = [
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 6, 8).unwrap(),
    ];
    r.wellness = WellnessSummary::new(&w, &weeks, None, Some(felt));
    let v: serde_json::Value = serde_json::from_str(&text(json::render(&r, &metric()))).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["wellness"]["nights"], 14);
    assert_eq!(
        v["wellness"]["sources"],
        serde_json::json!(["garmin_export", "journal"])
    );
    assert_eq!(v["wellness"]["sleep_weeks"][1]["mean_sleep_h"], 6.2);
    assert_eq!(v["wellness"]["felt"]["heavy_with_cause"], 1);
    let back: Report = serde_json::from_str(&text(json::render(&r, &metric()))).unwrap();
    assert_eq!(back, r);

    let md = text(markdown::render(&r, &metric()));
    let answer = md.find("## The answer").unwrap();
    let felt_at = md.find("How your runs felt: 1 of the 1 run").unwrap();
    let first_reason = md.find("1. **").unwrap();
    assert!(answer < felt_at && felt_at < first_reason, "{md}");
    assert!(
        md.contains("- 6 Jun: legs 5 of 5 (that week: a load spike)"),
        "{md}"
    );
    assert!(
        md.contains("Wellness read: 14 nights of sleep, 1 rated run from the Garmin Connect export and your journal."),
        "{md}"
    );
    let html = text(html::render(&r, &metric()));
    assert!(
        html.contains("<p class=\"felt\"><strong>How your runs felt:"),
        "{html}"
    );
    assert!(html.contains("<p class=\"wellness\">Wellness read:"));
}

/// `write_athlete` renders its files in parallel and writes them in order:
/// every one lands, a second write still compares with the first
/// `report.json` (read before any file is written), and a file that cannot
/// be written stops the call there, naming it.
#[test]
fn write_athlete_writes_every_file_and_returns_the_first_failure() {
    use heavylegs::output::OutputFormat;
    let s = season();
    let r = build(&s, Units::Metric);
    let load = weeks_only(&s.weeks);
    let opts = metric();
    let files = report::AthleteFiles {
        report: &r,
        opts: &opts,
        load: &load,
        records: &s.records,
        metrics: &s.metrics,
        summary: None,
    };
    let all = [
        "report.json",
        "report.md",
        "report.html",
        "activities.parquet",
        "activities.csv",
        "days.parquet",
        "days.csv",
        "weeks.parquet",
        "weeks.csv",
    ];
    let dir = tempfile::tempdir().unwrap();
    let json = |d: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(d.join("report.json")).unwrap()).unwrap()
    };
    report::write_athlete(dir.path(), &files, &OutputFormat::ALL).unwrap();
    for name in all {
        assert!(dir.path().join(name).is_file(), "{name} written");
    }
    assert!(json(dir.path())["changes"].is_null());
    let weeks_csv = std::fs::read_to_string(dir.path().join("weeks.csv")).unwrap();
    assert_eq!(weeks_csv.lines().count(), s.weeks.len() + 1, "{weeks_csv}");

    report::write_athlete(dir.path(), &files, &OutputFormat::ALL).unwrap();
    let v = json(dir.path());
    assert_eq!(
        v["changes"]["previous_generated_at"],
        "2026-06-15T07:00:00Z"
    );
    assert_eq!(v["changes"]["new_runs"], 0);
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("## Since the last report"), "{md}");

    // A folder where report.html should go: the tables before it land, the
    // JSON after it is not written.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("report.html").join("x")).unwrap();
    let formats = [OutputFormat::Tables, OutputFormat::Html, OutputFormat::Json];
    let err = report::write_athlete(dir.path(), &files, &formats).unwrap_err();
    assert!(err.to_string().contains("report.html"), "{err}");
    for name in all.iter().filter(|n| !n.starts_with("report.")) {
        assert!(dir.path().join(name).is_file(), "{name} written before it");
    }
    assert!(
        !dir.path().join("report.json").exists(),
        "stopped at the failure"
    );
}

/// Load tables holding only `weeks`: what the writers need of a load.
fn weeks_only(weeks: &[heavylegs::load::Week]) -> heavylegs::load::LoadTables {
    heavylegs::load::LoadTables {
        days: vec![],
        weeks: weeks.to_vec(),
        breaks: vec![],
        run_days: vec![],
        load_unit: heavylegs::load::LoadUnit::DistanceKm,
        imputed_load_runs: 0,
    }
}

/// A run with a cache keeps a summary of the `report.json` it wrote, so the
/// next run need not parse a long history's report to say what changed. The
/// summary answers as the report would, and only while that very file is in
/// the folder: a report replaced since is read instead.
#[test]
fn the_kept_summary_answers_as_its_report_and_only_for_it() {
    use heavylegs::output::OutputFormat;
    use heavylegs::report::changes;
    let before = last_weeks_season();
    let old = build(&before, Units::Metric);
    let now = build(&season(), Units::Metric);
    let (load, opts) = (weeks_only(&before.weeks), metric());
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join(".cache").join(changes::SUMMARY_FILE);
    let files = report::AthleteFiles {
        report: &old,
        opts: &opts,
        load: &load,
        records: &before.records,
        metrics: &before.metrics,
        summary: Some(&summary),
    };
    report::write_athlete(dir.path(), &files, &[OutputFormat::Json]).unwrap();
    let kept = std::fs::read(&summary).expect("the summary is written beside the report");
    let report_json = std::fs::read(dir.path().join("report.json")).unwrap();
    assert!(changes::Summary::decode(&kept, &report_json).is_some());

    let parsed = changes::since(&report_json, &now).unwrap();
    assert_eq!(parsed.new_runs, 3, "the three runs of the week of 8 June");
    assert_eq!(parsed.newly_flagged, vec![Cause::Overtraining]);
    let through_summary = changes::since_previous(dir.path(), Some(&summary), &now);
    assert_eq!(through_summary, Some(parsed));

    // The report replaced by one with every run (a run without a cache): the
    // summary no longer describes the folder's report, which is read instead.
    report::write_all(dir.path(), &now, &opts, &[Format::Json]).unwrap();
    let report_json = std::fs::read(dir.path().join("report.json")).unwrap();
    assert!(changes::Summary::decode(&kept, &report_json).is_none());
    let ch = changes::since_previous(dir.path(), Some(&summary), &now).unwrap();
    assert_eq!(ch.new_runs, 0, "{ch:?}");
    assert_eq!(ch, changes::since(&report_json, &now).unwrap());
}
