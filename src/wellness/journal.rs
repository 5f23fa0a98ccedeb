//! The runner's own journal, for what no device records: `journal.csv` or
//! `[[journal]]` entries in `athlete.toml`, one entry per day with any of
//! hours slept, how heavy the legs felt (1–5), RPE (1–10), a ferritin
//! result (µg/L) and a note.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::csv::rows;
use super::{DayValue, Feel, Night, Note, Origin, Wellness, WellnessError};

const ORIGIN: Origin = Origin::Journal;

/// One day of the journal (a `journal.csv` row or a `[[journal]]` table).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JournalEntry {
    /// `date = 2026-03-02` (a TOML date) or `date = "2026-03-02"`.
    #[serde(deserialize_with = "toml_date")]
    pub date: Option<NaiveDate>,
    /// Hours slept the night that ended this morning.
    pub sleep_h: Option<f64>,
    /// 1 (fresh) – 5 (very heavy).
    pub legs: Option<u8>,
    /// Rate of perceived exertion of the day's run, 1–10.
    pub rpe: Option<f64>,
    pub ferritin_ug_l: Option<f64>,
    pub note: Option<String>,
}

/// A TOML local date arrives as a map holding its text; a quoted date as a string.
fn toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Option<NaiveDate>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a date like 2026-03-02")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            s.get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .filter(|_| s.len() == 10)
                .map(Some)
                .ok_or_else(|| E::custom(format!("{s:?} is not a date like 2026-03-02")))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> Result<Self::Value, A::Error> {
            match m.next_entry::<String, String>()? {
                Some((_, text)) => self.visit_str(&text),
                None => Err(serde::de::Error::custom("an empty date")),
            }
        }
    }
    d.deserialize_any(V)
}

const COLUMNS: &[&str] = &["date", "sleep_h", "legs", "rpe", "ferritin_ug_l", "note"];

/// Journal entries into the model; an implausible value is a warning naming
/// `path` and the day, the entry's other values still count.
pub fn entries(path: &str, list: &[JournalEntry]) -> Wellness {
    let mut w = Wellness::default();
    for (i, e) in list.iter().enumerate() {
        let Some(day) = e.date else {
            w.warnings.push(format!("{path}: entry {}: no date", i + 1));
            continue;
        };
        let mut bad = |what: String| w.warnings.push(format!("{path}: {day}: {what}"));
        let sleep_h = e.sleep_h.filter(|h| {
            let ok = *h > 0.0 && *h <= 20.0;
            if !ok {
                bad(format!("sleep_h {h} is not 0–20 h"));
            }
            ok
        });
        let legs = e.legs.filter(|l| {
            let ok = (1..=5).contains(l);
            if !ok {
                bad(format!("legs {l} is not 1–5"));
            }
            ok
        });
        let rpe = e.rpe.filter(|r| {
            let ok = (1.0..=10.0).contains(r);
            if !ok {
                bad(format!("rpe {r} is not 1–10"));
            }
            ok
        });
        let ferritin = e.ferritin_ug_l.filter(|f| {
            let ok = *f > 0.0 && *f < 5000.0;
            if !ok {
                bad(format!("ferritin_ug_l {f} is not plausible"));
            }
            ok
        });
        if let Some(h) = sleep_h {
            w.nights.push(Night {
                date: day,
                start: None,
                end: None,
                asleep_s: h * 3600.0,
                deep_s: None,
                light_s: None,
                rem_s: None,
                awake_s: None,
                score: None,
                confirmed: true,
                origin: ORIGIN,
                path: path.to_owned(),
            });
        }
        if legs.is_some() || rpe.is_some() {
            w.feels.push(Feel {
                start: None,
                date: Some(day),
                file: None,
                feel: None,
                rpe,
                legs,
                origin: ORIGIN,
            });
        }
        if let Some(f) = ferritin {
            w.ferritin.push(DayValue {
                date: day,
                value: f,
                origin: ORIGIN,
                path: path.to_owned(),
            });
        }
        if let Some(text) = e.note.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            w.notes.push(Note {
                date: day,
                text: text.to_owned(),
            });
        }
    }
    w
}

