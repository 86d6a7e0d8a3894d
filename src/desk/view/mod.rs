//! `view`: draws the state, changes nothing. Only the visible rows of a
//! table are turned into widgets, so a frame costs what the screen shows.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use super::app::{App, Overlay, StatusKind};
use super::columns::Tone;
use super::keymap::{self, Action};
use super::labels;
use crate::domain::boards::Board;
use crate::domain::need_to_know;

mod bulk;
mod case;
mod dialog;
mod goals;
mod notes;
mod popups;
mod table;
mod team;

use case::draw_detail;
use dialog::draw_dialog;
use popups::{draw_help, draw_palette};
use table::draw_body;

/// Colours with a meaning, or (mono, `NO_COLOR`) symbols and bold.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub mono: bool,
}

impl Theme {
    pub fn tone(self, tone: Tone) -> Style {
        let style = Style::default();
        if self.mono {
            return match tone {
                Tone::Late => style.add_modifier(Modifier::BOLD),
                Tone::Soon => style.add_modifier(Modifier::BOLD),
                Tone::Dim => style.add_modifier(Modifier::DIM),
                Tone::Risk => style.add_modifier(Modifier::REVERSED),
                Tone::Plain | Tone::InTime => style,
            };
        }
        // Named colours follow the terminal's own palette, so they read on
        // dark and light backgrounds alike.
        match tone {
            Tone::Late => style.fg(Color::Red).add_modifier(Modifier::BOLD),
            Tone::Soon => style.fg(Color::Yellow),
            Tone::InTime => style.fg(Color::Green),
            Tone::Dim => style.add_modifier(Modifier::DIM),
            Tone::Risk => style
                .fg(Color::Red)
                .add_modifier(Modifier::REVERSED | Modifier::BOLD),
            Tone::Plain => style,
        }
    }

    /// Under mono, the meaning of a colour as a symbol.
    pub fn marker(self, tone: Tone) -> &'static str {
        match (self.mono, tone) {
            (true, Tone::Late) => "!",
            (true, Tone::Soon) => "~",
            _ => "",
        }
    }

    fn accent(self) -> Style {
        if self.mono {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        }
    }

    /// The banner of a lost or refused connection.
    fn banner(self) -> Style {
        if self.mono {
            Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            Style::default()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        }
    }

    fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
}

pub use crate::desk::app::{DETAIL_PANE_FROM, DETAIL_PANE_WIDTH};

pub fn draw(frame: &mut Frame, app: &App) {
    let theme = Theme {
        mono: app.settings.mono,
    };
    let area = frame.area();
    let banner = u16::from(app.connection.offline.is_some());
    let [header, tabs, banner_area, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(banner),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, app, theme, header);
    draw_tabs(frame, app, theme, tabs);
    if banner > 0 {
        draw_banner(frame, app, theme, banner_area);
    }
    draw_body(frame, app, theme, body);
    draw_footer(frame, app, theme, footer);
    if let Some(overlay) = &app.overlay {
        match overlay {
            // The filter is typed into the table's title.
            Overlay::Filter(_) => {}
            Overlay::Help(scroll) => {
                dim(frame);
                draw_help(frame, app, theme, *scroll);
            }
            Overlay::Palette(palette) => {
                dim(frame);
                draw_palette(frame, app, theme, palette);
            }
            Overlay::Detail(_) => {
                dim(frame);
                draw_detail(frame, app, theme);
            }
            Overlay::Dialog(dialog) => {
                dim(frame);
                draw_dialog(frame, app, theme, dialog);
            }
            Overlay::Absence(form) => {
                dim(frame);
                team::draw_absence_form(frame, app, theme, form);
            }
            Overlay::Redistribution(plan) => {
                dim(frame);
                team::draw_redistribution(frame, app, theme, plan);
            }
            Overlay::Bulk(bulk) => {
                dim(frame);
                bulk::draw_bulk(frame, app, theme, bulk);
            }
            Overlay::Note(form) => {
                dim(frame);
                notes::draw_note(frame, app, theme, form);
            }
            Overlay::Evaluation(form) => {
                dim(frame);
                goals::draw_evaluation(frame, app, theme, form);
            }
            Overlay::Plan(form) => {
                dim(frame);
                goals::draw_plan(frame, app, theme, form);
            }
            Overlay::Period(input, error) => {
                dim(frame);
                super::charts::draw_period(frame, app, theme, input, error.as_deref());
            }
        }
    }
    // Over everything, a dialog included, which stays as it was.
    if let Some(relogin) = &app.relogin {
        dim(frame);
        popups::draw_relogin(frame, app, theme, relogin);
    }
}

