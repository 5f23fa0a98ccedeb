//! Apple's sleep analysis to one [`Night`] per local date.
//!
//! `HKCategoryTypeIdentifierSleepAnalysis` records are stage intervals from
//! every source that tracks sleep (the watch, the phone's bedtime schedule,
//! third-party apps), and the sources overlap. Within a night the asleep
//! intervals are merged first, so a minute two sources both call asleep is
//! counted once; `InBed` and `Awake` are not sleep.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::wellness::{Night, Origin};

/// A sleep stage as Apple writes it (`HKCategoryValueSleepAnalysis…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    InBed,
    Awake,
    Core,
    Deep,
    Rem,
    /// `Asleep` (before iOS 16) and `AsleepUnspecified`.
    Asleep,
}

impl Stage {
    pub fn from_value(v: &str) -> Option<Stage> {
        Some(match v.strip_prefix("HKCategoryValueSleepAnalysis")? {
            "InBed" => Stage::InBed,
            "Awake" => Stage::Awake,
            "AsleepCore" => Stage::Core,
            "AsleepDeep" => Stage::Deep,
            "AsleepREM" => Stage::Rem,
            "Asleep" | "AsleepUnspecified" => Stage::Asleep,
            _ => return None,
        })
    }

    fn is_sleep(self) -> bool {
        !matches!(self, Stage::InBed | Stage::Awake)
    }
}

/// One sleep-analysis record.
#[derive(Debug, Clone, Copy)]
pub struct Segment {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The local offset Apple wrote with the record.
    pub offset_s: i32,
    pub stage: Stage,
}

/// The local date a segment's night is filed under: the morning it ends.
/// Sleep ending after noon counts toward the next morning's night (an
/// evening nap joins that night).
fn night_of(seg: &Segment) -> NaiveDate {
    let local_end = seg.end + Duration::seconds(i64::from(seg.offset_s));
    (local_end - Duration::hours(12)).date_naive() + Duration::days(1)
}

/// Length of the union of `[start, end)` intervals, seconds.
fn union_s(mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)>) -> f64 {
    spans.sort_unstable();
    let mut total = 0i64;
    let mut cur: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
    for (s, e) in spans {
        match &mut cur {
            Some((_, ce)) if s <= *ce => {
                if e > *ce {
                    *ce = e;
                }
            }
            _ => {
                if let Some((cs, ce)) = cur {
                    total += (ce - cs).num_milliseconds();
                }
                cur = Some((s, e));
            }
        }
    }
    if let Some((cs, ce)) = cur {
        total += (ce - cs).num_milliseconds();
    }
    total as f64 / 1000.0
}

/// One night per local date with sleep in it; paths are filled in by the caller.
pub fn nights(segments: Vec<Segment>) -> Vec<Night> {
    let mut by_night: BTreeMap<NaiveDate, Vec<Segment>> = BTreeMap::new();
    for seg in segments.into_iter().filter(|s| s.end > s.start) {
        by_night.entry(night_of(&seg)).or_default().push(seg);
    }
    by_night
        .into_iter()
        .filter_map(|(date, segs)| {
            let spans = |keep: &dyn Fn(Stage) -> bool| -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
                segs.iter()
                    .filter(|s| keep(s.stage))
                    .map(|s| (s.start, s.end))
                    .collect()
            };
            let asleep = spans(&Stage::is_sleep);
            if asleep.is_empty() {
                return None;
            }
            let start = asleep.iter().map(|s| s.0).min();
            let end = asleep.iter().map(|s| s.1).max();
            let stage = |st: Stage| {
                let v = spans(&|s| s == st);
                (!v.is_empty()).then(|| union_s(v))
            };
            Some(Night {
                date,
                start,
                end,
                asleep_s: union_s(asleep),
                deep_s: stage(Stage::Deep),
                light_s: stage(Stage::Core),
                rem_s: stage(Stage::Rem),
                awake_s: stage(Stage::Awake),
                score: None,
                confirmed: false,
                origin: Origin::AppleHealth,
                path: String::new(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::apple::parse_date;

    fn seg(s: &str, e: &str, stage: Stage) -> Segment {
        let (start, offset_s) = parse_date(s).unwrap();
        Segment {
            start,
            end: parse_date(e).unwrap().0,
            offset_s,
            stage,
        }
    }

    #[test]
    fn overlapping_sources_count_each_minute_once() {
        let n = nights(vec![
            // Phone: one long "asleep" block.
            seg(
                "2026-04-06 23:00:00 -0700",
                "2026-04-07 06:00:00 -0700",
                Stage::Asleep,
            ),
            // Watch: stages inside and past it.
            seg(
                "2026-04-06 23:30:00 -0700",
                "2026-04-07 02:00:00 -0700",
                Stage::Core,
            ),
            seg(
                "2026-04-07 02:00:00 -0700",
                "2026-04-07 03:00:00 -0700",
                Stage::Deep,
            ),
            seg(
                "2026-04-07 05:30:00 -0700",
                "2026-04-07 06:30:00 -0700",
                Stage::Rem,
            ),
            seg(
                "2026-04-06 22:30:00 -0700",
                "2026-04-07 07:00:00 -0700",
                Stage::InBed,
            ),
        ]);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].date, NaiveDate::from_ymd_opt(2026, 4, 7).unwrap());
        // 23:00 → 06:30, not 7 h + 2.5 h + 1 h + 1 h.
        assert_eq!(n[0].asleep_s, 7.5 * 3600.0);
        assert_eq!(n[0].deep_s, Some(3600.0));
        assert_eq!(n[0].awake_s, None);
    }
}