/// `journal.csv`: a header with `date` and any of the other columns; an
/// unreadable cell is a warning naming the line, the row's other cells count.
pub fn csv(path: &str, bytes: &[u8]) -> Result<Wellness, WellnessError> {
    let text = std::str::from_utf8(bytes).map_err(|_| WellnessError::NotText)?;
    let all = rows(text);
    let Some((head, body)) = all.split_first() else {
        return Err(WellnessError::Layout("empty file".into()));
    };
    let names: Vec<String> = head
        .fields
        .iter()
        .map(|f| f.trim().to_ascii_lowercase())
        .collect();
    if !names.iter().any(|n| n == "date") {
        return Err(WellnessError::MissingColumn("date".into()));
    }
    let mut warnings = Vec::new();
    let unknown: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !COLUMNS.contains(n))
        .collect();
    if !unknown.is_empty() {
        warnings.push(format!(
            "{path}: columns {} are not journal columns and were not read",
            unknown.join(", ")
        ));
    }
    let mut list = Vec::with_capacity(body.len());
    for row in body {
        let mut e = JournalEntry::default();
        for (name, cell) in names.iter().zip(&row.fields) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            let mut unreadable = || {
                warnings.push(format!(
                    "{path}: line {}: {name} {cell:?} is not readable",
                    row.line
                ))
            };
            match name.as_str() {
                "date" => match NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
                    Ok(d) => e.date = Some(d),
                    Err(_) => unreadable(),
                },
                "sleep_h" => {
                    e.sleep_h = cell.parse().ok().or_else(|| {
                        unreadable();
                        None
                    })
                }
                "legs" => {
                    e.legs = cell.parse().ok().or_else(|| {
                        unreadable();
                        None
                    })
                }
                "rpe" => {
                    e.rpe = cell.parse().ok().or_else(|| {
                        unreadable();
                        None
                    })
                }
                "ferritin_ug_l" => {
                    e.ferritin_ug_l = cell.parse().ok().or_else(|| {
                        unreadable();
                        None
                    })
                }
                "note" => e.note = Some(cell.to_owned()),
                _ => {}
            }
        }
        if e.date.is_none() {
            warnings.push(format!("{path}: line {}: no readable date", row.line));
            continue;
        }
        list.push(e);
    }
    let mut w = entries(path, &list);
    warnings.append(&mut w.warnings);
    w.warnings = warnings;
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_rows_become_nights_feels_ferritin_and_notes() {
        let csv_text = "date,sleep_h,legs,rpe,ferritin_ug_l,note,mood\n\
                        2026-03-02,6.5,4,,,\"heavy, stairs hurt\",ok\n\
                        2026-03-03,,2,5,,,\n\
                        2026-03-04,,,,28,blood test,\n\
                        2026-03-05,7.5,9,,,,\n\
                        03/06/2026,8,,,,,\n";
        let w = csv("journal.csv", csv_text.as_bytes()).unwrap();
        assert_eq!(w.nights.len(), 2);
        assert_eq!(w.nights[0].asleep_s, 6.5 * 3600.0);
        assert!(w.nights[0].confirmed);
        assert_eq!(w.nights[0].origin, Origin::Journal);
        let legs: Vec<Option<u8>> = w.feels.iter().map(|f| f.legs).collect();
        assert_eq!(legs, [Some(4), Some(2)]);
        assert_eq!(w.feels[1].rpe, Some(5.0));
        assert_eq!(w.ferritin.len(), 1);
        assert_eq!(w.ferritin[0].value, 28.0);
        assert_eq!(w.notes[0].text, "heavy, stairs hurt");
        assert_eq!(w.warnings.len(), 4, "{:?}", w.warnings);
        assert!(w.warnings[0].contains("columns mood"));
        assert!(w.warnings[1].contains("line 6: date \"03/06/2026\""));
        assert!(w.warnings[2].contains("line 6: no readable date"));
        assert!(w.warnings[3].contains("2026-03-05: legs 9 is not 1–5"));
    }
}