fn dim(frame: &mut Frame) {
    let area = frame.area();
    frame
        .buffer_mut()
        .set_style(area, Style::default().add_modifier(Modifier::DIM));
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// A bordered box with the title in the accent style.
pub(super) fn block(title: String, theme: Theme) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Plain)
        .title(Span::styled(format!(" {title} "), theme.accent()))
}

fn draw_header(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let lang = app.lang();
    let person = &app.me.person;
    let role = labels::role(lang, person.role);
    let place = &app.settings.place;
    // The poll state and the time of the last successful sync.
    let synced = app
        .connection
        .last_sync
        .map(|at| format!(" {}", labels::time_of_day(at)))
        .unwrap_or_default();
    let (symbol, state, tone) = match (&app.connection.offline, app.connection.last_sync) {
        (Some(offline), _) if offline.denied && app.sso => (
            "⚠",
            lang.pick("sessie verlopen · L", "session ended · L")
                .to_string(),
            Tone::Late,
        ),
        (Some(offline), _) if offline.denied => (
            "⚠",
            lang.pick("geweigerd", "refused").to_string(),
            Tone::Late,
        ),
        (Some(_), _) => ("⚠", format!("offline{synced}"), Tone::Late),
        (None, Some(_)) => (
            "●",
            format!("{}{synced}", lang.pick("sync", "sync")),
            Tone::InTime,
        ),
        (None, None) => ("◌", lang.pick("laden", "loading").to_string(), Tone::Soon),
    };
    let right = format!("{}  {symbol} {state} ", labels::clock(lang, app.now));
    let [left_area, right_area] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(right.chars().count() as u16),
    ])
    .spacing(1)
    .areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            header_text(
                left_area.width.into(),
                &[
                    format!(" regiedesk · {place} · {}, {role}", person.display_name),
                    format!(" {place} · {}, {role}", person.display_name),
                    format!(" {}, {role}", person.display_name),
                ],
            ),
            Style::default().add_modifier(Modifier::BOLD),
        )),
        left_area,
    );
    let clock = labels::clock(lang, app.now);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::raw(format!("{clock}  ")),
            Span::styled(format!("{symbol} {state} "), theme.tone(tone)),
        ])),
        right_area,
    );
}

/// The longest of the texts (longest first) that fits; the last one cut.
fn header_text(width: usize, texts: &[String]) -> String {
    texts
        .iter()
        .find(|t| t.chars().count() <= width)
        .cloned()
        .unwrap_or_else(|| ellipsis(texts.last().map_or("", String::as_str), width))
}

