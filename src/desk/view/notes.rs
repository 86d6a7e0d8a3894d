//! The form of the user's own note on a case (see `app::notes`).

use ratatui::Frame;
use ratatui::layout::{Margin, Position};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::team::draw_form;
use super::{Theme, block, centered, ellipsis};
use crate::desk::app::{App, Flight, NoteField, NoteForm};
use crate::desk::columns::Tone;
use crate::desk::labels;

pub(super) fn draw_note(frame: &mut Frame, app: &App, theme: Theme, form: &NoteForm) {
    let lang = app.lang();
    let width = frame.area().width.min(78);
    let height = 11 + u16::from(!form.open.is_empty());
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let title = format!(
        "{} · {}",
        lang.pick("Eigen notitie", "Own note"),
        form.number
    );
    let outer = block(title, theme);
    let inner = outer.inner(area).inner(Margin::new(1, 0));
    frame.render_widget(outer, area);
    let label_width = 13usize;
    let value_width = usize::from(inner.width).saturating_sub(label_width + 2);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let style = |on: bool| {
        if on {
            theme.selected()
        } else {
            Style::default()
        }
    };
    // The end of a long text stays in view while it is typed.
    let shown = |input: &tui_input::Input| {
        let scroll = input.visual_scroll(value_width);
        let text: String = input.value().chars().skip(scroll).collect();
        (ellipsis(&text, value_width), scroll)
    };
    let (text, text_scroll) = shown(&form.text);
    let (day, _) = shown(&form.remind_on);
    let mut lines = vec![
        Line::styled(
            lang.pick(
                "Alleen u leest dit (geschiedenis, gelogd); nooit in meldingen of exports.",
                "Only you read this (history, logged); never in notifications or exports.",
            ),
            theme.tone(Tone::Dim),
        ),
        Line::raw(""),
        Line::from(vec![
            Span::styled(
                format!("{:<label_width$}", lang.pick("Notitie", "Note")),
                bold,
            ),
            Span::styled(
                format!(" {text:<value_width$}"),
                style(form.field == NoteField::Text),
            ),
        ]),
        Line::from(vec![
            Span::styled(
                format!("{:<label_width$}", lang.pick("Herinnering", "Reminder")),
                bold,
            ),
            Span::styled(
                format!(" {day:<12}"),
                style(form.field == NoteField::RemindOn),
            ),
            Span::styled(
                lang.pick(" dd-mm-jjjj, leeg: geen", " dd-mm-yyyy, empty: none"),
                theme.tone(Tone::Dim),
            ),
        ]),
    ];
    if !form.open.is_empty() {
        let days = form
            .open
            .iter()
            .map(|r| labels::short_date(r.remind_on))
            .collect::<Vec<_>>()
            .join(", ");
        let mark = if form.finish { "[x]" } else { "[ ]" };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} "), style(form.field == NoteField::Finish)),
            Span::raw(format!(
                "{} {days} {}",
                lang.pick("herinnering", "reminder"),
                lang.pick("afgehandeld", "dealt with")
            )),
        ]));
    }
    let hint = if form.open.is_empty() {
        lang.pick(
            "Tab veld · ⏎ bewaren · Esc annuleren",
            "Tab field · ⏎ keep · Esc cancel",
        )
    } else {
        lang.pick(
            "Tab veld · Spatie afgehandeld · ⏎ bewaren · Esc annuleren",
            "Tab field · Space dealt with · ⏎ keep · Esc cancel",
        )
    };
    let body = draw_form(frame, lang, theme, inner, lines, &form.flight, hint);
    let cursor = match form.field {
        NoteField::Text => Some((form.text.visual_cursor() - text_scroll, 3)),
        NoteField::RemindOn => Some((form.remind_on.visual_cursor(), 4)),
        NoteField::Finish => None,
    };
    if let (Some((x, row)), true) = (cursor, form.flight != Flight::Sending) {
        frame.set_cursor_position(Position::new(
            body.x + label_width as u16 + 1 + x as u16,
            body.y + row,
        ));
    }
}
