//! The site's two charts as SVG, written by hand: the portfolio (complexity against uncertainty, one marker per
//! use case, its shape and colour by outcome) and a specialist's pass rate over saved eval runs.
//!
//! Colours are from the Okabe–Ito palette, which stays apart for the common kinds of colour blindness; every
//! outcome also has its own shape and every marker a number that the table beside the chart repeats.

use std::fmt::Write as _;

use crate::model::screening::Outcome;

/// Width and height of the portfolio chart.
const SIZE: f64 = 420.0;
/// Space for axes and labels.
const PAD: f64 = 56.0;

/// One use case on the portfolio chart.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Point {
    /// The number shown on the marker and in the table.
    pub number: usize,
    /// The use case's name.
    pub label: String,
    /// Complexity score and its maximum.
    pub complexity: (u32, u32),
    /// Uncertainty score and its maximum.
    pub uncertainty: (u32, u32),
    /// The screening's outcome.
    pub outcome: Outcome,
}

/// Fill colour of an outcome (Okabe–Ito: bluish green, orange, vermillion).
pub fn colour(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Approved => "#007a5a",
        Outcome::Undecided => "#b35900",
        Outcome::Refused => "#c0392b",
    }
}

/// The outcome's word on the site.
pub fn outcome_da(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Approved => "godkendt",
        Outcome::Undecided => "afventer",
        Outcome::Refused => "afvist",
    }
}

fn marker(outcome: Outcome, x: f64, y: f64) -> String {
    let fill = colour(outcome);
    match outcome {
        Outcome::Approved => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="11" fill="{fill}"/>"#),
        Outcome::Undecided => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="20" height="20" fill="{fill}"/>"#,
            x - 10.0,
            y - 10.0
        ),
        Outcome::Refused => format!(
            r#"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="{fill}"/>"#,
            x,
            y - 13.0,
            x + 12.0,
            y + 9.0,
            x - 12.0,
            y + 9.0
        ),
    }
}

fn scale(value: (u32, u32)) -> f64 {
    if value.1 == 0 {
        0.0
    } else {
        f64::from(value.0.min(value.1)) / f64::from(value.1)
    }
}

/// The portfolio chart. Points with the same scores are fanned out a little so each stays visible.
pub fn portfolio(points: &[Point]) -> String {
    let plot = SIZE - 2.0 * PAD;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}" role="img" aria-labelledby="chart-title chart-desc" class="chart"><title id="chart-title">Porteføljen: kompleksitet og usikkerhed</title><desc id="chart-desc">Hver use case er et nummereret mærke: vandret kompleksitet, lodret usikkerhed, begge fra Kan vi?-sporet. Cirkel er godkendt, firkant afventer, trekant afvist. Tabellen ved siden af har de samme tal.</desc><rect x="{PAD}" y="{PAD}" width="{plot}" height="{plot}" fill="#ffffff" stroke="#333333"/>"##
    );
    for i in 1..4 {
        let at = PAD + plot * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            r##"<line x1="{at:.1}" y1="{PAD}" x2="{at:.1}" y2="{:.1}" stroke="#dddddd"/><line x1="{PAD}" y1="{at:.1}" x2="{:.1}" y2="{at:.1}" stroke="#dddddd"/>"##,
            PAD + plot,
            PAD + plot
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="14" fill="#222222">Kompleksitet →</text><text x="18" y="{:.1}" text-anchor="middle" font-size="14" fill="#222222" transform="rotate(-90 18 {:.1})">Usikkerhed →</text>"##,
        SIZE / 2.0,
        SIZE - 16.0,
        SIZE / 2.0,
        SIZE / 2.0
    );
    let mut placed: Vec<(f64, f64)> = Vec::new();
    for p in points {
        let mut x = PAD + 14.0 + (plot - 28.0) * scale(p.complexity);
        let mut y = PAD + plot - 14.0 - (plot - 28.0) * scale(p.uncertainty);
        // A marker never hides another: one that would overlap moves right (then up) until it is free. The
        // table beside the chart has the exact scores.
        for _ in 0..64 {
            if !placed.iter().any(|(px, py)| (px - x).hypot(py - y) < 23.0) {
                break;
            }
            x += 24.0;
            if x > PAD + plot - 12.0 {
                x = PAD + 14.0 + (plot - 28.0) * scale(p.complexity);
                y -= 24.0;
            }
        }
        placed.push((x, y));
        svg.push_str(&marker(p.outcome, x, y));
        let _ = write!(
            svg,
            r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="11" font-weight="bold" fill="#ffffff">{}</text>"##,
            y + 4.0,
            p.number
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A small line chart of pass rates (0–1) over saved runs, with the first run as the baseline line.
pub fn pass_rates(rates: &[(String, f64)]) -> String {
    let (w, h, pad) = (360.0_f64, 160.0_f64, 32.0_f64);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="eval-title" class="chart"><title id="eval-title">Beståelsesprocent pr. gemt kørsel</title><rect x="{pad}" y="8" width="{:.1}" height="{:.1}" fill="#ffffff" stroke="#333333"/><text x="4" y="14" font-size="10" fill="#222222">100 %</text><text x="10" y="{:.1}" font-size="10" fill="#222222">0 %</text>"##,
        w - pad - 8.0,
        h - pad - 8.0,
        h - pad
    );
    let plot_w = w - pad - 16.0;
    let plot_h = h - pad - 16.0;
    #[allow(clippy::cast_precision_loss)]
    let step = if rates.len() > 1 {
        plot_w / (rates.len() - 1) as f64
    } else {
        0.0
    };
    let at = |i: usize, r: f64| {
        #[allow(clippy::cast_precision_loss)]
        let x = pad + 4.0 + step * i as f64;
        let y = 12.0 + plot_h * (1.0 - r.clamp(0.0, 1.0));
        (x, y)
    };
    if let Some((_, base)) = rates.first() {
        let (_, y) = at(0, *base);
        let _ = write!(
            svg,
            r##"<line x1="{pad}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#555555" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" font-size="10" fill="#222222" text-anchor="end">grundlinje</text>"##,
            w - 8.0,
            w - 10.0,
            y - 3.0
        );
    }
    let line: Vec<String> = rates
        .iter()
        .enumerate()
        .map(|(i, (_, r))| {
            let (x, y) = at(i, *r);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#0060a8" stroke-width="3"/>"##,
        line.join(" ")
    );
    for (i, (_, r)) in rates.iter().enumerate() {
        let (x, y) = at(i, *r);
        let _ = write!(svg, r##"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="#0060a8"/>"##);
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_has_its_own_shape_and_the_number_is_written() {
        let points: Vec<Point> = [Outcome::Approved, Outcome::Undecided, Outcome::Refused]
            .into_iter()
            .enumerate()
            .map(|(i, outcome)| Point {
                number: i + 1,
                label: format!("uc{i}"),
                complexity: (3, 12),
                uncertainty: (3, 14),
                outcome,
            })
            .collect();
        let svg = portfolio(&points);
        assert!(
            svg.contains("<circle") && svg.contains("<rect x=\"") && svg.contains("<polygon"),
            "{svg}"
        );
        for n in 1..=3 {
            assert!(svg.contains(&format!(">{n}</text>")), "{svg}");
        }
        assert!(!svg.contains("uc0"), "labels belong in the table, not the SVG");
    }
}
