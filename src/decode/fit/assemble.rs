//! Collected FIT content → one [`Activity`] per session.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use fitparser::profile::FieldDataType;

use super::content::{Collector, SessionMsg, Totals};
use super::profile::{FIT_EPOCH_UNIX_S, MIN_WALL_CLOCK};
use super::records::{Records, col};
use crate::activity::{
    Activity, CadenceRule, Format, Lap, Pause, SelfRating, Series, Source, Sport,
    fit_running_cadence_to_spm,
};
use crate::decode::DecodeError;

/// `file_id.type` of an activity file.
const FILE_ACTIVITY: u64 = 4;

/// The time span a session covers, in FIT seconds.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// The chained FIT file the session came from.
    file: u16,
    start: i64,
    end: i64,
}

/// Builds the activities; `warnings` apply to the whole input (CRC, damage).
pub(super) fn activities(
    mut c: Collector,
    mut warnings: Vec<String>,
) -> Result<Vec<Activity>, DecodeError> {
    if !c.file_types.is_empty() && !c.file_types.contains(&FILE_ACTIVITY) {
        let kind = c.file_types[0];
        let name = super::content::variant_name(FieldDataType::File, kind)
            .unwrap_or_else(|| format!("type {kind}"));
        return Err(DecodeError::NotAnActivity(format!("{name} file")));
    }
    if c.records.len() == 0 && c.sessions.is_empty() {
        return Err(if c.records_without_time > 0 {
            DecodeError::NoData(format!(
                "{} records, none with a timestamp",
                c.records_without_time
            ))
        } else {
            DecodeError::NotAnActivity("no records".into())
        });
    }
    warnings.extend(c.warnings.iter().cloned());
    if c.records_without_time > 0 {
        warnings.push(format!(
            "{} records without a timestamp dropped",
            c.records_without_time
        ));
    }
    let utc_offset_s = match c.utc_offset_s {
        Some(o) if o.abs() <= 18 * 3600 => Some(o as i32),
        Some(o) => {
            warnings.push(format!("implausible UTC offset {o} s ignored"));
            None
        }
        None => None,
    };

    let sessions: Vec<SessionMsg> = if c.sessions.is_empty() {
        vec![session_from_records(&c)]
    } else {
        c.sessions.clone()
    };
    c.records.finish();
    let spans: Vec<Span> = sessions
        .iter()
        .map(|s| span(&s.totals, &c.records))
        .collect();
    let records_of = split(&c.records, &spans);
    let mut laps_of: Vec<Vec<Lap>> = vec![Vec::new(); spans.len()];
    for lap in &c.laps {
        let start = lap
            .start
            .map(i64::from)
            .or_else(|| Some(i64::from(lap.timestamp?) - lap.elapsed_s?.round() as i64));
        let Some(start) = start else { continue };
        let i = owner(start, lap.file, &spans);
        let elapsed_s = lap
            .elapsed_s
            .or_else(|| Some((i64::from(lap.timestamp?) - start) as f64));
        let Some(elapsed_s) = elapsed_s else { continue };
        laps_of[i].push(Lap {
            start_s: (start - spans[i].start) as f64,
            elapsed_s,
            timer_s: lap.timer_s,
            distance_m: lap.distance_m,
        });
    }
    let mut pauses_of: Vec<Vec<Pause>> = vec![Vec::new(); spans.len()];
    for (file, stop, start) in pauses(&c) {
        let i = owner(stop, file, &spans);
        pauses_of[i].push(Pause {
            start_s: (stop - spans[i].start) as f64,
            end_s: (start - spans[i].start) as f64,
        });
    }

    let (fallback_sport, fallback_sub) = c.sport.unwrap_or((None, None));
    let mut out = Vec::with_capacity(sessions.len());
    for (i, (session, span)) in sessions.iter().zip(&spans).enumerate() {
        let sport_code = session.sport.or(fallback_sport);
        let sport = sport_code
            .and_then(|s| super::content::variant_name(FieldDataType::Sport, u64::from(s)))
            .map_or(Sport::Unknown, |l| Sport::from_label(&l));
        // The sport message's sub-sport only speaks for a session that names no sport.
        let sub_code = match session.sport {
            Some(_) => session.sub_sport,
            None => session.sub_sport.or(fallback_sub),
        };
        let sub_sport = sub_code
            .and_then(|s| super::content::variant_name(FieldDataType::SubSport, u64::from(s)));
        let on_foot = matches!(sport, Sport::Running | Sport::Walking | Sport::Hiking);
        let mut notes = warnings.clone();
        let (mut series, dropped) = series(&mut c.records, &records_of[i], span.start, on_foot);
        if i > 0 {
            rebase_distance(&mut series, &c.records, &records_of[..i]);
        }
        if dropped > 0 {
            notes.push(format!("{dropped} records stepping back in time dropped"));
        }
        if series.is_empty() {
            notes.push("session has no usable records: totals only".into());
        }
        if span.start < i64::from(MIN_WALL_CLOCK) {
            notes.push(
                "timestamps are device time since power-on (clock not set): the date is wrong"
                    .into(),
            );
        }
        let cadence_rule = match (&series.cadence_spm, on_foot) {
            (Some(_), true) => CadenceRule::FitStridesTimesTwo,
            // Cycling cadence stays rpm; there is no step cadence to speak of.
            _ => CadenceRule::None,
        };
        let start = DateTime::<Utc>::from_timestamp(FIT_EPOCH_UNIX_S + span.start, 0)
            .unwrap_or(DateTime::UNIX_EPOCH);
        let series_elapsed = match (series.time_s.first(), series.time_s.last()) {
            (Some(a), Some(b)) => b - a,
            _ => 0.0,
        };
        let series_distance = series
            .distance_m
            .as_ref()
            .and_then(|d| d.iter().rev().find(|x| x.is_finite()).copied());
        out.push(Activity {
            source: Source {
                path: String::new(),
                sha256: String::new(),
                format: Format::Fit,
                device: c.device.clone(),
            },
            sport,
            sub_sport,
            start,
            utc_offset_s,
            elapsed_s: session.totals.elapsed_s.unwrap_or(series_elapsed),
            timer_s: session.totals.timer_s,
            distance_m: session.totals.distance_m.or(series_distance),
            device_avg_cadence_spm: session
                .avg_cadence
                .filter(|_| on_foot)
                .map(|c| fit_running_cadence_to_spm(c, session.avg_fractional_cadence)),
            cadence_rule,
            self_rating: SelfRating::new(session.workout_feel, session.workout_rpe),
            laps: std::mem::take(&mut laps_of[i]),
            pauses: std::mem::take(&mut pauses_of[i]),
            series,
            warnings: dedup(notes),
        });
    }
    Ok(out)
}

