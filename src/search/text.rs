//! Normalization shared by indexing and querying.
//!
//! Model names mix words, versions and sizes in many spellings ("gpt-5", "GPT 5", "gpt5";
//! "Sonnet 4.5", "sonnet-4-5"; "qwen3-coder-30b-a3b"). Both sides therefore reduce text to
//! *parts*: lowercase alphanumeric words, split again where letters meet digits. On top of the
//! parts, documents also index
//! - every whole word ("qwen3", "4o", "o3"), so a query word typed whole ranks higher, and
//! - version joins: a run of short numbers separated by `.`/`-` ("4.5", "4-5") also gives "45",
//!   so "sonnet45" finds "sonnet-4-5".
//!
//! Dates and snapshots ("2024-08-06", "20250929") stay one token: their short pieces ("08") are
//! not indexed alone, so a version number never matches inside a date.

use std::borrow::Cow;

/// Numbers of at most this many digits are version components; longer ones are dates/snapshots.
const VERSION_PART_MAX_DIGITS: usize = 2;

/// Lowercase alphanumeric words; every other character separates.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A word split where letters meet digits: "qwen3coder" → ["qwen", "3", "coder"].
pub fn parts(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_digit: Option<bool> = None;
    for (i, c) in word.char_indices() {
        let digit = c.is_ascii_digit();
        if prev_digit.is_some_and(|p| p != digit) {
            out.push(&word[start..i]);
            start = i;
        }
        prev_digit = Some(digit);
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
    out
}

/// Lowercase alphanumerics only: the form used for exact-match and alias comparisons.
pub fn compact(text: &str) -> String {
    if text.is_ascii() {
        return text
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn is_numeric(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())
}

/// The tokens a document field is indexed with, kept in one string (texts are tokenized once
/// per index build, so fewer allocations matter).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexTokens {
    /// Every token once per occurrence, space-separated: first the parts (one per piece of the
    /// text; they define its length for BM25), then the extras (other spellings of the same
    /// pieces: whole words of several parts, version and date joins; each once, none a part).
    text: String,
    /// Byte length of the parts' share of `text`.
    parts_len: usize,
}

impl IndexTokens {
    /// The parts, space-separated: the field text for tantivy's whitespace tokenizer.
    pub fn parts_text(&self) -> &str {
        &self.text[..self.parts_len]
    }

    pub fn parts(&self) -> impl Iterator<Item = &str> {
        tokens_of(self.parts_text())
    }

    pub fn all(&self) -> impl Iterator<Item = &str> {
        tokens_of(&self.text)
    }
}

fn tokens_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(' ').filter(|t| !t.is_empty())
}

pub fn index_tokens(text: &str) -> IndexTokens {
    let normalized = normalized_words(text);
    let mut t = TokenBuilder::default();
    // Numbers chained across separators: a word's trailing digits, then whole-number words.
    let mut run: Vec<&str> = Vec::new();
    for word in normalized.split(' ').filter(|w| !w.is_empty()) {
        let word_parts = parts(word);
        let pure_number = word_parts.len() == 1 && is_numeric(word_parts[0]);
        if !pure_number {
            t.flush_number_run(&mut run);
            if word_parts.len() > 1 {
                t.extras.push(Cow::Borrowed(word));
            }
        }
        for (i, part) in word_parts.iter().enumerate() {
            if is_numeric(part) && i + 1 == word_parts.len() {
                run.push(part);
            } else {
                t.parts.push(part);
            }
        }
    }
    t.flush_number_run(&mut run);
    t.finish()
}

/// The lowercase alphanumeric words of `text`, space-separated.
fn normalized_words(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        let bytes = text
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    b.to_ascii_lowercase()
                } else {
                    b' '
                }
            })
            .collect();
        return Cow::Owned(String::from_utf8(bytes).expect("ASCII in, ASCII out"));
    }
    Cow::Owned(words(text).join(" "))
}

#[derive(Default)]
struct TokenBuilder<'a> {
    parts: Vec<&'a str>,
    extras: Vec<Cow<'a, str>>,
}

