//! Text measures for answers: words, the Danish readability index LIX, and language detection.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

/// The words of a text: runs of letters, digits, apostrophes and inner hyphens.
pub fn words(text: &str) -> Vec<&str> {
    word_iter(text).collect()
}

fn word_iter(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c: char| c == '-' || c == '\'' || c == '’'))
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

/// Number of words, as used by `word-count` and the verbosity columns (counted, not collected: every answer of a
/// run is measured).
pub fn word_count(text: &str) -> usize {
    word_iter(text).count()
}

/// Number of sentences: ends at `.`, `!`, `?` or `:` followed by space or the end, and at non-empty lines without
/// a full stop (headings, list items). At least one when the text has words.
pub fn sentence_count(text: &str) -> usize {
    let mut count = 0;
    for line in text.lines() {
        let line = line.trim();
        if words(line).is_empty() {
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut in_line = 0;
        for (i, c) in chars.iter().enumerate() {
            let ends = matches!(c, '.' | '!' | '?' | ':');
            let next_is_break = chars
                .get(i + 1)
                .is_none_or(|n| n.is_whitespace() || *n == '"' || *n == '”');
            if ends && next_is_break && !words(&line[..line_offset(line, i)]).is_empty() {
                in_line += 1;
            }
        }
        let tail_words = line.rfind(['.', '!', '?', ':']).map_or(line, |p| &line[p + 1..]);
        if in_line == 0 || !words(tail_words).is_empty() {
            in_line += 1;
        }
        count += in_line;
    }
    count.max(usize::from(!words(text).is_empty()))
}

fn line_offset(line: &str, char_index: usize) -> usize {
    line.char_indices().nth(char_index).map_or(line.len(), |(b, _)| b)
}

/// LIX readability: words per sentence plus the percentage of words longer than six letters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lix {
    /// The index, rounded to one decimal.
    pub value: f64,
    /// Words counted.
    pub words: usize,
    /// Sentences counted.
    pub sentences: usize,
    /// Words of more than six letters.
    pub long_words: usize,
}

/// LIX of a text, or `None` when it has no words.
pub fn lix(text: &str) -> Option<Lix> {
    let ws = words(text);
    if ws.is_empty() {
        return None;
    }
    let sentences = sentence_count(text).max(1);
    let long_words = ws
        .iter()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 6)
        .count();
    let value = ws.len() as f64 / sentences as f64 + 100.0 * long_words as f64 / ws.len() as f64;
    Some(Lix {
        value: (value * 10.0).round() / 10.0,
        words: ws.len(),
        sentences,
        long_words,
    })
}

/// The message key of a LIX band, from very easy (under 25) to very hard (55 and up).
pub fn lix_band(value: f64) -> &'static str {
    match value {
        v if v < 25.0 => "lix-very-easy",
        v if v < 35.0 => "lix-easy",
        v if v < 45.0 => "lix-medium",
        v if v < 55.0 => "lix-hard",
        _ => "lix-very-hard",
    }
}

/// The language a text is most likely in.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// ISO 639-1 code (`da`, `nb`, `sv`, `en`, `de`), or `None` when the text is too short to tell.
    pub language: Option<&'static str>,
    /// Share of the words that are function words of that language (0–1).
    pub confidence: f64,
    /// Words considered.
    pub words: usize,
}

/// Fewest words needed before a language is named.
pub const MIN_WORDS_FOR_LANGUAGE: usize = 3;

