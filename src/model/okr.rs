//! Key results, their check-ins, and the computed progress, score and health.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Increase,
    Decrease,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkin {
    pub date: Date,
    pub value: f64,
    #[serde(default)]
    pub confidence: Option<f64>,
    #[serde(default)]
    pub note: Option<String>,
    /// The line of its `date`, for diagnostics.
    #[serde(skip)]
    pub line: usize,
    /// The line of its `confidence`, when it has one, else its `date`'s.
    #[serde(skip)]
    pub confidence_line: usize,
    /// The line of its `value`, else its `date`'s.
    #[serde(skip)]
    pub value_line: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyResult {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub direction: Option<Direction>,
    pub baseline: f64,
    pub target: f64,
    #[serde(default)]
    pub current: Option<f64>,
    #[serde(default)]
    pub confidence: Option<f64>,
    #[serde(default)]
    pub checkins: Vec<Checkin>,
    /// Where the key result is written (its `id` line), for diagnostics.
    #[serde(skip)]
    pub line: usize,
    /// The lines of its own `confidence` and `current`, where they are written, else
    /// its `id`'s.
    #[serde(skip)]
    pub confidence_line: usize,
    #[serde(skip)]
    pub current_line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Health {
    OnTrack,
    AtRisk,
    OffTrack,
}

impl Health {
    pub fn from_score(score: f64) -> Health {
        if score >= 0.7 {
            Health::OnTrack
        } else if score >= 0.4 {
            Health::AtRisk
        } else {
            Health::OffTrack
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Health::OnTrack => "on track",
            Health::AtRisk => "at risk",
            Health::OffTrack => "off track",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Health::OnTrack => "on-track",
            Health::AtRisk => "at-risk",
            Health::OffTrack => "off-track",
        }
    }
}

impl KeyResult {
    /// Check-ins in date order.
    pub fn sorted_checkins(&self) -> Vec<&Checkin> {
        let mut list: Vec<&Checkin> = self.checkins.iter().collect();
        list.sort_by_key(|c| c.date);
        list
    }

    /// `current`, else the latest check-in's value.
    pub fn current_value(&self) -> Option<f64> {
        self.current
            .or_else(|| self.checkins.iter().max_by_key(|c| c.date).map(|c| c.value))
    }

    /// `confidence`, else the confidence of the latest check-in that gives one: it stands
    /// until a later check-in gives another.
    pub fn current_confidence(&self) -> Option<f64> {
        self.confidence.or_else(|| {
            self.checkins
                .iter()
                .filter(|c| c.confidence.is_some())
                .max_by_key(|c| c.date)
                .and_then(|c| c.confidence)
        })
    }

    /// `(current - baseline) / (target - baseline)` clamped to 0..1; the direction is implied
    /// by the sign of `target - baseline`.
    pub fn progress(&self) -> Option<f64> {
        let current = self.current_value()?;
        let span = self.target - self.baseline;
        if span == 0.0 || !span.is_finite() {
            return None;
        }
        let raw = (current - self.baseline) / span;
        raw.is_finite().then(|| raw.clamp(0.0, 1.0))
    }

    /// The score on Google's 0.0–1.0 scale: the progress, as shown (see [`shown_score`]).
    pub fn score(&self) -> Option<f64> {
        self.progress().map(shown_score)
    }

    /// The band of the score: at 0.66 at risk, as the page shows `0.66`.
    pub fn health(&self) -> Option<Health> {
        self.score().map(Health::from_score)
    }

    pub fn last_checkin(&self) -> Option<Date> {
        self.checkins.iter().map(|c| c.date).max()
    }
}

/// A score to the hundredth, as pages show it: rounded down, so that the band its number
/// says is the band of the score itself (0.696 is shown as `0.69` and is at risk, below
/// 0.7; rounded, it would show `0.7` beside "at risk"). The bands' bounds are hundredths,
/// so a score and its number are on the same side of each. A score a rounding error under
/// a hundredth (`0.57` as `0.5699999…`) is that hundredth.
pub fn shown_score(score: f64) -> f64 {
    hundredths(score) / 100.0
}

/// `value` × 100 rounded down, but for what floating point lost on the way.
pub fn hundredths(value: f64) -> f64 {
    (value * 100.0 + 1e-9).floor()
}

/// An objective's score: the mean of its key results' progress.
pub fn objective_score(krs: &[KeyResult]) -> Option<f64> {
    let progress: Vec<f64> = krs.iter().filter_map(KeyResult::progress).collect();
    if progress.is_empty() {
        return None;
    }
    Some(progress.iter().sum::<f64>() / progress.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kr(baseline: f64, target: f64, current: Option<f64>) -> KeyResult {
        KeyResult {
            id: "kr1".into(),
            title: "t".into(),
            unit: None,
            direction: None,
            baseline,
            target,
            current,
            confidence: None,
            checkins: vec![],
            line: 0,
            confidence_line: 0,
            current_line: 0,
        }
    }

    #[test]
    fn progress_clamps_and_handles_decrease() {
        assert_eq!(kr(10.0, 20.0, Some(15.0)).progress(), Some(0.5));
        assert_eq!(kr(10.0, 20.0, Some(30.0)).progress(), Some(1.0));
        assert_eq!(kr(10.0, 20.0, Some(0.0)).progress(), Some(0.0));
        assert_eq!(kr(72.0, 24.0, Some(48.0)).progress(), Some(0.5));
        assert_eq!(kr(5.0, 5.0, Some(5.0)).progress(), None);
    }

    #[test]
    fn latest_checkin_is_current() {
        let mut k = kr(0.0, 10.0, None);
        k.checkins = vec![
            Checkin {
                date: jiff::civil::date(2026, 2, 1),
                value: 8.0,
                confidence: None,
                note: None,
                line: 0,
                confidence_line: 0,
                value_line: 0,
            },
            Checkin {
                date: jiff::civil::date(2026, 1, 1),
                value: 2.0,
                confidence: Some(0.3),
                note: None,
                line: 0,
                confidence_line: 0,
                value_line: 0,
            },
        ];
        assert_eq!(k.current_value(), Some(8.0));
        assert_eq!(k.health(), Some(Health::OnTrack));
        assert_eq!(k.current_confidence(), Some(0.3));
    }

    #[test]
    fn health_is_the_band_of_the_score_shown() {
        // 25 → 10, now 15: progress 0.667, shown as 0.66, at risk: below 0.7.
        let k = kr(25.0, 10.0, Some(15.0));
        assert_eq!(k.score(), Some(0.66));
        assert_eq!(k.health(), Some(Health::AtRisk));
        // 0.6996 is below 0.7: shown as 0.69, at risk, as its number says.
        let k = kr(0.0, 10_000.0, Some(6_996.0));
        assert_eq!(k.score(), Some(0.69));
        assert_eq!(k.health(), Some(Health::AtRisk));
        // 0.396 is off track, and shows 0.39.
        let k = kr(0.0, 1_000.0, Some(396.0));
        assert_eq!(
            (k.score(), k.health()),
            (Some(0.39), Some(Health::OffTrack))
        );
        // Exactly at a bound, however floating point reaches it.
        for (current, score) in [(7.0, 0.7), (57.0, 0.57), (40.0, 0.4), (29.0, 0.29)] {
            let target = if current < 10.0 { 10.0 } else { 100.0 };
            assert_eq!(
                kr(0.0, target, Some(current)).score(),
                Some(score),
                "{current}"
            );
        }
        assert_eq!(kr(0.0, 10.0, Some(7.0)).health(), Some(Health::OnTrack));
        // 0.36 is off track.
        let k = kr(0.0, 100.0, Some(36.0));
        assert_eq!(k.health(), Some(Health::OffTrack));
    }

    #[test]
    fn health_bands() {
        assert_eq!(Health::from_score(0.7), Health::OnTrack);
        assert_eq!(Health::from_score(0.69), Health::AtRisk);
        assert_eq!(Health::from_score(0.4), Health::AtRisk);
        assert_eq!(Health::from_score(0.39), Health::OffTrack);
    }
}
