//! Text made uniform before matching, with a map back to the original: markup, invisible characters, odd
//! spaces and dashes, and fullwidth digits no longer hide a number.

use std::ops::Range;

/// The normalised text and where each part of it came from.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// Text with tags and emphasis around digits removed, entities decoded, zero-width characters and soft
    /// hyphens dropped, whitespace runs (tabs, line breaks, no-break spaces) as one space, dashes as `-` and
    /// fullwidth ASCII as ASCII.
    pub text: String,
    /// `(normalised offset, original offset)` wherever the distance between the two changes.
    breaks: Vec<(usize, usize)>,
}

/// Tags that separate text when rendered; inline tags (`b`, `span`, `a`…) join it.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];
const MAX_TAG_LEN: usize = 256;

impl Normalized {
    /// Normalises `original`.
    pub fn new(original: &str) -> Self {
        let mut b = Builder {
            out: String::with_capacity(original.len()),
            breaks: vec![(0, 0)],
            delta: 0,
        };
        let bytes = original.as_bytes();
        let mut i = 0;
        while i < original.len() {
            let Some(c) = original[i..].chars().next() else { break };
            let len = c.len_utf8();
            if c == '<'
                && let Some((tag_len, block)) = tag_at(&original[i..])
            {
                if block {
                    b.space(i);
                }
                i += tag_len;
                continue;
            }
            if c == '&'
                && let Some((decoded, entity_len)) = entity_at(&original[i..])
            {
                b.char(decoded, i);
                i += entity_len;
                continue;
            }
            if matches!(c, '*' | '_' | '`' | '~') {
                let run = bytes[i..]
                    .iter()
                    .take_while(|&&x| matches!(x, b'*' | b'_' | b'`' | b'~'))
                    .count();
                let before_digit = b.out.chars().next_back().is_some_and(|p| p.is_ascii_digit());
                let after_digit = original[i + run..]
                    .chars()
                    .next()
                    .is_some_and(|n| digit_value(n).is_some());
                if !(before_digit || after_digit) {
                    for (k, m) in original[i..i + run].char_indices() {
                        b.char(m, i + k);
                    }
                }
                i += run;
                continue;
            }
            b.char(c, i);
            i += len;
        }
        Normalized {
            text: b.out,
            breaks: b.breaks,
        }
    }

    /// The original byte range of a normalised byte range (widened to character boundaries of `original`).
    pub fn original_range(&self, original: &str, range: Range<usize>) -> Range<usize> {
        let at = |n: usize, strict: bool| {
            let idx = self
                .breaks
                .partition_point(|&(norm, _)| if strict { norm < n } else { norm <= n })
                .saturating_sub(1);
            let (norm, orig) = self.breaks.get(idx).copied().unwrap_or((0, 0));
            orig + (n - norm.min(n))
        };
        let mut start = at(range.start, false).min(original.len());
        let mut end = at(range.end, true).clamp(start, original.len());
        while !original.is_char_boundary(start) {
            start -= 1;
        }
        while !original.is_char_boundary(end) {
            end += 1;
        }
        start..end
    }
}

struct Builder {
    out: String,
    breaks: Vec<(usize, usize)>,
    delta: isize,
}

impl Builder {
    fn push(&mut self, c: char, orig: usize) {
        let norm = self.out.len();
        let delta = orig as isize - norm as isize;
        if delta != self.delta {
            self.breaks.push((norm, orig));
            self.delta = delta;
        }
        self.out.push(c);
    }

    fn space(&mut self, orig: usize) {
        if !self.out.ends_with(' ') {
            self.push(' ', orig);
        }
    }

    fn char(&mut self, c: char, orig: usize) {
        match c {
            '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
            c if c.is_whitespace() => self.space(orig),
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => self.push('-', orig),
            '\u{FF01}'..='\u{FF5E}' => {
                let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
                self.push(ascii, orig);
            }
            c => self.push(c, orig),
        }
    }
}

/// A digit, fullwidth included.
fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '\u{FF10}'..='\u{FF19}' => Some(c as u32 - 0xFF10),
        _ => None,
    }
}

/// `<tag …>` or `</tag>` at the start of `s`: its length and whether it separates text.
fn tag_at(s: &str) -> Option<(usize, bool)> {
    let rest = s.strip_prefix('<')?;
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if name_len == 0 || !rest.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let end = s.bytes().take(MAX_TAG_LEN).position(|b| b == b'>')?;
    if s[1..end].contains('<') {
        return None;
    }
    let name = rest[..name_len].to_ascii_lowercase();
    Some((end + 1, BLOCK_TAGS.contains(&name.as_str())))
}

/// `&#45;`, `&#x2D;` or a named entity that can hide a number at the start of `s`: the character and length.
fn entity_at(s: &str) -> Option<(char, usize)> {
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let body = &s[1..end];
    let c = if let Some(hex) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
    } else if let Some(dec) = body.strip_prefix('#') {
        char::from_u32(dec.parse().ok()?)?
    } else {
        match body {
            "nbsp" | "ensp" | "emsp" | "thinsp" | "numsp" => ' ',
            "shy" | "ZeroWidthSpace" | "zwsp" | "zwj" | "zwnj" => '\u{200B}',
            "minus" | "ndash" | "mdash" | "hyphen" | "dash" => '-',
            "commat" => '@',
            "plus" => '+',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Normalized::new(s).text
    }

    #[test]
    fn hiding_places_are_removed() {
        assert_eq!(norm("010190\u{00A0}1234"), "010190 1234");
        assert_eq!(norm("0101\u{200B}90-12\u{00AD}34"), "010190-1234");
        assert_eq!(norm("010190\u{2212}1234"), "010190-1234");
        assert_eq!(norm("010190\t1234"), "010190 1234");
        assert_eq!(norm("０１０１９０－１２３４"), "010190-1234");
        assert_eq!(norm("<b>010190</b>-1234"), "010190-1234");
        assert_eq!(norm("010190&#45;1234 og &#x2D;"), "010190-1234 og -");
        assert_eq!(norm("**010190**-1234"), "010190-1234");
        assert_eq!(norm("010190-\n  1234"), "010190- 1234");
        assert_eq!(norm("<td>12</td><td>34</td>"), " 12 34 ");
    }

    #[test]
    fn ordinary_text_keeps_its_markup() {
        assert_eq!(
            norm("**fed** og _kursiv_, 3 < 4 & 5 > 2"),
            "**fed** og _kursiv_, 3 < 4 & 5 > 2"
        );
    }

    #[test]
    fn ranges_map_back_to_the_original() {
        let original = "Se <b>010190</b>&#45;1234\u{00A0}nu";
        let n = Normalized::new(original);
        let start = n.text.find("010190").expect("found");
        let r = n.original_range(original, start..start + "010190-1234".len());
        assert_eq!(&original[r], "010190</b>&#45;1234");
        let full = "a\u{00A0}b";
        let n = Normalized::new(full);
        assert_eq!(&full[n.original_range(full, 0..3)], full);
    }
}
