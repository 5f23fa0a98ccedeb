//! Puts each run on the runner's local calendar: which date it started on
//! where it was run, and which training week that date belongs to.
//!
//! The offset comes from, in order: the file's own UTC offset (FIT
//! `activity.local_timestamp`), the time zone at the start position (offline
//! boundary lookup with `tzf-rs`, then `chrono-tz` for the offset on that
//! date so DST is right), the athlete's configured zone, and UTC last.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Offset, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// Where a run's local offset came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TzSource {
    FileOffset,
    StartPosition,
    Configured,
    Utc,
}

impl TzSource {
    pub fn as_str(self) -> &'static str {
        crate::names::serde_name(&self)
    }
}

/// Real offsets lie between UTC−12 and UTC+14; anything else is a broken file.
const MAX_WEST_S: i32 = -12 * 3600;
const MAX_EAST_S: i32 = 14 * 3600;

/// The local start date of a run and the source of its offset.
pub fn local_date(
    start_utc: DateTime<Utc>,
    utc_offset_s: Option<i32>,
    start_lat_lon: Option<(f64, f64)>,
    configured: Option<chrono_tz::Tz>,
    use_start_position: bool,
) -> (NaiveDate, TzSource) {
    let zone = || start_lat_lon.and_then(|(lat, lon)| zone_at(lat, lon));
    local_date_in(
        start_utc,
        utc_offset_s,
        zone,
        configured,
        use_start_position,
    )
}

/// [`local_date`] with the zone at the start position already looked up
/// (or looked up by `start_zone` only when it decides): a cached run keeps
/// its zone, so a weekly run need not load the boundary data.
pub fn local_date_in(
    start_utc: DateTime<Utc>,
    utc_offset_s: Option<i32>,
    start_zone: impl FnOnce() -> Option<chrono_tz::Tz>,
    configured: Option<chrono_tz::Tz>,
    use_start_position: bool,
) -> (NaiveDate, TzSource) {
    if let Some(offset_s) = plausible_offset(utc_offset_s) {
        let local = start_utc.naive_utc() + Duration::seconds(i64::from(offset_s));
        return (local.date(), TzSource::FileOffset);
    }
    if use_start_position && let Some(tz) = start_zone() {
        return (date_in(start_utc, tz), TzSource::StartPosition);
    }
    match configured {
        Some(tz) => (date_in(start_utc, tz), TzSource::Configured),
        None => (start_utc.date_naive(), TzSource::Utc),
    }
}

/// A file's own UTC offset, when it is one the world uses (−12 h to +14 h).
pub fn plausible_offset(utc_offset_s: Option<i32>) -> Option<i32> {
    utc_offset_s.filter(|o| (MAX_WEST_S..=MAX_EAST_S).contains(o))
}

/// The local date of an instant in a zone; chrono-tz applies the offset in
/// force at that instant, so DST transitions land on the right side.
fn date_in(instant: DateTime<Utc>, tz: chrono_tz::Tz) -> NaiveDate {
    let offset = tz.offset_from_utc_datetime(&instant.naive_utc()).fix();
    (instant.naive_utc() + Duration::seconds(i64::from(offset.local_minus_utc()))).date()
}

/// The IANA zone at a position, if the position is plausible and the
/// boundary lookup is compiled in. (0, 0) is a GPS "no fix" placeholder.
fn zone_at(lat: f64, lon: f64) -> Option<chrono_tz::Tz> {
    zone_name_at(lat, lon).and_then(|name| name.parse().ok())
}

/// [`zone_at`]'s IANA name ("Europe/Zurich"), to keep with a run.
pub fn zone_name_at(lat: f64, lon: f64) -> Option<String> {
    let plausible = lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
        && !(lat == 0.0 && lon == 0.0);
    if !plausible {
        return None;
    }
    geo::zone_name(lat, lon)
}

#[cfg(feature = "geotz")]
mod geo {
    use std::sync::OnceLock;

    /// Built on first use: the embedded finder reads the ~4 MB boundary data
    /// in place, so files that carry their own offset never pay for it.
    fn finder() -> &'static tzf_rs::EmbeddedFinder {
        static FINDER: OnceLock<tzf_rs::EmbeddedFinder> = OnceLock::new();
        FINDER.get_or_init(tzf_rs::EmbeddedFinder::new)
    }

    pub fn zone_name(lat: f64, lon: f64) -> Option<String> {
        let name = finder().get_tz_name(lon, lat);
        (!name.is_empty()).then(|| name.to_string())
    }
}

#[cfg(not(feature = "geotz"))]
mod geo {
    pub fn zone_name(_lat: f64, _lon: f64) -> Option<String> {
        None
    }
}

/// Training weeks that start on a chosen weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekCalendar {
    pub week_start: Weekday,
}

impl WeekCalendar {
    pub fn new(week_start: Weekday) -> Self {
        WeekCalendar { week_start }
    }

    /// First day of the week containing `date`.
    pub fn start_of(&self, date: NaiveDate) -> NaiveDate {
        let back = (7 + date.weekday().num_days_from_monday()
            - self.week_start.num_days_from_monday())
            % 7;
        date - Duration::days(i64::from(back))
    }

