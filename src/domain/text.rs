//! Free text as people type it, checked before it is kept: a reason is one
//! line, a note may have several; whatever is required must have something
//! a reader can see; nothing may steer how other text is read (control
//! characters, the bidi overrides of "Trojan Source").

use unicode_width::UnicodeWidthChar;

use super::lifecycle::Refusal;

/// Longest free text accepted (a note, a reason, a motivation).
pub const MAX_TEXT: usize = 4000;

/// Whether a text may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    /// A reason or a name: one line, so that it can never start a forged
    /// line in a log or an export (`gevaar\r\nactor: pr-dzm`).
    One,
    /// A note or a motivation: line breaks (and tabs) are kept.
    Many,
}

/// A required one-line text (a reason, a provision): trimmed, visible,
/// no line breaks.
pub fn required_line(field: &str, text: Option<&str>) -> Result<String, Refusal> {
    required(field, text, Lines::One)
}

/// An optional one-line text: absent when empty or invisible.
pub fn optional_line(field: &str, text: Option<&str>) -> Result<Option<String>, Refusal> {
    checked(field, text, Lines::One)
}

/// A required free text that may span lines (a note, a motivation).
pub fn required_text(field: &str, text: Option<&str>) -> Result<String, Refusal> {
    required(field, text, Lines::Many)
}

/// An optional free text that may span lines: absent when empty or
/// invisible.
pub fn optional_text(field: &str, text: Option<&str>) -> Result<Option<String>, Refusal> {
    checked(field, text, Lines::Many)
}

fn required(field: &str, text: Option<&str>, lines: Lines) -> Result<String, Refusal> {
    checked(field, text, lines)?.ok_or_else(|| Refusal::Invalid(format!("{field} is verplicht")))
}

fn checked(field: &str, text: Option<&str>, lines: Lines) -> Result<Option<String>, Refusal> {
    let Some(text) = text.map(str::trim) else {
        return Ok(None);
    };
    let invalid = |why: String| Err(Refusal::Invalid(why));
    if text.chars().count() > MAX_TEXT {
        return invalid(format!("{field} is langer dan {MAX_TEXT} tekens"));
    }
    if lines == Lines::One && text.contains(LINE_BREAKS) {
        return invalid(format!("{field} is één regel, zonder regeleinden"));
    }
    let allowed_control = |c: char| lines == Lines::Many && matches!(c, '\n' | '\r' | '\t');
    if text.chars().any(|c| c.is_control() && !allowed_control(c)) {
        return invalid(format!("{field} bevat stuurtekens"));
    }
    if text
        .chars()
        .any(|c| is_bidi_override(c) || is_annotation(c))
    {
        return invalid(format!(
            "{field} bevat tekens die de leesrichting van andere tekst omdraaien"
        ));
    }
    if !text.chars().any(is_visible) {
        // Only spaces, zero-width characters or joiners: nothing was said.
        return Ok(None);
    }
    Ok(Some(text.to_string()))
}

/// What ends a line somewhere: CR, LF, NEL, and Unicode's line and
/// paragraph separators.
pub const LINE_BREAKS: [char; 5] = ['\r', '\n', '\u{85}', '\u{2028}', '\u{2029}'];

/// A character that shows: not a space, not a blank that takes room (the
/// braille blank, the Hangul fillers), and taking room when printed (a
/// zero-width space, a joiner or a lone combining mark does not).
fn is_visible(c: char) -> bool {
    let blank = matches!(
        c,
        '\u{2800}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'
    );
    !c.is_whitespace() && !blank && c.width().is_some_and(|w| w > 0)
}

/// Interlinear annotation marks, which hide the text between them.
fn is_annotation(c: char) -> bool {
    matches!(c, '\u{FFF9}'..='\u{FFFB}')
}

/// The embeddings, overrides and isolates of the Unicode bidi algorithm,
/// which reorder the text after them (CVE-2021-42574).
pub fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_refuse_control_characters_but_notes_keep_line_breaks() {
        assert!(optional_text("notitie", Some("a\u{0}b")).is_err());
        assert_eq!(
            optional_text("notitie", Some(" a\r\nb\tc "))
                .unwrap()
                .as_deref(),
            Some("a\r\nb\tc")
        );
    }

    #[test]
    fn a_reason_is_one_line_and_cannot_forge_another() {
        for forged in [
            "gevaar\r\nactor: pr-dzm",
            "gevaar\nactor: pr-dzm",
            "a\rb",
            "jeugdhulp\u{2028}actor: pr-dzm",
            "a\u{2029}b",
            "a\u{85}b",
        ] {
            let refusal = required_line("reden", Some(forged)).unwrap_err();
            assert_eq!(
                refusal,
                Refusal::Invalid("reden is één regel, zonder regeleinden".into())
            );
        }
        assert!(optional_line("reden", Some("a\tb")).is_err());
        assert_eq!(
            required_line("reden", Some("  hoog risico ")).unwrap(),
            "hoog risico"
        );
    }

    #[test]
    fn a_required_text_needs_something_to_read() {
        let zero_width = "\u{200B}".repeat(4000);
        for nothing in [
            zero_width.as_str(),
            "   ",
            "\u{FEFF}\u{2060}\u{200D}",
            "\u{0301}",
            "\u{2800}\u{2800}",
            "\u{115F}",
            "\u{3164}",
        ] {
            assert_eq!(
                required_text("notitie", Some(nothing)),
                Err(Refusal::Invalid("notitie is verplicht".into())),
                "{nothing:?}"
            );
            assert_eq!(optional_line("reden", Some(nothing)), Ok(None));
        }
        // Emoji, accents and other scripts are text.
        for text in ["👍", "é", "gezin 👨‍👩‍👧", "نعم", "家"] {
            assert_eq!(required_line("reden", Some(text)).unwrap(), text);
        }
    }

    #[test]
    fn text_that_reorders_other_text_is_refused() {
        for c in ['\u{202E}', '\u{2066}', '\u{202A}', '\u{FFF9}'] {
            let text = format!("akkoord{c} niet");
            assert!(required_text("notitie", Some(&text)).is_err(), "{c:?}");
        }
    }

    #[test]
    fn a_text_has_a_length_limit() {
        let long = "x".repeat(MAX_TEXT + 1);
        assert!(optional_text("notitie", Some(&long)).is_err());
        assert!(optional_text("notitie", Some(&"x".repeat(MAX_TEXT))).is_ok());
    }
}