/// Text cut to `width` characters with an ellipsis, so a cut never runs
/// into what stands beside it unnoticed.
pub(super) fn ellipsis(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

fn draw_tabs(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let mut spans = Vec::new();
    let mut x = 0;
    for tab in app.tab_strip(area.width) {
        spans.push(Span::raw(" ".repeat(usize::from(tab.x - x))));
        let style = if tab.board == app.board {
            theme.selected().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        spans.push(Span::styled(tab.label.clone(), style));
        if let Some(n) = tab.count {
            let tone = if tab.board == Board::Mandaat || tab.board == Board::Doorzettingsmacht {
                Tone::Soon
            } else {
                Tone::Late
            };
            spans.push(Span::styled(format!(" {n}"), style.patch(theme.tone(tone))));
        }
        spans.push(Span::styled(" ", style));
        x = tab.x + tab.width;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_banner(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let Some(offline) = &app.connection.offline else {
        return;
    };
    let lang = app.lang();
    let data = match app.connection.last_sync {
        Some(at) => format!(
            "{} {} ({} {})",
            lang.pick("gegevens van", "data from"),
            labels::time(at),
            labels::age(lang, (app.now - at).num_seconds()),
            lang.pick("oud", "old")
        ),
        None => lang.pick("nog geen gegevens", "no data yet").to_string(),
    };
    let retry = (offline.retry_at - app.now).num_seconds().max(0);
    let retry = format!(
        "{} {retry} s",
        lang.pick("nieuwe poging over", "retrying in")
    );
    // What, when the next try is and how old the data is come first; the
    // cause last, so a narrow screen cuts that.
    let text = if offline.denied && !need_to_know::sees_cases(app.me.person.role) {
        // Refused because of the role, not the token: a new token or a
        // new login would be refused alike.
        format!(
            " ⚠ {}",
            lang.pick(
                "De privacyfunctionaris ziet in regiedesk geen zaken; het auditlog leest u via GET /api/v1/audit",
                "The privacy officer sees no cases in regiedesk; read the audit log through GET /api/v1/audit"
            ),
        )
    } else if offline.denied && app.sso {
        // Logged in through the identity provider: the way back is a new
        // login, here, without losing anything on screen.
        format!(
            " ⚠ {} · {data}",
            lang.pick(
                "Uw sessie is beëindigd of uw toegang geweigerd; druk L om opnieuw in te loggen (het scherm blijft staan)",
                "Your session ended or your access was refused; press L to log in again (the screen stays as it is)"
            ),
        )
    } else if offline.denied {
        // A refused token is not a lost connection: waiting will not
        // help, a new token will. The server's own words stay out.
        format!(
            " ⚠ {} · {data}",
            lang.pick(
                "Uw toegang is geweigerd of ingetrokken; vraag uw beheerder om een nieuw token",
                "Your access was refused or revoked; ask your administrator for a new token"
            ),
        )
    } else {
        format!(
            " ⚠ {} · {retry} · {data} · {}",
            lang.pick(
                "Geen verbinding met de server",
                "No connection to the server (verbinding)"
            ),
            offline.error
        )
    };
    let text = ellipsis(&text, area.width.into());
    let style = theme.banner();
    frame.render_widget(Paragraph::new(text).style(style), area);
}

fn draw_footer(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let lang = app.lang();
    if let Some(status) = &app.status {
        let (symbol, tone) = match status.kind {
            StatusKind::Error => ("✗", Tone::Late),
            StatusKind::Notice => ("ℹ", Tone::Soon),
            StatusKind::Done => ("✓", Tone::InTime),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(" {symbol} {}", status.text),
                theme.tone(tone),
            )),
            area,
        );
        return;
    }
    if matches!(app.overlay, Some(Overlay::Filter(_))) {
        frame.render_widget(
            Paragraph::new(lang.pick(
                " typ om te filteren · ⏎ houden · Esc wissen",
                " type to filter · ⏎ keep · Esc clear",
            )),
            area,
        );
        return;
    }
    const HINTS: [Action; 19] = [
        Action::Open,
        Action::Approve,
        Action::Reject,
        // Only where the law allows them now (see `App::offers`).
        Action::DefaultNotice,
        Action::Resume,
        Action::Suspend,
        Action::Extend,
        Action::FollowUp,
        Action::Postpone,
        Action::Reassign,
        Action::Escalate,
        Action::TakeOver,
        Action::Deescalate,
        Action::Back,
        Action::Filter,
        Action::Period,
        Action::Bucket,
        Action::CustomPeriod,
        Action::Palette,
    ];
    // With rows marked, the keys that act on all of them.
    const MARKED_HINTS: [Action; 5] = [
        Action::Reassign,
        Action::Escalate,
        Action::Export,
        Action::MarkRange,
        Action::Back,
    ];
    let marked = app.table().map_or(0, |t| t.marked_count());
    let hints = |actions: &mut dyn Iterator<Item = Action>| {
        let mut spans = Vec::new();
        for action in actions.filter(|&a| app.offers(a)) {
            let binding = keymap::binding(action);
            let key = binding.keys.first().map(keymap::label).unwrap_or_default();
            spans.push(Span::styled(key, theme.accent()));
            // Without the pane, Enter on a case opens its history at once:
            // an audited read, said before the key is pressed.
            let words = match action {
                Action::Open
                    if area.width < DETAIL_PANE_FROM
                        && app.selected_key().is_some_and(|k| k.case_id().is_some()) =>
                {
                    lang.pick("geschiedenis (gelogd)", "history (logged)")
                }
                Action::Back if marked > 0 => lang.pick("markering opheffen", "clear marks"),
                Action::Reassign if marked > 0 => lang.pick("allen herverdelen", "reassign all"),
                Action::Escalate if marked > 0 => lang.pick("allen opschalen", "escalate all"),
                Action::Export if marked > 0 => lang.pick("exporteer gemarkeerde", "export marked"),
                Action::MarkRange if marked > 0 => lang.pick("reeks", "range"),
                _ => binding.describe(lang),
            };
            spans.push(Span::raw(format!(" {words}  ")));
        }
        spans
    };
    // Help and quit stay in view however narrow the terminal.
    let always = Line::from(hints(&mut [Action::Help, Action::Quit].into_iter()));
    let [left, right] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(always.width() as u16 + 1),
    ])
    .areas(area);
    // Whole hints only: one that does not fit is left out, not cut.
    let mut line = Line::raw(" ");
    let hints = if marked > 0 {
        line.push_span(Span::styled(
            format!("{marked} {}  ", lang.pick("gemarkeerd", "marked")),
            theme.selected(),
        ));
        hints(&mut MARKED_HINTS.into_iter())
    } else {
        hints(&mut HINTS.into_iter())
    };
    for pair in hints.chunks(2) {
        let width: usize = pair.iter().map(Span::width).sum();
        if line.width() + width > usize::from(left.width) {
            break;
        }
        line.spans.extend(pair.iter().cloned());
    }
    frame.render_widget(Paragraph::new(line), left);
    frame.render_widget(Paragraph::new(always), right);
}