impl<'a> TokenBuilder<'a> {
    /// Emits the tokens of a chain of numbers: short numbers before the first long one are a
    /// version (each part, and joined); a long number starts a date or snapshot that takes the
    /// numbers after it (only its first piece is a part, and the whole is joined).
    fn flush_number_run(&mut self, run: &mut Vec<&'a str>) {
        let first_long = run
            .iter()
            .position(|n| n.len() > VERSION_PART_MAX_DIGITS)
            .unwrap_or(run.len());
        let (version, mut dates) = run.split_at(first_long);
        self.parts.extend_from_slice(version);
        if version.len() > 1 {
            self.extras.push(Cow::Owned(version.concat()));
        }
        while let Some((first, rest)) = dates.split_first() {
            let len = 1 + rest
                .iter()
                .position(|n| n.len() > VERSION_PART_MAX_DIGITS)
                .unwrap_or(rest.len());
            let (date, after) = dates.split_at(len);
            self.parts.push(first);
            if date.len() > 1 {
                self.extras.push(Cow::Owned(date.concat()));
            }
            dates = after;
        }
        run.clear();
    }

    fn finish(mut self) -> IndexTokens {
        self.extras.sort_unstable();
        self.extras.dedup();
        let parts = &self.parts;
        self.extras.retain(|x| !parts.contains(&x.as_ref()));
        let mut text = self.parts.join(" ");
        let parts_len = text.len();
        for extra in &self.extras {
            text.push(' ');
            text.push_str(extra);
        }
        IndexTokens { text, parts_len }
    }
}

