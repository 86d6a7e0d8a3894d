//! A case: the pane beside a table and the full detail with its history.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, block, centered};
use crate::desk::app::{App, DetailState, Overlay};
use crate::desk::columns::Tone;
use crate::desk::labels;
use crate::domain::boards::Board;
use crate::domain::model::Case;

/// The detail pane beside a table: what the sync already brought about the
/// selected case (no audited read; `Enter` loads the history).
pub(super) fn draw_pane(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let lang = app.lang();
    let Some(case) = app.selected_case() else {
        frame.render_widget(block(String::new(), theme), area);
        return;
    };
    let mut lines = case_facts(app, case, theme);
    let requests: Vec<_> = app.snapshot.requests_of(case.id).collect();
    if !requests.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            lang.pick("Aanvragen", "Requests"),
            Style::default().add_modifier(Modifier::BOLD),
        ));
        for r in requests {
            lines.push(Line::raw(format!(
                "{} {} · {}",
                r.number,
                labels::request_kind(lang, r.kind),
                labels::request_status(lang, r.status)
            )));
            if app.board == Board::Mandaat {
                lines.push(Line::styled(
                    format!("  {}", r.motivation),
                    theme.tone(Tone::Dim),
                ));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        lang.pick(
            "⏎ volledige geschiedenis (wordt gelogd)",
            "⏎ full history (logged)",
        ),
        theme.tone(Tone::Dim),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(
                format!("{} · {}", case.number, case.pseudonym),
                theme,
            )),
        area,
    );
}

fn case_facts(app: &App, case: &Case, theme: Theme) -> Vec<Line<'static>> {
    let lang = app.lang();
    let day = |at: DateTime<Utc>| labels::day(lang, at, app.now);
    let mut lines = vec![Line::raw(format!(
        "{} · {}: {} · {}",
        labels::domain(lang, case.domain),
        lang.pick("bron", "source"),
        labels::source(lang, case.source),
        crate::desk::columns::status(lang, case.status)
    ))];
    if !case.risk_flags.is_empty() {
        let mut spans = Vec::new();
        for flag in &case.risk_flags {
            spans.push(Span::styled(
                format!("⚑ {}", flag.badge()),
                theme.tone(Tone::Risk),
            ));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    let holder = case
        .casusregisseur
        .as_deref()
        .map(|l| app.snapshot.name_of(l))
        .unwrap_or_else(|| "—".into());
    lines.push(Line::raw(format!("Casusregisseur: {holder}")));
    lines.push(Line::raw(format!(
        "{:<20}{}",
        lang.pick("aangemeld", "referred"),
        day(case.referred_at)
    )));
    if let Some(at) = case.assigned_at {
        lines.push(Line::raw(format!(
            "{:<20}{}",
            lang.pick("toegewezen", "assigned"),
            day(at)
        )));
    }
    match (case.first_contact_at, case.first_contact_due_at) {
        (Some(at), _) => lines.push(Line::raw(format!(
            "{:<20}{}",
            lang.pick("eerste contact", "first contact"),
            day(at)
        ))),
        (None, Some(due)) => lines.push(Line::styled(
            format!(
                "{:<20}{}",
                lang.pick("contact vóór", "contact by"),
                day(due)
            ),
            theme.tone(if due < app.now {
                Tone::Late
            } else {
                Tone::Soon
            }),
        )),
        _ => {}
    }
    if let Some(at) = case.plan_at {
        lines.push(Line::raw(format!(
            "{:<20}{}",
            lang.pick("plan", "plan"),
            day(at)
        )));
    }
    lines.push(Line::raw(format!(
        "{:<20}{}",
        lang.pick("laatste activiteit", "last activity"),
        day(case.last_activity_at)
    )));
    if case.stuck_reported {
        lines.push(Line::styled(
            lang.pick("vastgelopen gemeld", "reported stuck")
                .to_string(),
            theme.tone(Tone::Late),
        ));
    }
    if case.escalated {
        lines.push(Line::styled(
            format!(
                "{} {} {}",
                lang.pick("opgeschaald", "escalated"),
                case.escalated_at.map(day).unwrap_or_default(),
                case.escalated_by
                    .as_deref()
                    .map(|l| format!("{} {}", lang.pick("door", "by"), app.snapshot.name_of(l)))
                    .unwrap_or_default()
            ),
            theme.tone(Tone::Soon),
        ));
    }
    lines
}

pub(super) fn draw_detail(frame: &mut Frame, app: &App, theme: Theme) {
    let Some(Overlay::Detail(detail)) = &app.overlay else {
        return;
    };
    let lang = app.lang();
    let area = frame.area();
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(100),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, rect);
    let (title, lines): (String, Vec<Line>) = match &detail.state {
        DetailState::Loading => (
            lang.pick("Zaak laden…", "Loading case…").into(),
            vec![Line::raw(lang.pick("Bezig…", "Working…"))],
        ),
        DetailState::Failed(error) => (
            lang.pick("Zaak", "Case").into(),
            vec![Line::styled(format!("⚠ {error}"), theme.tone(Tone::Late))],
        ),
        DetailState::Loaded(loaded) => {
            let case = &loaded.case;
            let mut lines = case_facts(app, case, theme);
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                lang.pick("Geschiedenis", "History"),
                Style::default().add_modifier(Modifier::BOLD),
            ));
            for event in &loaded.events {
                let mut spans = vec![
                    Span::styled(
                        format!(
                            "{:<14}",
                            format!(
                                "{} {}",
                                labels::day(lang, event.at, app.now),
                                labels::time(event.at)
                            )
                        ),
                        theme.tone(Tone::Dim),
                    ),
                    Span::raw(format!("{:<20}", labels::event(lang, event.kind))),
                    Span::raw(app.snapshot.name_of(&event.actor)),
                ];
                if let Some(note) = &event.note {
                    spans.push(Span::styled(format!(" — {note}"), theme.tone(Tone::Dim)));
                }
                lines.push(Line::from(spans));
            }
            if !loaded.requests.is_empty() {
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    lang.pick("Aanvragen", "Requests"),
                    Style::default().add_modifier(Modifier::BOLD),
                ));
                for r in &loaded.requests {
                    lines.push(Line::raw(format!(
                        "{} · {} · {} · {}",
                        r.number,
                        labels::request_kind(lang, r.kind),
                        r.provision,
                        labels::request_status(lang, r.status)
                    )));
                    lines.push(Line::styled(
                        format!("  {}", r.motivation),
                        theme.tone(Tone::Dim),
                    ));
                }
            }
            (
                format!(
                    "{} · {} · {}",
                    case.number,
                    case.pseudonym,
                    lang.pick("inzage gelogd", "access logged")
                ),
                lines,
            )
        }
    };
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .scroll((detail.scroll, 0))
            .block(block(title, theme).title_bottom(Line::styled(
                lang.pick(" j/k scrollen · Esc sluiten ", " j/k scroll · Esc close "),
                theme.tone(Tone::Dim),
            ))),
        rect,
    );
}