/// A stand-in session for files that record but never summarise (e.g. nick.fit).
fn session_from_records(c: &Collector) -> SessionMsg {
    let first = c.records.time.iter().copied().reduce(f64::min);
    let last = c.records.time.iter().copied().reduce(f64::max);
    SessionMsg {
        totals: Totals {
            file: c.records.files.first().map_or(0, |f| f.0),
            start: first.map(|t| t as u32),
            timestamp: last.map(|t| t as u32),
            ..Totals::default()
        },
        ..SessionMsg::default()
    }
}

/// The session's span: its start time (or end minus elapsed, or its first
/// record) to start + elapsed (or its timestamp).
fn span(s: &Totals, records: &Records) -> Span {
    let elapsed = s.elapsed_s.map(|e| e.ceil() as i64);
    let start = s
        .start
        .map(i64::from)
        .or_else(|| Some(i64::from(s.timestamp?) - elapsed?))
        .or_else(|| records.time.first().map(|&t| t as i64))
        .unwrap_or(0);
    let end = match (elapsed, s.timestamp) {
        (Some(e), _) => start + e,
        (None, Some(t)) => i64::from(t).max(start),
        (None, None) => i64::MAX,
    };
    Span {
        file: s.file,
        start,
        end,
    }
}

/// Which session a moment of chained file `file` belongs to: the
/// latest-starting one containing it, preferring sessions of the same file
/// (a chained file may repeat an activity), else the nearest one.
fn owner(t: i64, file: u16, spans: &[Span]) -> usize {
    if spans.len() == 1 {
        return 0;
    }
    let containing = spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.start <= t && t <= s.end)
        .max_by_key(|(i, s)| (s.file == file, s.start, std::cmp::Reverse(*i)));
    if let Some((i, _)) = containing {
        return i;
    }
    spans
        .iter()
        .enumerate()
        .min_by_key(|(_, s)| if t < s.start { s.start - t } else { t - s.end })
        .map_or(0, |(i, _)| i)
}