    /// The week's label: the ISO week (`YYYY-Www`) of its start date. With a
    /// Monday start this is the ISO week itself. With another start day the
    /// label is the ISO week the start day falls in: a Sunday-start week
    /// (Sun 29 Mar – Sat 4 Apr 2026) is `2026-W13`, because Sunday 29 March
    /// closes ISO week 13. Labels stay unique and sort like the weeks.
    pub fn label(&self, week_start: NaiveDate) -> String {
        let iso = week_start.iso_week();
        format!("{}-W{:02}", iso.year(), iso.week())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn file_offset_wins_and_puts_la_sunday_evening_on_sunday() {
        // Sunday 2026-06-07 18:30 in Los Angeles (PDT, −7 h) is Monday 01:30 UTC.
        let start = utc("2026-06-08T01:30:00Z");
        let (d, src) = local_date(start, Some(-7 * 3600), None, None, true);
        assert_eq!((d, src), (date("2026-06-07"), TzSource::FileOffset));
        let cal = WeekCalendar::new(Weekday::Mon);
        assert_eq!(cal.start_of(d), date("2026-06-01"));
        assert_eq!(cal.label(cal.start_of(d)), "2026-W23");
    }

    #[test]
    fn configured_zone_and_utc_fallback() {
        let start = utc("2026-06-08T01:30:00Z");
        let la: chrono_tz::Tz = "America/Los_Angeles".parse().unwrap();
        assert_eq!(
            local_date(start, None, None, Some(la), true),
            (date("2026-06-07"), TzSource::Configured)
        );
        assert_eq!(
            local_date(start, None, None, None, true),
            (date("2026-06-08"), TzSource::Utc)
        );
        // An impossible file offset (+20 h) is ignored, not trusted.
        assert_eq!(
            local_date(start, Some(20 * 3600), None, None, true).1,
            TzSource::Utc
        );
    }

    #[test]
    fn configured_zone_follows_dst() {
        // Berlin switches to CEST (+2) on Sunday 2026-03-29 at 01:00 UTC.
        let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        // 22:30 UTC on Saturday 28 March is 23:30 CET: still Saturday.
        assert_eq!(
            local_date(utc("2026-03-28T22:30:00Z"), None, None, Some(berlin), false).0,
            date("2026-03-28")
        );
        // 22:30 UTC on Sunday 29 March is 00:30 CEST on Monday 30 March: next ISO week.
        let d = local_date(utc("2026-03-29T22:30:00Z"), None, None, Some(berlin), false).0;
        assert_eq!(d, date("2026-03-30"));
        assert_eq!(WeekCalendar::new(Weekday::Mon).label(d), "2026-W14");
    }

    #[cfg(feature = "geotz")]
    #[test]
    fn start_position_zone_is_looked_up_with_dst() {
        // Griffith Park, Los Angeles; Sunday 2026-06-07 18:30 PDT.
        let la_pos = Some((34.1366, -118.2942));
        let (d, src) = local_date(utc("2026-06-08T01:30:00Z"), None, la_pos, None, true);
        assert_eq!((d, src), (date("2026-06-07"), TzSource::StartPosition));
        // Same place in January (PST, −8 h): 07:30 UTC is 23:30 the day before.
        assert_eq!(
            local_date(utc("2026-01-11T07:30:00Z"), None, la_pos, None, true).0,
            date("2026-01-10")
        );
        // Auckland (+13 h in NZ summer): 11:30 UTC Sunday is 00:30 Monday.
        let (d, src) = local_date(
            utc("2026-01-11T11:30:00Z"),
            None,
            Some((-36.8485, 174.7633)),
            None,
            true,
        );
        assert_eq!((d, src), (date("2026-01-12"), TzSource::StartPosition));
        // Null island is a missing fix, not a place.
        assert_eq!(
            local_date(
                utc("2026-01-11T11:30:00Z"),
                None,
                Some((0.0, 0.0)),
                None,
                true
            )
            .1,
            TzSource::Utc
        );
        // Disabled lookup falls through to the configured zone.
        let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            local_date(
                utc("2026-01-11T11:30:00Z"),
                None,
                la_pos,
                Some(berlin),
                false
            )
            .1,
            TzSource::Configured
        );
    }

    #[test]
    fn week_start_and_labels() {
        let mon = WeekCalendar::new(Weekday::Mon);
        // ISO 2026-W01 starts Monday 2025-12-29.
        assert_eq!(mon.start_of(date("2026-01-01")), date("2025-12-29"));
        assert_eq!(mon.label(date("2025-12-29")), "2026-W01");
        let sun = WeekCalendar::new(Weekday::Sun);
        assert_eq!(sun.start_of(date("2026-04-01")), date("2026-03-29"));
        assert_eq!(sun.start_of(date("2026-03-29")), date("2026-03-29"));
        assert_eq!(sun.label(date("2026-03-29")), "2026-W13");
    }
}
