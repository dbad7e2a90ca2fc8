//! Text normalisation, header lines and content hashing.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// NFC, `\n` line endings, no BOM, no control characters, single spaces inside lines,
/// at most one blank line between paragraphs.
pub fn normalise_text(raw: &str) -> String {
    let nfc: String = raw.trim_start_matches('\u{feff}').nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    let mut blank_lines = 0usize;
    for line in nfc.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let mut cleaned = String::with_capacity(line.len());
        let mut pending_space = false;
        for c in line.chars() {
            if c.is_whitespace() || c.is_control() {
                pending_space = !cleaned.is_empty();
                continue;
            }
            if pending_space {
                cleaned.push(' ');
                pending_space = false;
            }
            cleaned.push(c);
        }
        if cleaned.is_empty() {
            blank_lines += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_lines > 0 { "\n\n" } else { "\n" });
        }
        blank_lines = 0;
        out.push_str(&cleaned);
    }
    out
}

/// Hex SHA-256 (first 16 bytes) of the normalised text: the document id.
pub fn content_id(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Header {
    pub date: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
}

/// Split leading header fields off a normalised text. Recognised: lines
/// `date …`, `title …`, `url …`; a `date` may also open the first line with the body
/// following on the same line (as in the reference article: `date 2019-03 Aboutaleb …`).
pub fn split_header(text: &str) -> (Header, &str) {
    let mut header = Header::default();
    let mut rest = text;
    loop {
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let line = &rest[..line_end];
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        let after_line = rest.get(line_end + 1..).unwrap_or("");
        match key.to_ascii_lowercase().as_str() {
            "title" | "titel" if header.title.is_none() && !value.is_empty() => {
                header.title = Some(value.trim().to_string());
                rest = after_line;
            }
            "url" | "source" if header.url.is_none() && !value.is_empty() => {
                header.url = Some(value.trim().to_string());
                rest = after_line;
            }
            "date" | "datum" if header.date.is_none() => {
                let (date, tail) = value.split_once(' ').unwrap_or((value, ""));
                if parse_date(date).is_none() {
                    break;
                }
                header.date = Some(date.to_string());
                rest = if tail.trim().is_empty() { after_line } else { &rest[key.len() + 1 + date.len() + 1..] };
            }
            _ => break,
        }
    }
    (header, rest)
}

/// Accept `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (years 1800–2100); return it unchanged if valid.
pub fn parse_date(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<u32>().ok()).flatten()
    };
    let year = num(parts.first()?, 4)?;
    if !(1800..=2100).contains(&year) || parts.len() > 3 {
        return None;
    }
    if let Some(m) = parts.get(1) {
        let month = num(m, 2)?;
        if !(1..=12).contains(&month) {
            return None;
        }
        if let Some(d) = parts.get(2) {
            let day = num(d, 2)?;
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let max = match month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            if !(1..=max).contains(&day) {
                return None;
            }
        }
    }
    Some(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_nfc_crlf_and_spaces() {
        let decomposed = "coca\u{0069}\u{0308}ne\r\n\r\n\r\nen  zo\u{00a0}voort ";
        assert_eq!(normalise_text(decomposed), "cocaïne\n\nen zo voort");
    }

    #[test]
    fn header_lines_are_split_off() {
        let (h, body) = split_header("title Drugs in de haven\nurl https://x.nl/a\ndate 2019-03-05\nTekst.");
        assert_eq!(h.title.as_deref(), Some("Drugs in de haven"));
        assert_eq!(h.url.as_deref(), Some("https://x.nl/a"));
        assert_eq!(h.date.as_deref(), Some("2019-03-05"));
        assert_eq!(body, "Tekst.");
    }

    #[test]
    fn a_sentence_starting_with_a_header_word_is_body() {
        let (h, body) = split_header("Date palms grow.");
        assert_eq!(h, Header::default());
        assert_eq!(body, "Date palms grow.");
    }

    #[test]
    fn dates_are_checked() {
        assert!(parse_date("2019-02-29").is_none());
        assert!(parse_date("2020-02-29").is_some());
        assert!(parse_date("19-03").is_none());
        assert!(parse_date("2019-3").is_none());
    }
}