/// Timer stop → next start pairs within each chained file: (file, stop, start) in FIT seconds.
fn pauses(c: &Collector) -> Vec<(u16, i64, i64)> {
    let mut events = c.timer_events.clone();
    events.sort_by_key(|e| (e.file, e.time));
    let mut out = Vec::new();
    let mut stopped: Option<(u16, i64)> = None;
    for e in events {
        let t = i64::from(e.time);
        match (e.stop, stopped) {
            (true, None) => stopped = Some((e.file, t)),
            (true, Some((file, _))) if file != e.file => stopped = Some((e.file, t)),
            (false, Some((file, s))) => {
                if file == e.file && t > s {
                    out.push((file, s, t));
                }
                stopped = None;
            }
            _ => {}
        }
    }
    out
}

/// The records of one session, in file order.
#[derive(Debug)]
enum Share {
    /// Every record (there is one session).
    All,
    /// These record indices.
    Some(Vec<usize>),
}

impl Share {
    fn indices(&self, records: &Records) -> Cow<'_, [usize]> {
        match self {
            Share::All => Cow::Owned((0..records.len()).collect()),
            Share::Some(v) => Cow::Borrowed(v),
        }
    }
}

/// Each session's records (see [`owner`]).
fn split(records: &Records, spans: &[Span]) -> Vec<Share> {
    if spans.len() == 1 {
        return vec![Share::All];
    }
    let mut owners = Owners::new(spans);
    let mut out = vec![Vec::new(); spans.len()];
    for (i, (&t, file)) in records.time.iter().zip(records.file_of_each()).enumerate() {
        out[owners.of(t as i64, file)].push(i);
    }
    out.into_iter().map(Share::Some).collect()
}

/// [`owner`] for many moments: between two consecutive span edges the
/// spans holding a moment do not change, so neither does its owner; each
/// stretch is decided once per chained file.
struct Owners<'a> {
    spans: &'a [Span],
    /// Every span's start and end + 1, sorted: stretch `k` is `edges[k]..edges[k + 1]`.
    edges: Vec<i64>,
    /// Per chained file, the owner of each stretch (`None`: no span holds
    /// it, so the nearest one is looked for each time).
    by_file: Vec<(u16, Vec<Option<usize>>)>,
}

impl<'a> Owners<'a> {
    fn new(spans: &'a [Span]) -> Self {
        let mut edges: Vec<i64> = spans
            .iter()
            .flat_map(|s| [s.start, s.end.saturating_add(1)])
            .collect();
        edges.sort_unstable();
        edges.dedup();
        Owners {
            spans,
            edges,
            by_file: Vec::new(),
        }
    }

    fn of(&mut self, t: i64, file: u16) -> usize {
        let k = self.edges.partition_point(|&e| e <= t);
        if k == 0 || k == self.edges.len() {
            return owner(t, file, self.spans);
        }
        let table = match self.by_file.iter().position(|(f, _)| *f == file) {
            Some(i) => &self.by_file[i].1,
            None => {
                let (spans, edges) = (self.spans, &self.edges);
                let table = edges[..edges.len() - 1]
                    .iter()
                    .map(|&e| {
                        spans
                            .iter()
                            .any(|s| s.start <= e && e <= s.end)
                            .then(|| owner(e, file, spans))
                    })
                    .collect();
                self.by_file.push((file, table));
                &self.by_file[self.by_file.len() - 1].1
            }
        };
        table[k - 1].unwrap_or_else(|| owner(t, file, self.spans))
    }
}

/// Multisport devices keep one running distance across legs; a later leg's
/// series starts from its own first distance when it continues the earlier
/// legs' count, so each leg measures itself.
fn rebase_distance(series: &mut Series, records: &Records, earlier: &[Share]) {
    let distance = &records.cols[col::DISTANCE];
    let before = earlier.iter().rev().find_map(|share| {
        let indices = share.indices(records);
        indices
            .iter()
            .rev()
            .filter_map(|&i| distance.get(i).copied())
            .find(|d| d.is_finite())
    });
    let Some(d) = series.distance_m.as_mut() else {
        return;
    };
    let (Some(before), Some(first)) = (before, d.iter().copied().find(|x| x.is_finite())) else {
        return;
    };
    if first + 1.0 >= before && first > 0.0 {
        for x in d.iter_mut() {
            *x -= first;
        }
    }
}

