//! Strava bulk export: `activities.csv` and `shoes.csv`, read by header
//! name. The activities header repeats names (`Elapsed Time`, `Distance`,
//! `Max Heart Rate`, …): the first `Distance` is in the account's display
//! units, the last one in metres. `Filename` links a row to its file under
//! `activities/` and is empty for entries made by hand.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::csv::{Row, rows};
use super::{ExportActivity, Feel, Gear, GearUse, Origin, Wellness, WellnessError};

const ORIGIN: Origin = Origin::StravaExport;

/// Column positions by name; repeated names keep every position in order.
struct Header(HashMap<String, Vec<usize>>);

impl Header {
    fn new(row: &Row) -> Header {
        let mut map: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, name) in row.fields.iter().enumerate() {
            map.entry(name.trim().to_owned()).or_default().push(i);
        }
        Header(map)
    }

    fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// The first column of that name in `row`, trimmed, `None` when empty.
    fn first<'r>(&self, row: &'r Row, name: &str) -> Option<&'r str> {
        self.at(row, *self.0.get(name)?.first()?)
    }

    /// The last column of that name (the metric one of a repeated pair).
    fn last<'r>(&self, row: &'r Row, name: &str) -> Option<&'r str> {
        self.at(row, *self.0.get(name)?.last()?)
    }

    fn at<'r>(&self, row: &'r Row, i: usize) -> Option<&'r str> {
        row.fields
            .get(i)
            .map(|f| f.trim())
            .filter(|f| !f.is_empty())
    }

    /// Checks the columns a reader needs. A header with none of them is a
    /// foreign-language export: the error names its first columns.
    fn require(&self, header: &Row, needed: &[&str]) -> Result<(), WellnessError> {
        if needed.iter().all(|n| self.has(n)) {
            return Ok(());
        }
        if !needed.iter().any(|n| self.has(n)) {
            let shown: Vec<String> = header
                .fields
                .iter()
                .take(6)
                .map(|f| format!("'{}'", f.trim()))
                .collect();
            return Err(WellnessError::UnknownColumns {
                columns: shown.join(", "),
            });
        }
        let missing: Vec<&str> = needed.iter().copied().filter(|n| !self.has(n)).collect();
        Err(WellnessError::MissingColumn(missing.join(", ")))
    }
}

fn text(bytes: &[u8]) -> Result<&str, WellnessError> {
    std::str::from_utf8(bytes).map_err(|_| WellnessError::NotText)
}

/// `Sep 12, 2018, 3:02:23 PM` (UTC), as Strava writes `Activity Date`.
fn strava_time(s: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(s, "%b %d, %Y, %I:%M:%S %p")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S"))
        .ok()
        .map(|t| t.and_utc())
}