/// Parts and extras together, deduplicated.
pub fn all_index_tokens(text: &str) -> Vec<String> {
    let tokens = index_tokens(text);
    let mut all: Vec<String> = tokens.all().map(str::to_owned).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Typo budget by term length: exact for short terms, 1 edit for 4–7 chars, 2 edits from 8.
/// Numbers never get one: "4.5" must not find "4.6".
pub fn fuzzy_distance(term: &str) -> u8 {
    if is_numeric(term) {
        return 0;
    }
    match term.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Optimal-string-alignment distance (adjacent transpositions cost 1), giving up past `max`.
pub fn edit_distance_within(a: &str, b: &str, max: u8) -> Option<u8> {
    if a.is_ascii() && b.is_ascii() {
        return osa_within(a.as_bytes(), b.as_bytes(), max);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    osa_within(&a, &b, max)
}

fn osa_within<T: PartialEq>(a: &[T], b: &[T], max: u8) -> Option<u8> {
    if a.len().abs_diff(b.len()) > usize::from(max) {
        return None;
    }
    let d = osa_last_row(a, b, max, |row| row[b.len()])?;
    (d <= usize::from(max)).then(|| u8::try_from(d).expect("bounded by max, which is a u8"))
}

/// Whether some prefix of `candidate` is within `max` edits of `typed` (the last word while typing).
pub fn prefix_within(typed: &str, candidate: &str, max: u8) -> bool {
    if candidate.starts_with(typed) {
        return true;
    }
    if max == 0 {
        return false;
    }
    if typed.is_ascii() && candidate.is_ascii() {
        return osa_prefix_within(typed.as_bytes(), candidate.as_bytes(), max);
    }
    let a: Vec<char> = typed.chars().collect();
    let b: Vec<char> = candidate.chars().collect();
    osa_prefix_within(&a, &b, max)
}

/// The last row of the distance table holds the distance of `typed` to every prefix of
/// `candidate`; prefixes longer than `typed` plus `max` cannot be within reach.
fn osa_prefix_within<T: PartialEq>(typed: &[T], candidate: &[T], max: u8) -> bool {
    let reach = typed.len() + usize::from(max);
    let candidate = &candidate[..candidate.len().min(reach)];
    osa_last_row(typed, candidate, max, |row| row.iter().min().copied())
        .flatten()
        .is_some_and(|d| d <= usize::from(max))
}

/// Rows on the stack for the usual short tokens; longer ones allocate.
const STACK_ROW: usize = 48;

/// Runs the optimal-string-alignment table of `a` against `b` and hands its last row (the
/// distances of all of `a` to each prefix of `b`) to `last`; `None` once a whole row exceeds
/// `max`, as every later one then does too.
fn osa_last_row<T: PartialEq, R>(
    a: &[T],
    b: &[T],
    max: u8,
    last: impl FnOnce(&[usize]) -> R,
) -> Option<R> {
    let max = usize::from(max);
    let width = b.len() + 1;
    let mut stack = [0usize; 3 * STACK_ROW];
    let mut heap = Vec::new();
    let rows: &mut [usize] = if width <= STACK_ROW {
        &mut stack[..3 * width]
    } else {
        heap.resize(3 * width, 0);
        &mut heap
    };
    let (mut prev2, rest) = rows.split_at_mut(width);
    let (mut prev, mut cur) = rest.split_at_mut(width);
    for (j, cell) in prev.iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(last(prev))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(tokens: &IndexTokens, t: &str) -> bool {
        tokens.all().any(|x| x == t)
    }

    fn parts_of(tokens: &IndexTokens) -> Vec<&str> {
        tokens.parts().collect()
    }

    #[test]
    fn parts_split_letters_from_digits() {
        assert_eq!(parts("qwen3coder"), vec!["qwen", "3", "coder"]);
        assert_eq!(parts("gpt"), vec!["gpt"]);
        assert_eq!(parts("a3b"), vec!["a", "3", "b"]);
        assert_eq!(parts("45"), vec!["45"]);
    }

    #[test]
    fn version_separators_give_the_same_tokens_and_a_join() {
        let dashed = index_tokens("claude-sonnet-4-5");
        let dotted = index_tokens("Claude Sonnet 4.5");
        for t in ["claude", "sonnet", "4", "5", "45"] {
            assert!(has(&dashed, t), "{t} in {dashed:?}");
            assert!(has(&dotted, t), "{t} in {dotted:?}");
        }
        assert_eq!(
            parts_of(&dashed),
            ["claude", "sonnet", "4", "5"],
            "joins do not add length"
        );
        assert_eq!(dashed.parts_text(), "claude sonnet 4 5");
        assert_eq!(dashed, dotted);
    }

    #[test]
    fn trailing_digits_of_a_word_start_a_version() {
        let t = index_tokens("qwen3.5-plus");
        for x in ["qwen3", "qwen", "3", "5", "35", "plus"] {
            assert!(has(&t, x), "{x} in {t:?}");
        }
    }

    #[test]
    fn sizes_and_dates_do_not_join_into_versions() {
        let t = index_tokens("qwen2.5-72b-instruct");
        assert!(has(&t, "25") && has(&t, "72") && has(&t, "72b"));
        assert!(!has(&t, "2572") && !has(&t, "572"));
        let d = index_tokens("gpt-4o-2024-08-06");
        assert!(has(&d, "20240806") && has(&d, "2024") && has(&d, "4o"));
        assert!(!has(&d, "08") && !has(&d, "06"), "{d:?}");
        let s = index_tokens("gpt-4-0613");
        assert!(
            has(&s, "4") && has(&s, "0613") && !has(&s, "40613"),
            "{s:?}"
        );
    }

    #[test]
    fn compact_drops_case_and_separators() {
        assert_eq!(compact("Claude Sonnet 4.5"), "claudesonnet45");
        assert_eq!(compact("claude-sonnet-4-5"), "claudesonnet45");
        assert_eq!(compact("Z.AI"), "zai");
    }

    #[test]
    fn fuzzy_budget_grows_with_length_and_spares_numbers() {
        assert_eq!(fuzzy_distance("gpt"), 0);
        assert_eq!(fuzzy_distance("sonet"), 1);
        assert_eq!(fuzzy_distance("antropic"), 2);
        assert_eq!(fuzzy_distance("20250929"), 0);
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance_within("sonet", "sonnet", 1), Some(1));
        assert_eq!(edit_distance_within("cluade", "claude", 1), Some(1));
        assert_eq!(edit_distance_within("gemni", "gemma", 1), None);
        assert_eq!(edit_distance_within("same", "same", 0), Some(0));
        assert_eq!(edit_distance_within("café", "cafe", 1), Some(1));
        let long = "a".repeat(60);
        assert_eq!(edit_distance_within(&long, &format!("{long}b"), 1), Some(1));
    }

    #[test]
    fn prefix_match_is_the_best_distance_to_any_prefix() {
        let words = [
            "",
            "a",
            "fla",
            "flash",
            "flsh",
            "flashlite",
            "thinkng",
            "thinking",
            "codr",
            "coder",
            "codex",
            "gemni",
            "gemini",
            "kimi",
            "mini",
            "sonet",
            "sonnet",
            "qwen",
            "café",
            "cafe",
        ];
        for typed in words {
            for candidate in words {
                for max in 0..=2 {
                    let chars: Vec<usize> = candidate
                        .char_indices()
                        .map(|(i, _)| i)
                        .chain([candidate.len()])
                        .collect();
                    let brute = chars
                        .iter()
                        .any(|&end| edit_distance_within(typed, &candidate[..end], max).is_some());
                    assert_eq!(
                        prefix_within(typed, candidate, max),
                        brute,
                        "{typed:?} {candidate:?} {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn prefix_match_tolerates_typos_in_the_typed_part() {
        assert!(prefix_within("fla", "flash", 0));
        assert!(prefix_within("flsh", "flashlite", 1));
        assert!(!prefix_within("fla", "gemini", 0));
    }
}