/// The session's columns. Records stepping back in time are dropped (the
/// series' time never decreases); returns how many.
///
/// A single session whose time never steps back takes the columns as they
/// are; otherwise they are gathered by index.
fn series(records: &mut Records, share: &Share, start: i64, on_foot: bool) -> (Series, usize) {
    let mut last = f64::MIN;
    let steps_back = |t: f64, last: &mut f64| {
        let back = t < *last;
        if !back {
            *last = t;
        }
        back
    };
    let take_all =
        matches!(share, Share::All) && !records.time.iter().any(|&t| steps_back(t, &mut last));
    let native_power = {
        let power = &records.cols[col::POWER];
        match share {
            Share::All => power.iter().any(|x| x.is_finite()),
            Share::Some(v) => v
                .iter()
                .any(|&i| power.get(i).is_some_and(|x| x.is_finite())),
        }
    };
    // FIT seconds are whole and far below 2^53: the subtraction is exact.
    let start_s = start as f64;
    let (time_s, mut cols, dropped) = if take_all {
        let mut time_s = std::mem::take(&mut records.time);
        for t in &mut time_s {
            *t -= start_s;
        }
        (time_s, std::mem::take(&mut records.cols), 0)
    } else {
        let all = share.indices(records);
        let mut last = f64::MIN;
        let kept: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| !steps_back(records.time[i], &mut last))
            .collect();
        let time_s = kept.iter().map(|&i| records.time[i] - start_s).collect();
        let cols = std::array::from_fn(|c| {
            let column = &records.cols[c];
            if column.is_empty() {
                Vec::new()
            } else {
                kept.iter().map(|&i| column[i]).collect()
            }
        });
        (time_s, cols, all.len() - kept.len())
    };
    if on_foot {
        // cadence already carries its fraction
        for x in &mut cols[col::CADENCE] {
            *x = fit_running_cadence_to_spm(*x, None);
        }
    }
    let power = if native_power {
        col::POWER
    } else {
        col::DEV_POWER
    };
    let mut take = |c: usize| Some(std::mem::take(&mut cols[c])).filter(|v| !v.is_empty());
    let mut s = Series {
        time_s,
        distance_m: take(col::DISTANCE),
        speed_mps: take(col::SPEED),
        cadence_spm: take(col::CADENCE),
        heart_rate_bpm: take(col::HEART_RATE),
        altitude_m: take(col::ALTITUDE),
        lat_deg: take(col::LAT),
        lon_deg: take(col::LON),
        power_w: take(power),
        stance_time_ms: take(col::STANCE_TIME),
        stance_balance_pct: take(col::STANCE_BALANCE),
        vertical_oscillation_mm: take(col::VERTICAL_OSCILLATION),
        vertical_ratio_pct: take(col::VERTICAL_RATIO),
        step_length_mm: take(col::STEP_LENGTH),
        temperature_c: take(col::TEMPERATURE),
    };
    s.prune_empty_channels();
    (s, dropped)
}

fn dedup(notes: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(notes.len());
    for n in notes {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_agree_with_owner_everywhere() {
        let span = |file, start, end| Span { file, start, end };
        let spans = [
            span(0, 0, 100),
            span(0, 100, 200),
            span(1, 50, 150),
            span(0, 300, i64::MAX),
            span(1, 180, 190),
        ];
        let mut owners = Owners::new(&spans);
        for file in [0, 1, 2] {
            for t in -10..400 {
                assert_eq!(
                    owners.of(t, file),
                    owner(t, file, &spans),
                    "t {t} file {file}"
                );
            }
        }
    }

    #[test]
    fn boundary_moments_go_to_the_later_session_and_strays_to_the_nearest() {
        let span = |file, start, end| Span { file, start, end };
        let spans = [span(0, 0, 100), span(0, 100, 200)];
        assert_eq!(owner(50, 0, &spans), 0);
        assert_eq!(owner(100, 0, &spans), 1);
        assert_eq!(owner(-5, 0, &spans), 0);
        assert_eq!(owner(260, 0, &spans), 1);
        // a chained copy of the same session keeps its own records
        let copies = [span(0, 0, 100), span(1, 0, 100)];
        assert_eq!(owner(50, 0, &copies), 0);
        assert_eq!(owner(50, 1, &copies), 1);
    }
}
