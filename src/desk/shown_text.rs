//! Free text as a terminal can show it. What people type (a reason, a
//! note, a motivation) may hold emoji sequences that ratatui measures as
//! one wide character but a terminal or tmux draws as several: a family
//! joined by zero-width joiners, a heart with an emoji presentation
//! selector, a thumb with a skin tone. Drawn as they are, each pushes the
//! rest of its line, and the pane's border, to the right. The desk keeps
//! the parts every terminal measures alike; exports keep the text as typed.

use crate::api::wire::CaseDetailResponse;
use crate::domain::boards::Delta;

/// `text` with joiners, variation selectors, skin-tone modifiers and
/// other zero-width characters left out, and line breaks, tabs and other
/// control characters as a space (a span is one line).
pub fn tidy(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' | '\u{2028}' | '\u{2029}' => shown.push_str(" / "),
            c if c.is_control() => shown.push(' '),
            c if measured_apart(c) => {}
            c => shown.push(c),
        }
    }
    shown
}

/// Joiners, zero-width spaces, variation selectors and skin-tone
/// modifiers: what ratatui folds into the character before and a terminal
/// may draw on its own.
fn measured_apart(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{1F3FB}'..='\u{1F3FF}'
    )
}

fn tidy_in_place(text: &mut String) {
    if text
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || measured_apart(c))
    {
        *text = tidy(text);
    }
}

/// Tidies every free text of a sync's delta before the desk keeps it.
pub fn tidy_delta(delta: &mut Delta) {
    for case in &mut delta.cases {
        case.escalation_reason.iter_mut().for_each(tidy_in_place);
    }
    for request in &mut delta.requests {
        tidy_in_place(&mut request.provision);
        tidy_in_place(&mut request.motivation);
        request.reason.iter_mut().for_each(tidy_in_place);
        for suspension in &mut request.term.suspensions {
            tidy_in_place(&mut suspension.note);
        }
        if let Some(extension) = &mut request.term.extension {
            tidy_in_place(&mut extension.reason);
        }
    }
}

/// Tidies every free text of a case's detail before the desk shows it.
pub fn tidy_detail(detail: &mut CaseDetailResponse) {
    let mut delta = Delta {
        cases: vec![detail.case.clone()],
        requests: std::mem::take(&mut detail.requests),
        ..Delta::default()
    };
    tidy_delta(&mut delta);
    detail.case = delta.cases.pop().expect("the case");
    detail.requests = delta.requests;
    for event in &mut detail.events {
        event.note.iter_mut().for_each(tidy_in_place);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn every_terminal_measures_a_tidied_text_alike() {
        // Per character, as a terminal measures, equals per string, as
        // ratatui measures.
        for typed in ["👨‍👩‍👧 gezin", "❤️", "👍🏽 akkoord", "a\u{200B}b", "🇳🇱", "é"]
        {
            let shown = tidy(typed);
            let per_char: usize = shown
                .chars()
                .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
                .sum();
            assert_eq!(per_char, shown.width(), "{typed:?} → {shown:?}");
        }
        assert_eq!(tidy("👨‍👩‍👧"), "👨👩👧");
        assert_eq!(tidy("regel 1\r\nregel 2\tklaar"), "regel 1 / regel 2 klaar");
        assert_eq!(tidy("gewoon"), "gewoon");
    }
}