fn stopwords() -> &'static [(&'static str, HashSet<String>)] {
    static LISTS: OnceLock<Vec<(&'static str, HashSet<String>)>> = OnceLock::new();
    LISTS.get_or_init(|| {
        let table: BTreeMap<String, String> = toml::from_str(include_str!("stopwords.toml")).unwrap_or_default();
        // Fixed order: Danish first, so a tie with a neighbour goes to the platform's language.
        ["da", "nb", "sv", "en", "de"]
            .into_iter()
            .map(|code| {
                let set = table
                    .get(code)
                    .map(|words| words.split_whitespace().map(str::to_owned).collect())
                    .unwrap_or_default();
                (code, set)
            })
            .collect()
    })
}

/// Detects the language from function words; letters unique to a language (æ, ø vs ä, ö, ß) break ties.
pub fn detect_language(text: &str) -> Detected {
    let lower = text.to_lowercase();
    let ws = words(&lower);
    if ws.len() < MIN_WORDS_FOR_LANGUAGE {
        return Detected {
            language: None,
            confidence: 0.0,
            words: ws.len(),
        };
    }
    let has = |c: char| lower.contains(c);
    let mut best: Option<(&'static str, f64)> = None;
    for (code, set) in stopwords() {
        let hits = ws.iter().filter(|w| set.contains(**w)).count() as f64;
        let mut score = hits / ws.len() as f64;
        let bonus = match *code {
            "da" | "nb" if has('æ') || has('ø') => 0.02,
            "sv" if has('ä') || has('ö') => 0.02,
            "de" if has('ß') || has('ü') || has('ä') => 0.02,
            _ => 0.0,
        };
        score += bonus;
        if best.is_none_or(|(_, b)| score > b) {
            best = Some((code, score));
        }
    }
    match best {
        Some((code, score)) if score >= 0.08 => Detected {
            language: Some(code),
            confidence: score.min(1.0),
            words: ws.len(),
        },
        Some((_, score)) => Detected {
            language: None,
            confidence: score.min(1.0),
            words: ws.len(),
        },
        None => Detected {
            language: None,
            confidence: 0.0,
            words: ws.len(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_with_danish_letters_and_hyphens() {
        assert_eq!(
            words("Kære kolleger – vi ses i e-mail-systemet, ikke?"),
            ["Kære", "kolleger", "vi", "ses", "i", "e-mail-systemet", "ikke"]
        );
        assert_eq!(word_count("  "), 0);
        assert_eq!(word_count("3 æbler og 12 pærer."), 5);
    }

    #[test]
    fn lix_of_a_known_text() {
        // 11 words, 2 sentences, 5 words over six letters: 11/2 + 100*5/11 = 50.95.
        let t = "Kommunens borgerservice har åbent i dag. Vi behandler ansøgninger hurtigt nu.";
        let l = lix(t).expect("words");
        assert_eq!((l.words, l.sentences, l.long_words), (11, 2, 5));
        assert_eq!(l.value, 51.0);
        assert_eq!(lix_band(l.value), "lix-hard");
        let easy = lix("Vi ses i dag. Kom bare ind. Det er let.").expect("words");
        assert_eq!(easy.value, 3.3);
        assert_eq!(lix_band(easy.value), "lix-very-easy");
        assert_eq!(lix(""), None);
    }

    #[test]
    fn sentences_include_lines_without_full_stop() {
        assert_eq!(
            sentence_count("Overskrift\n- punkt et\n- punkt to\nEn sætning. En til!"),
            5
        );
        assert_eq!(sentence_count("Hvad nu? Vi ved det ikke"), 2);
    }

    #[test]
    fn detects_danish_and_its_neighbours() {
        let da = detect_language("Jeg har ikke set hende, men hun er nok på vej hjem efter arbejde.");
        assert_eq!(da.language, Some("da"));
        let nb = detect_language("Jeg har ikke sett henne, men hun er nok på vei hjem etter jobben, vet du hva.");
        assert_eq!(nb.language, Some("nb"));
        let sv = detect_language("Jag har inte sett henne, men hon är nog på väg hem efter jobbet.");
        assert_eq!(sv.language, Some("sv"));
        let en = detect_language("I have not seen her, but she is probably on the way home from work.");
        assert_eq!(en.language, Some("en"));
        assert_eq!(detect_language("Ja tak").language, None);
    }
}
