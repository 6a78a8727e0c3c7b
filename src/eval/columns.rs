//! The eval report's tables laid out for the terminal: numbers are never cut, so when the terminal is too
//! narrow whole columns are left out (the least useful first) and named in a note under the table.

use comfy_table::Cell;

use crate::output::{Style, fit, notes_below, styled_table, term_width};

/// A table of `header` and `rows`, without the columns of `drop` (in that order) that the terminal has no
/// room for, followed by the note naming them.
pub fn render(style: &Style, header: &[&str], rows: Vec<Vec<Cell>>, drop: &[usize]) -> String {
    let shown = shown(header, &rows, drop, term_width());
    let mut t = styled_table(style, shown.iter().map(|&c| header[c]));
    for row in rows {
        let cells: Vec<Cell> = row
            .into_iter()
            .enumerate()
            .filter(|(c, _)| shown.contains(c))
            .map(|(_, cell)| cell)
            .collect();
        t.add_row(cells);
    }
    let all: Vec<usize> = (0..shown.len()).collect();
    fit(&mut t, &all, &[]);
    let hidden: Vec<String> = (0..header.len())
        .filter(|c| !shown.contains(c))
        .map(|c| header[c].to_owned())
        .collect();
    format!("{t}\n{}", notes_below(style, Vec::new(), &hidden))
}

/// The columns kept: all, less those of `drop` (in order) until every kept column fits whole in `width`.
fn shown(header: &[&str], rows: &[Vec<Cell>], drop: &[usize], width: usize) -> Vec<usize> {
    let chars = |s: &str| s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let needs: Vec<usize> = (0..header.len())
        .map(|c| {
            // A header may wrap between words; a value never wraps.
            let word = header[c].split_whitespace().map(chars).max().unwrap_or(0);
            let longest = rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|cell| chars(&cell.content()))
                .max();
            word.max(longest.unwrap_or(0)).max(1) + 3
        })
        .collect();
    let mut shown: Vec<usize> = (0..header.len()).collect();
    let total = |shown: &[usize]| shown.iter().map(|&c| needs[c]).sum::<usize>() + 1;
    for column in drop {
        if total(&shown) <= width {
            break;
        }
        shown.retain(|c| c != column);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_left_out_in_order_until_the_rest_fits_whole() {
        let header = ["Provider", "Pass rate", "Score", "Words/answer"];
        let rows = vec![vec![
            Cell::new("model-a"),
            Cell::new("100 % → 0 %"),
            Cell::new("1.00 → 0.67"),
            Cell::new("3 → 3"),
        ]];
        assert_eq!(shown(&header, &rows, &[3, 2], 120), [0, 1, 2, 3]);
        // 11 + 14 + 14 + 15 + 1 = 55 > 50: Words/answer goes first, then 40 fits.
        assert_eq!(shown(&header, &rows, &[3, 2], 50), [0, 1, 2]);
        assert_eq!(shown(&header, &rows, &[3, 2], 30), [0, 1]);
    }
}