/// What the desk shows while it cannot reach the server (or the server
/// refuses the token) at start.
#[derive(Debug, Clone)]
pub struct Connecting {
    pub lang: crate::config::Language,
    pub mono: bool,
    pub server: String,
    pub denied: bool,
    /// Logged in through the identity provider (`regiedesk login`).
    pub sso: bool,
    pub error: String,
    pub retry_at: chrono::DateTime<chrono::Utc>,
}

/// The screen before the first answer: the banner a lost connection gets
/// later, the server's address, and what the user can do.
pub fn draw_connecting(
    frame: &mut Frame,
    waiting: &Connecting,
    now: chrono::DateTime<chrono::Utc>,
) {
    let lang = waiting.lang;
    let theme = Theme { mono: waiting.mono };
    let area = frame.area();
    let [header, banner, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            ellipsis(
                &format!(" regiedesk · {}", waiting.server),
                header.width.into(),
            ),
            Style::default().add_modifier(Modifier::BOLD),
        )),
        header,
    );
    let retry = (waiting.retry_at - now).num_seconds().max(0);
    let what = if waiting.denied && waiting.sso {
        lang.pick(
            "Uw sessie is beëindigd of uw toegang geweigerd",
            "Your session ended or your access was refused",
        )
    } else if waiting.denied {
        lang.pick(
            "Uw toegang is geweigerd of ingetrokken",
            "Your access was refused or revoked",
        )
    } else {
        lang.pick(
            "Geen verbinding met de server",
            "No connection to the server (verbinding)",
        )
    };
    let style = theme.banner();
    frame.render_widget(
        Paragraph::new(ellipsis(
            &if waiting.denied {
                format!(
                    " ⚠ {what} · {} {retry} s",
                    lang.pick("nieuwe poging over", "retrying in")
                )
            } else {
                format!(
                    " ⚠ {what} · {} {retry} s · {}",
                    lang.pick("nieuwe poging over", "retrying in"),
                    waiting.error
                )
            },
            banner.width.into(),
        ))
        .style(style),
        banner,
    );
    let sso_advice;
    let advice = if waiting.denied && waiting.sso {
        // The server's or the provider's own words say why (a person
        // regiedesk does not know, a session that ended); the way on is
        // a new login.
        sso_advice = format!(
            "{}\n\n{}",
            waiting.error,
            lang.pick(
                "Stop met q en start `regiedesk login`.",
                "Quit with q and run `regiedesk login`.",
            )
        );
        sso_advice.as_str()
    } else if waiting.denied {
        lang.pick(
            "De server kent dit token niet (meer). Vraag uw beheerder om een nieuw token en zet het in REGIEDESK_TOKEN.",
            "The server does not (or no longer) accept this token. Ask your administrator for a new one and put it in REGIEDESK_TOKEN.",
        )
    } else {
        lang.pick(
            "De desk opent zodra de server antwoordt; u hoeft niets te doen.",
            "The desk opens as soon as the server answers; there is nothing you need to do.",
        )
    };
    frame.render_widget(
        Paragraph::new(
            [
                String::new(),
                format!("{} {}", lang.pick("Server:", "Server:"), waiting.server),
                String::new(),
            ]
            .into_iter()
            .chain(advice.lines().map(String::from))
            .map(Line::raw)
            .collect::<Vec<_>>(),
        )
        .wrap(ratatui::widgets::Wrap { trim: false })
        .block(block(
            if waiting.denied {
                lang.pick("Toegang geweigerd", "Access refused")
            } else {
                lang.pick("Verbinden…", "Connecting…")
            }
            .into(),
            theme,
        )),
        body,
    );
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Ctrl-R", theme.accent()),
            Span::raw(lang.pick(" nu opnieuw  ", " try now  ")),
            Span::styled("q", theme.accent()),
            Span::raw(lang.pick(" stop", " quit")),
        ])),
        footer,
    );
}
