//! Help, the command palette, and logging in again over the screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, block, centered};
use crate::desk::app::{App, HelpScroll, Palette, Relogin};
use crate::desk::columns::Tone;
use crate::desk::keymap::{BINDINGS, Scope};
use crate::desk::labels;
use crate::domain::boards::Severity;
use crate::domain::model::RiskFlag;

pub(super) fn draw_help(frame: &mut Frame, app: &App, theme: Theme, scroll: HelpScroll) {
    let lang = app.lang();
    let column = |scope: Scope, title: &str| {
        let mut lines = vec![Line::styled(title.to_string(), theme.accent())];
        for binding in BINDINGS
            .iter()
            .filter(|b| b.scope == scope && app.offers(b.action))
        {
            lines.push(Line::from(vec![
                Span::styled(
                    format!(" {:<11}", binding.keys_label()),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(binding.describe(lang).to_string()),
            ]));
        }
        lines
    };
    let mut everywhere = column(Scope::Everywhere, lang.pick("Overal", "Everywhere"));
    // What the key list cannot say: keys that act on the marked rows, and
    // the palette's saved views.
    everywhere.push(Line::raw(""));
    everywhere.push(Line::styled(
        lang.pick("Meerdere zaken, weergaven", "Several cases, views"),
        theme.accent(),
    ));
    for (keys, nl, en) in [
        ("␣ V", "markeer; t e x gelden dan", "mark; t e x then act"),
        ("", "voor alle gemarkeerde", "on all marked rows"),
        (":", "bewaar weergave NAAM", "save view NAME"),
        (":NAAM", "die weergave terug", "that view again"),
    ] {
        everywhere.push(Line::from(vec![
            Span::styled(
                format!(" {keys:<11}"),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(lang.pick(nl, en).to_string()),
        ]));
    }
    let here = column(
        Scope::Board,
        lang.pick("Op dit bord, nu", "On this board, now"),
    );
    let mut here = here;
    here.push(Line::raw(""));
    here.push(Line::styled(lang.pick("Risico's", "Risks"), theme.accent()));
    for &flag in RiskFlag::ALL {
        here.push(Line::from(vec![
            Span::styled(format!(" {}", flag.badge()), theme.tone(Tone::Risk)),
            Span::raw(format!(" {}", labels::risk_flag(lang, flag))),
        ]));
    }
    here.push(Line::raw(""));
    here.push(Line::styled(
        lang.pick("Stagnatie, ergste eerst", "Stagnation, worst first"),
        theme.accent(),
    ));
    here.push(Line::raw(
        Severity::ALL
            .iter()
            .map(|s| labels::severity(lang, *s))
            .collect::<Vec<_>>()
            .join(" › "),
    ));
    if theme.mono {
        // Without colour, meaning is carried by marks.
        here.push(Line::raw(""));
        here.push(Line::raw(lang.pick(
            "Zonder kleur: ! te laat of over capaciteit · ~ bijna · omgekeerd: risico",
            "Without colour: ! late or over capacity · ~ nearly · reversed: risk",
        )));
    }
    let width = frame.area().width.min(80);
    let column_width = (width.saturating_sub(4) / 2).max(1);
    let here = Paragraph::new(here).wrap(Wrap { trim: false });
    let height = (everywhere.len() as u16).max(here.line_count(column_width) as u16) + 4;
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    // Taller than the terminal: it scrolls, and says so.
    let hidden = height.saturating_sub(area.height);
    let scroll = scroll.offset(hidden);
    let closes = if hidden > 0 {
        lang.pick(
            " j/k of ↑/↓ scrolt · g/G begin/eind · Esc of ? sluit ",
            " j/k or ↑/↓ scrolls · g/G top/end · Esc or ? closes ",
        )
    } else {
        lang.pick(" Esc of ? sluit ", " Esc or ? closes ")
    };
    let outer =
        block("Help".into(), theme).title_bottom(Line::styled(closes, theme.tone(Tone::Dim)));
    let inner = outer.inner(area).inner(Margin::new(1, 1));
    frame.render_widget(outer, area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    frame.render_widget(Paragraph::new(everywhere).scroll((scroll, 0)), left);
    frame.render_widget(here.scroll((scroll, 0)), right);
}

pub(super) fn draw_palette(frame: &mut Frame, app: &App, theme: Theme, palette: &Palette) {
    let lang = app.lang();
    let (input, selected, entries) = (&palette.input, palette.selected, &palette.entries);
    let shown = 10usize;
    let area = frame.area();
    let width = 56.min(area.width);
    let height = (shown as u16 + 4).min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + 2.min(area.height.saturating_sub(height)),
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    let outer = block(
        lang.pick("Opdracht of zaaknummer", "Command or case number")
            .into(),
        theme,
    );
    let inner = outer.inner(rect);
    frame.render_widget(outer, rect);
    let [input_area, list_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(format!(": {}", input.value())), input_area);
    frame.set_cursor_position(Position::new(
        input_area.x + 2 + input.visual_cursor() as u16,
        input_area.y,
    ));
    let skip = selected.saturating_sub(shown - 1);
    let lines: Vec<Line> = entries
        .iter()
        .enumerate()
        .skip(skip)
        .take(shown)
        .map(|(i, (label, _))| {
            let style = if i == selected {
                theme.selected()
            } else {
                Style::default()
            };
            Line::styled(format!(" {label}"), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area.inner(Margin::new(0, 0)));
}

/// Logging in again over the screen: where to go and which code to give,
/// in large enough type to read off and type on a phone.
pub(super) fn draw_relogin(frame: &mut Frame, app: &App, theme: Theme, relogin: &Relogin) {
    let lang = app.lang();
    let mut lines = Vec::new();
    match relogin {
        Relogin::Starting => lines.push(Line::raw(lang.pick(
            "De identiteitsprovider wordt gevraagd om een code…",
            "Asking the identity provider for a code…",
        ))),
        Relogin::Waiting {
            verification_uri,
            verification_uri_complete,
            user_code,
            expires_at,
        } => {
            lines.push(Line::raw(lang.pick(
                "Open in een browser (ook op uw telefoon):",
                "Open in a browser (your phone will do):",
            )));
            lines.push(Line::styled(
                format!("  {verification_uri}"),
                theme.accent(),
            ));
            lines.push(Line::raw(
                lang.pick("en voer deze code in:", "and enter this code:"),
            ));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("      {user_code}"),
                Style::default().add_modifier(Modifier::BOLD),
            ));
            lines.push(Line::raw(""));
            if let Some(complete) = verification_uri_complete {
                lines.push(Line::raw(format!(
                    "{} {complete}",
                    lang.pick("Of direct:", "Or directly:")
                )));
            }
            let minutes = (*expires_at - app.now).num_minutes().max(0);
            lines.push(Line::raw(format!(
                "{} {} {minutes} min.",
                lang.pick("Wachten op goedkeuring…", "Waiting for approval…"),
                lang.pick("De code verloopt over", "The code expires in"),
            )));
        }
        Relogin::Failed(why) => {
            lines.push(Line::styled(why.clone(), theme.tone(Tone::Late)));
            lines.push(Line::raw(""));
            lines.push(Line::raw(lang.pick("L: opnieuw proberen", "L: try again")));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(lang.pick(
        "Het bord, de selectie en wat u typte blijven staan. Esc: annuleren.",
        "The board, the selection and what you typed stay. Esc: cancel.",
    )));
    let width = 76;
    let height = lines.len() as u16 + 2;
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(
                lang.pick("Opnieuw inloggen", "Log in again").to_string(),
                theme,
            )),
        area,
    );
}
