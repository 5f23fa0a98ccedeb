//! Writes a run the way Strava's "export GPX" does: GPX 1.1, UTC times with
//! `Z` (no offset, so the time zone must come from position or profile),
//! `<type>running</type>`, and Garmin's TrackPointExtension with `hr`, `cad`
//! and `atemp`. Cadence is in steps/min like Strava (the schema says rpm);
//! the reader's median rule (≥ 120 → already steps) has to notice.

use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};

use super::simulate::SimRun;

fn iso_z(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// GPX text for a run; samples closer than `min_interval_s` to the previous
/// written one are skipped (the last sample is always written).
pub fn write_gpx(run: &SimRun, name: &str, min_interval_s: u32) -> String {
    let mut out = String::with_capacity(run.samples.len() * 200 + 1024);
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.push('\n');
    out.push_str(concat!(
        r#"<gpx creator="StravaGPX" version="1.1" xmlns="http://www.topografix.com/GPX/1/1""#,
        r#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#,
        r#" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd""#,
        r#" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1""#,
        r#" xmlns:gpxx="http://www.garmin.com/xmlschemas/GpxExtensions/v3">"#,
        "\n"
    ));
    let _ = writeln!(
        out,
        " <metadata>\n  <time>{}</time>\n </metadata>",
        iso_z(run.start_utc)
    );
    let _ = writeln!(
        out,
        " <trk>\n  <name>{name}</name>\n  <type>running</type>\n  <trkseg>"
    );
    let mut last_written: Option<u32> = None;
    for (i, s) in run.samples.iter().enumerate() {
        let is_last = i + 1 == run.samples.len();
        if let Some(prev) = last_written
            && s.t_s < prev + min_interval_s
            && !is_last
        {
            continue;
        }
        last_written = Some(s.t_s);
        let t = run.start_utc + Duration::seconds(s.t_s as i64);
        let _ = writeln!(
            out,
            "   <trkpt lat=\"{:.7}\" lon=\"{:.7}\"><ele>{:.1}</ele><time>{}</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:atemp>{:.0}</gpxtpx:atemp><gpxtpx:hr>{:.0}</gpxtpx:hr><gpxtpx:cad>{:.0}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>",
            s.lat_deg,
            s.lon_deg,
            s.altitude_m,
            iso_z(t),
            s.temperature_c,
            s.heart_rate_bpm,
            s.cadence_spm,
        );
    }
    out.push_str("  </trkseg>\n </trk>\n</gpx>\n");
    out
}
