//! UTC instants and the exact text formats Go (and nginx) print them in.
//!
//! dcos-diagnostics is written in Go, so its timestamps follow Go's layouts: `time.Time` in JSON is
//! RFC 3339 with *trailing zeros of the fraction trimmed* (`RFC3339Nano`), `Last-Modified-3DT` is
//! `time.ANSIC` (day padded with a space), and journal lines use `Time.String()`
//! (`2006-01-02 15:04:05.999999999 -0700 MST`). No date crate formats these Go-specific layouts,
//! so the handful of calendar computations live here.

use std::time::{SystemTime, UNIX_EPOCH};

/// An instant in UTC with nanosecond precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoTime {
    /// Seconds since the Unix epoch.
    pub secs: i64,
    /// Nanoseconds within the second (`0..1_000_000_000`).
    pub nanos: u32,
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Broken-down UTC calendar fields.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    weekday: usize,
}

impl GoTime {
    /// The current time.
    pub fn now() -> GoTime {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        GoTime {
            secs: d.as_secs() as i64,
            nanos: d.subsec_nanos(),
        }
    }

    /// Builds an instant from calendar fields (UTC).
    pub fn from_ymd_hms_nano(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
        nanos: u32,
    ) -> GoTime {
        let days = days_from_civil(year, month, day);
        GoTime {
            secs: days * 86_400
                + i64::from(hour) * 3600
                + i64::from(minute) * 60
                + i64::from(second),
            nanos,
        }
    }

    /// Returns this instant moved by `nanos` nanoseconds (may be negative).
    pub fn add_nanos(self, nanos: i64) -> GoTime {
        let total =
            i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos) + i128::from(nanos);
        GoTime {
            secs: total.div_euclid(1_000_000_000) as i64,
            nanos: total.rem_euclid(1_000_000_000) as u32,
        }
    }

    fn civil(self) -> Civil {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem % 3600 / 60,
            second: rem % 60,
            weekday: days.rem_euclid(7) as usize,
        }
    }

    /// Go's `time.RFC3339Nano` as used by `encoding/json`: `2020-11-18T09:30:02.418226851Z`, with
    /// trailing zeros of the fraction removed (and no fraction at all for whole seconds).
    pub fn rfc3339_nano(self) -> String {
        let c = self.civil();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}Z",
            c.year,
            c.month,
            c.day,
            c.hour,
            c.minute,
            c.second,
            trimmed_fraction(self.nanos)
        )
    }

    /// Go's `time.ANSIC` layout (`Mon Jan _2 15:04:05 2006`), as in the `Last-Modified-3DT` header.
    pub fn ansic(self) -> String {
        let c = self.civil();
        format!(
            "{} {} {:>2} {:02}:{:02}:{:02} {}",
            WEEKDAYS[c.weekday],
            MONTHS[(c.month - 1) as usize],
            c.day,
            c.hour,
            c.minute,
            c.second,
            c.year
        )
    }

    /// The HTTP `Date` header form (RFC 7231 IMF-fixdate): `Wed, 18 Nov 2020 09:30:02 GMT`.
    pub fn http_date(self) -> String {
        let c = self.civil();
        format!(
            "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
            WEEKDAYS[c.weekday],
            c.day,
            MONTHS[(c.month - 1) as usize],
            c.year,
            c.hour,
            c.minute,
            c.second
        )
    }

    /// Go's `Time.String()` for a UTC time: `2020-11-18 09:28:01.112233 +0000 UTC` (fraction trimmed).
    /// dcos-diagnostics prefixes each journal line of a failed unit's `output` with this.
    pub fn go_string_utc(self) -> String {
        let c = self.civil();
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}{} +0000 UTC",
            c.year,
            c.month,
            c.day,
            c.hour,
            c.minute,
            c.second,
            trimmed_fraction(self.nanos)
        )
    }

    /// Parses the RFC 3339 UTC form Go writes (`2020-11-18T09:30:02.418226851Z`, fraction optional).
    pub fn parse_rfc3339_utc(text: &str) -> Option<GoTime> {
        let b = text.as_bytes();
        if b.len() < 20 || *b.last()? != b'Z' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> { text.get(r)?.parse().ok() };
        if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let year = i64::from(num(0..4)?);
        let (month, day, hour, minute, second) = (
            num(5..7)?,
            num(8..10)?,
            num(11..13)?,
            num(14..16)?,
            num(17..19)?,
        );
        let frac = &text[19..text.len() - 1];
        let nanos = if frac.is_empty() {
            0
        } else {
            let digits = frac.strip_prefix('.')?;
            if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|d| d.is_ascii_digit())
            {
                return None;
            }
            let mut n: u32 = digits.parse().ok()?;
            for _ in digits.len()..9 {
                n *= 10;
            }
            n
        };
        Some(GoTime::from_ymd_hms_nano(
            year, month, day, hour, minute, second, nanos,
        ))
    }
}

/// `.418226851` style fraction with trailing zeros removed; empty for zero.
fn trimmed_fraction(nanos: u32) -> String {
    if nanos == 0 {
        return String::new();
    }
    let digits = format!("{nanos:09}");
    format!(".{}", digits.trim_end_matches('0'))
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_go_layouts() {
        let t = GoTime::parse_rfc3339_utc("2020-11-18T09:30:02.418226851Z").unwrap();
        assert_eq!(t.rfc3339_nano(), "2020-11-18T09:30:02.418226851Z");
        assert_eq!(t.ansic(), "Wed Nov 18 09:30:02 2020");
        assert_eq!(t.http_date(), "Wed, 18 Nov 2020 09:30:02 GMT");
        let j = GoTime::from_ymd_hms_nano(2020, 11, 18, 9, 28, 1, 112_233_000);
        assert_eq!(j.go_string_utc(), "2020-11-18 09:28:01.112233 +0000 UTC");
        assert_eq!(
            GoTime::from_ymd_hms_nano(2020, 11, 8, 9, 0, 0, 0).ansic(),
            "Sun Nov  8 09:00:00 2020"
        );
        assert_eq!(
            GoTime::from_ymd_hms_nano(2016, 2, 29, 23, 59, 59, 500_000_000).rfc3339_nano(),
            "2016-02-29T23:59:59.5Z"
        );
        assert_eq!(
            t.add_nanos(-418_226_851).rfc3339_nano(),
            "2020-11-18T09:30:02Z"
        );
        assert_eq!(
            GoTime::parse_rfc3339_utc("2020-11-18T09:30:02Z")
                .unwrap()
                .nanos,
            0
        );
        assert!(GoTime::parse_rfc3339_utc("2020-11-18 09:30:02Z").is_none());
    }
}
