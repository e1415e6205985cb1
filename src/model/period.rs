//! OKR periods: a year, a half or a quarter, with the dates they cover.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, date};
use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub year: i16,
    pub part: Part,
}

/// Ordered so that within a year the whole year sorts first, then halves, then quarters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    Year,
    Half(u8),
    Quarter(u8),
}

impl Period {
    pub fn start(self) -> Date {
        let month = match self.part {
            Part::Year => 1,
            Part::Half(h) => (h as i8 - 1) * 6 + 1,
            Part::Quarter(q) => (q as i8 - 1) * 3 + 1,
        };
        date(self.year, month, 1)
    }

    pub fn end(self) -> Date {
        let last_month = match self.part {
            Part::Year => 12,
            Part::Half(h) => h as i8 * 6,
            Part::Quarter(q) => q as i8 * 3,
        };
        date(self.year, last_month, 1).last_of_month()
    }

    pub fn contains(self, day: Date) -> bool {
        self.start() <= day && day <= self.end()
    }

    /// The quarter that contains a day.
    pub fn quarter_of(day: Date) -> Period {
        Period {
            year: day.year(),
            part: Part::Quarter(((day.month() - 1) / 3 + 1) as u8),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Four digits, as written: `0900-Q1` is not `900-Q1`.
        let year = self.year;
        match self.part {
            Part::Year => write!(f, "{year:04}"),
            Part::Half(h) => write!(f, "{year:04}-H{h}"),
            Part::Quarter(q) => write!(f, "{year:04}-Q{q}"),
        }
    }
}

impl FromStr for Period {
    type Err = ();

    fn from_str(text: &str) -> Result<Period, ()> {
        let (year, rest) = match text.split_once('-') {
            Some((year, rest)) => (year, Some(rest)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(());
        }
        let year: i16 = year.parse().map_err(|_| ())?;
        // Year 0000 is out of range, as it is for dates.
        if year == 0 {
            return Err(());
        }
        let part = match rest {
            None => Part::Year,
            Some(rest) => {
                // A letter and one digit: `Q1`, not `Q01` or `Q+1`.
                let &[letter, digit] = rest.as_bytes() else {
                    return Err(());
                };
                if !digit.is_ascii_digit() {
                    return Err(());
                }
                let n = digit - b'0';
                match (letter.to_ascii_uppercase(), n) {
                    (b'H', 1..=2) => Part::Half(n),
                    (b'Q', 1..=4) => Part::Quarter(n),
                    _ => return Err(()),
                }
            }
        };
        Ok(Period { year, part })
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_a_year_and_a_letter_and_one_digit() {
        for good in ["2026", "2026-Q4", "2026-q1", "2026-H2", "0001"] {
            assert!(good.parse::<Period>().is_ok(), "{good}");
        }
        for bad in [
            "0000", "0000-Q1", "2026-Q01", "2026-Q+1", "2026-Q5", "2026-H3", "2026-", "26-Q1",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_and_bounds_periods() {
        let q: Period = "2026-Q3".parse().unwrap();
        assert_eq!(q.start(), date(2026, 7, 1));
        assert_eq!(q.end(), date(2026, 9, 30));
        let h: Period = "2026-H1".parse().unwrap();
        assert_eq!(h.end(), date(2026, 6, 30));
        let y: Period = "2027".parse().unwrap();
        assert_eq!(y.to_string(), "2027");
        assert!("2026-Q5".parse::<Period>().is_err());
        assert!("26-Q1".parse::<Period>().is_err());
        assert!("2026-X1".parse::<Period>().is_err());
        // Shown as written, four digits.
        for written in ["0001-Q1", "0900-H2", "0042"] {
            assert_eq!(written.parse::<Period>().unwrap().to_string(), written);
        }
    }

    #[test]
    fn quarter_of_a_day() {
        assert_eq!(
            Period::quarter_of(date(2026, 11, 23)).to_string(),
            "2026-Q4"
        );
    }
}