fn number(s: Option<&str>) -> Option<f64> {
    s?.replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

/// `activities.csv`: one [`ExportActivity`] per row, a [`GearUse`] per row
/// with `Activity Gear`, a [`Feel`] per row with `Perceived Exertion`.
pub fn activities(path: &str, bytes: &[u8]) -> Result<Wellness, WellnessError> {
    let all = rows(text(bytes)?);
    let Some((head, body)) = all.split_first() else {
        return Err(WellnessError::Layout("empty file".into()));
    };
    let h = Header::new(head);
    if h.has("path") && h.has("status") && !h.has("Activity ID") {
        return Err(WellnessError::NotWellness(
            "heavylegs' own activities table",
        ));
    }
    h.require(head, &["Activity ID", "Activity Date", "Filename"])?;
    let mut w = Wellness::default();
    for row in body {
        let line = row.line;
        let Some(id) = h.first(row, "Activity ID") else {
            w.warnings
                .push(format!("{path}: line {line}: no Activity ID"));
            continue;
        };
        let start = h.first(row, "Activity Date").and_then(strava_time);
        if start.is_none() {
            w.warnings.push(format!(
                "{path}: line {line}: Activity Date {:?} is not readable",
                h.first(row, "Activity Date").unwrap_or("")
            ));
        }
        let file = h.first(row, "Filename").map(str::to_owned);
        // Only a repeated Distance is known to be metres.
        let distance_m =
            h.0.get("Distance")
                .filter(|cols| cols.len() > 1)
                .and_then(|_| number(h.last(row, "Distance")));
        w.activities.push(ExportActivity {
            id: id.to_owned(),
            start,
            distance_m,
            sport: h.first(row, "Activity Type").map(str::to_owned),
            name: h.first(row, "Activity Name").map(str::to_owned),
            origin: ORIGIN,
            path: path.to_owned(),
        });
        if let Some(gear) = h.first(row, "Activity Gear") {
            w.gear_uses.push(GearUse {
                gear_id: gear.to_owned(),
                start,
                file: file.clone(),
                origin: ORIGIN,
            });
        }
        if let Some(raw) = h.last(row, "Perceived Exertion") {
            match number(Some(raw)).filter(|r| (1.0..=10.0).contains(r)) {
                Some(rpe) => w.feels.push(Feel {
                    start,
                    date: start.map(|s| s.date_naive()),
                    file,
                    feel: None,
                    rpe: Some(rpe),
                    legs: None,
                    origin: ORIGIN,
                }),
                None => w.warnings.push(format!(
                    "{path}: line {line}: Perceived Exertion {raw:?} is not 1–10"
                )),
            }
        }
    }
    Ok(w)
}

/// `shoes.csv`: each pair; its id is `Shoe Name` (what `Activity Gear`
/// shows), else brand and model.
pub fn shoes(path: &str, bytes: &[u8]) -> Result<Wellness, WellnessError> {
    let all = rows(text(bytes)?);
    let Some((head, body)) = all.split_first() else {
        return Err(WellnessError::Layout("empty file".into()));
    };
    let h = Header::new(head);
    h.require(head, &["Shoe Name", "Shoe Brand", "Shoe Model"])?;
    let mut w = Wellness::default();
    for row in body {
        let brand_model: Vec<&str> = [h.first(row, "Shoe Brand"), h.first(row, "Shoe Model")]
            .into_iter()
            .flatten()
            .collect();
        let name = match h.first(row, "Shoe Name") {
            Some(n) => n.to_owned(),
            None if !brand_model.is_empty() => brand_model.join(" "),
            None => {
                w.warnings
                    .push(format!("{path}: line {}: a shoe without a name", row.line));
                continue;
            }
        };
        w.gear.push(Gear {
            id: name.clone(),
            name,
            is_shoe: true,
            retired: false,
            since: None,
            until: None,
            max_km: None,
            origin: ORIGIN,
            path: path.to_owned(),
        });
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIVITIES: &str = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,\
Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,\
Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Perceived Exertion\n\
101,\"Mar 2, 2026, 2:30:00 PM\",Easy,Run,,2400,6.21,160,40,false,,Pegasus,activities/101.fit.gz,,,2400,2350,\"10,000.0\",4.1,4\n\
102,\"Mar 3, 2026, 6:05:09 AM\",\"Treadmill, manual\",Run,\"felt heavy\",1800,3.1,,,false,,Pegasus,,,,1800,1800,5000.0,,8\n\
103,\"Mar 4, 2026, 6:05:09 AM\",Ride,Ride,,3600,20,,,false,,,activities/103.gpx,,,3600,3500,32000,,\n\
,\"Mar 5, 2026, 6:05:09 AM\",Broken,Run,,,,,,,,,,,,,,,,\n";

    #[test]
    fn activities_by_header_name_with_repeated_columns() {
        let w = activities("export!activities.csv", ACTIVITIES.as_bytes()).unwrap();
        assert_eq!(w.activities.len(), 3);
        // The later Distance is metres (the first, 6.21, is miles here).
        assert_eq!(w.activities[0].distance_m, Some(10_000.0));
        assert_eq!(w.activities[1].distance_m, Some(5_000.0));
        assert_eq!(
            w.activities[0].start.unwrap().to_rfc3339(),
            "2026-03-02T14:30:00+00:00"
        );
        assert_eq!(w.activities[1].name.as_deref(), Some("Treadmill, manual"));
        assert_eq!(w.gear_uses.len(), 2);
        assert_eq!(
            w.gear_uses[0].file.as_deref(),
            Some("activities/101.fit.gz")
        );
        // The manual entry has no file: found by its start.
        assert_eq!(w.gear_uses[1].file, None);
        assert_eq!(
            w.gear_uses[1].start.unwrap().to_rfc3339(),
            "2026-03-03T06:05:09+00:00"
        );
        let rpe: Vec<f64> = w.feels.iter().filter_map(|f| f.rpe).collect();
        assert_eq!(rpe, [4.0, 8.0]);
        assert_eq!(
            w.warnings,
            ["export!activities.csv: line 5: no Activity ID"]
        );
    }

    #[test]
    fn a_german_header_is_a_clear_error() {
        let de = "Aktivitäts-ID,Datum der Aktivität,Name der Aktivität,Aktivitätsart,Beschreibung\n1,x,y,z,\n";
        let e = activities("activities.csv", de.as_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown columns 'Aktivitäts-ID', 'Datum der Aktivität', 'Name der Aktivität', \
             'Aktivitätsart', 'Beschreibung' (a localised export? heavylegs reads the English header)"
        );
        let half = "Activity ID,Activity Date\n1,x\n";
        let e = activities("activities.csv", half.as_bytes()).unwrap_err();
        assert_eq!(e.to_string(), "missing column Filename");
    }

    #[test]
    fn shoes_by_name_or_brand_and_model() {
        let csv = "Shoe Name,Shoe Brand,Shoe Model,Shoe Default Sport Types\n\
                   Pegasus,Nike,Pegasus 40,Run\n,Saucony,Ride 17,\n,,,\n";
        let w = shoes("shoes.csv", csv.as_bytes()).unwrap();
        let names: Vec<&str> = w.gear.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(names, ["Pegasus", "Saucony Ride 17"]);
        assert!(w.gear.iter().all(|g| g.is_shoe));
        assert_eq!(w.warnings.len(), 1);
    }
}
