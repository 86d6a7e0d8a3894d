//! `view`: draws the state, changes nothing. Only the visible rows of a
//! table are turned into widgets, so a frame costs what the screen shows.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Margin, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Row, Table, Wrap};
use tui_input::Input;

use super::app::{
    App, Candidate, DetailState, Dialog, DialogKind, Flight, Overlay, TableView, View, board_title,
};
use super::columns::{Cell, Tone, load_tone};
use super::keymap::{self, Action, BINDINGS, Scope};
use super::labels;
use crate::config::Language;
use crate::domain::boards::Board;
use crate::domain::model::Case;

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

    fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
}

/// Below this width the case detail opens full-screen instead of beside
/// the table.
pub const DETAIL_PANE_FROM: u16 = 140;

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
            Overlay::Help => {
                dim(frame);
                draw_help(frame, app, theme);
            }
            Overlay::Palette(palette) => {
                dim(frame);
                draw_palette(frame, app, theme, &palette.input, palette.selected);
            }
            Overlay::Detail(_) => {
                dim(frame);
                draw_detail(frame, app, theme);
            }
            Overlay::Dialog(dialog) => {
                dim(frame);
                draw_dialog(frame, app, theme, dialog);
            }
            Overlay::Period(input, error) => {
                dim(frame);
                super::charts::draw_period(frame, app, theme, input, error.as_deref());
            }
        }
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
    let who = format!(
        " regiedesk · {} · {}, {}",
        app.settings.place,
        app.me.person.display_name,
        labels::role(lang, app.me.person.role)
    );
    // The poll state and the time of the last successful sync.
    let synced = app
        .connection
        .last_sync
        .map(|at| format!(" {}", labels::time_of_day(at)))
        .unwrap_or_default();
    let (symbol, state, tone) = match (&app.connection.offline, app.connection.last_sync) {
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
    .areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            who,
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

fn draw_tabs(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let lang = app.lang();
    // On a narrow terminal the tabs drop their spacing so all five fit.
    let wide = area.width >= 100;
    let mut spans = vec![Span::raw(if wide { " " } else { "" })];
    for (i, &board) in app.settings.tabs.iter().enumerate() {
        let active = board == app.board;
        let style = if active {
            theme.selected().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        spans.push(Span::styled(
            format!(" {} {}", i + 1, board_title(lang, board)),
            style,
        ));
        match app.tab_count(board) {
            Some(n) if n > 0 => {
                let tone = if board == Board::Mandaat || board == Board::Doorzettingsmacht {
                    Tone::Soon
                } else {
                    Tone::Late
                };
                spans.push(Span::styled(format!(" {n}"), style.patch(theme.tone(tone))));
            }
            _ => {}
        }
        spans.push(Span::styled(" ", style));
        if wide {
            spans.push(Span::raw(" "));
        }
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
    let what = if area.width >= 100 {
        lang.pick(
            "Geen verbinding met de server",
            "No connection to the server (verbinding)",
        )
    } else {
        lang.pick("Geen verbinding", "No connection (verbinding)")
    };
    let text = format!(
        " ⚠ {what}: {data}, {} {retry} s",
        lang.pick("nieuwe poging over", "retrying in"),
    );
    let style = if theme.mono {
        Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        Style::default()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD)
    };
    frame.render_widget(Paragraph::new(text).style(style), area);
}

fn draw_body(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let Some(view) = app.view() else {
        super::charts::draw(frame, app, theme, area);
        return;
    };
    let Some(table) = app.tables.get(&view) else {
        return;
    };
    let wide = area.width >= DETAIL_PANE_FROM && view != View::Board(Board::Caseload);
    let (table_area, pane) = if wide {
        let [t, p] = Layout::horizontal([Constraint::Min(60), Constraint::Length(46)]).areas(area);
        (t, Some(p))
    } else {
        (area, None)
    };
    draw_table(frame, app, theme, table, table_area);
    if let Some(pane) = pane {
        draw_pane(frame, app, theme, pane);
    }
}

fn table_title(app: &App, table: &TableView) -> String {
    let lang = app.lang();
    let name = match (app.view(), &app.drill) {
        (Some(View::CasesOf), Some(login)) => format!(
            "Caseload › {}",
            login
                .as_deref()
                .map(|l| app.snapshot.name_of(l))
                .unwrap_or_else(|| lang.pick("niet toegewezen", "unassigned").to_string())
        ),
        _ => board_title(lang, app.board).to_string(),
    };
    let count = table.visible.len();
    let unit = match (app.view(), count) {
        (Some(View::Board(Board::Caseload)), 1) => lang.pick("casusregisseur", "casusregisseur"),
        (Some(View::Board(Board::Caseload)), _) => lang.pick("casusregisseurs", "casusregisseurs"),
        (Some(View::Board(Board::Mandaat)), 1) => lang.pick("aanvraag", "request"),
        (Some(View::Board(Board::Mandaat)), _) => lang.pick("aanvragen", "requests"),
        (_, 1) => lang.pick("zaak", "case"),
        _ => lang.pick("zaken", "cases"),
    };
    let mut title = format!("{name} · {count} {unit}");
    if app.view() == Some(View::Board(Board::Stagnatie)) {
        // One row per way a case stagnates; the tab counts cases.
        let cases = table
            .visible
            .iter()
            .filter_map(|&i| table.rows[i].key.case_id())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        title = format!(
            "{name} · {cases} {} · {count} {}",
            lang.pick("zaken", "cases"),
            lang.pick("signalen", "signals")
        );
    }
    let editing = matches!(app.overlay, Some(Overlay::Filter(_)));
    if !table.filter.is_empty() || editing {
        title.push_str(&format!(" · filter: {}", table.filter));
        if editing {
            title.push('▏');
        }
    }
    if let Some(column) = table.sort.and_then(|c| app.columns().get(c)) {
        title.push_str(&format!(
            " · {} {}",
            lang.pick("gesorteerd op", "sorted by"),
            column.header(lang).to_lowercase()
        ));
    }
    title
}

/// The columns that fit: hidden ones out, then the least important give
/// way until the rest fit; what is left over goes to the growing columns.
fn fit_columns(app: &App, width: u16) -> Vec<(usize, u16)> {
    let columns = app.columns();
    let mut shown: Vec<usize> = (0..columns.len())
        .filter(|&i| !app.hidden(&columns[i]))
        .collect();
    let need =
        |shown: &[usize]| -> u16 { shown.iter().map(|&i| columns[i].width + 1).sum::<u16>() };
    while need(&shown) > width && shown.len() > 1 {
        let (at, _) = shown
            .iter()
            .enumerate()
            .rev()
            .max_by_key(|(_, i)| columns[**i].priority)
            .expect("not empty");
        if columns[shown[at]].priority == 1 {
            break;
        }
        shown.remove(at);
    }
    let spare = width.saturating_sub(need(&shown));
    let growing = shown.iter().filter(|&&i| columns[i].grow).count() as u16;
    shown
        .iter()
        .map(|&i| {
            let extra = if columns[i].grow && growing > 0 {
                spare / growing
            } else {
                0
            };
            (i, columns[i].width + extra)
        })
        .collect()
}

fn draw_table(frame: &mut Frame, app: &App, theme: Theme, table: &TableView, area: Rect) {
    let lang = app.lang();
    let block = block(table_title(app, table), theme);
    let inner = block.inner(area);
    let fitted = fit_columns(app, inner.width);
    let columns = app.columns();
    if table.visible.is_empty() {
        let text = if table.filter.is_empty() {
            empty_text(app)
        } else {
            lang.pick(
                "Niets gevonden voor dit filter.",
                "Nothing matches this filter.",
            )
            .to_string()
        };
        frame.render_widget(
            Paragraph::new(text)
                .alignment(Alignment::Center)
                .block(block)
                .style(theme.tone(Tone::Dim)),
            area,
        );
        return;
    }
    let header = Row::new(fitted.iter().map(|&(i, _)| {
        Span::styled(
            columns[i].header(lang),
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }));
    let page = usize::from(inner.height.saturating_sub(1));
    let rows = table
        .visible
        .iter()
        .enumerate()
        .skip(table.offset)
        .take(page)
        .map(|(position, &index)| {
            let row = &table.rows[index];
            let cells = fitted.iter().map(|&(i, width)| {
                row.cells
                    .get(i)
                    .map(|cell| cell_line(cell, width, theme))
                    .unwrap_or_default()
            });
            let style = if position == table.selected {
                theme.selected()
            } else {
                Style::default()
            };
            Row::new(cells).style(style)
        });
    let widths = fitted.iter().map(|&(_, w)| Constraint::Length(w));
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .block(block),
        area,
    );
}

fn cell_line(cell: &Cell, width: u16, theme: Theme) -> Line<'static> {
    let style = theme.tone(cell.tone);
    let marker = theme.marker(cell.tone);
    if let Some(ratio) = cell.gauge {
        // A fixed bar width keeps the gauges of a column aligned.
        let bar = width.saturating_sub(7).min(10);
        let filled = ((ratio.min(1.0) * f64::from(bar)).round() as u16).min(bar);
        return Line::from(vec![
            Span::styled("█".repeat(filled.into()), style),
            Span::styled(
                "░".repeat((bar - filled).into()),
                Style::default().add_modifier(Modifier::DIM),
            ),
            Span::styled(format!(" {marker}{}", cell.text), style),
        ]);
    }
    if cell.tone == Tone::Risk && !cell.text.is_empty() {
        let mut spans = Vec::new();
        for badge in cell.text.split(' ') {
            spans.push(Span::styled(badge.to_string(), style));
            spans.push(Span::raw(" "));
        }
        return Line::from(spans);
    }
    Line::from(Span::styled(format!("{marker}{}", cell.text), style))
}

fn empty_text(app: &App) -> String {
    let lang = app.lang();
    if app.connection.last_sync.is_none() {
        return lang.pick("Gegevens laden…", "Loading…").to_string();
    }
    match app.view() {
        Some(View::Board(Board::Stagnatie)) => lang.pick(
            "Geen stagnerende zaken. Alles binnen de norm.",
            "No stagnant cases.",
        ),
        Some(View::Board(Board::Mandaat)) => lang.pick(
            "Geen aanvragen die op uw besluit wachten.",
            "No requests await your decision.",
        ),
        Some(View::Board(Board::Doorzettingsmacht)) => lang.pick(
            "Geen opgeschaalde of hoogrisicozaken die vastlopen.",
            "No escalated or stalling high-risk cases.",
        ),
        _ => lang.pick("Geen open zaken.", "No open cases."),
    }
    .to_string()
}

/// The detail pane beside a table: what the sync already brought about the
/// selected case (no audited read; `Enter` loads the history).
fn draw_pane(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
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
        super::columns::status(lang, case.status)
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

fn draw_footer(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let lang = app.lang();
    if let Some(status) = &app.status {
        let (symbol, tone) = if status.error {
            ("✗", Tone::Late)
        } else {
            ("✓", Tone::InTime)
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
    const HINTS: [Action; 13] = [
        Action::Open,
        Action::Approve,
        Action::Reject,
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
    let hints = |actions: &mut dyn Iterator<Item = Action>| {
        let mut spans = Vec::new();
        for action in actions.filter(|&a| app.offers(a)) {
            let binding = keymap::binding(action);
            let key = binding.keys.first().map(keymap::label).unwrap_or_default();
            spans.push(Span::styled(key, theme.accent()));
            spans.push(Span::raw(format!(" {}  ", binding.describe(lang))));
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
    let mut spans = vec![Span::raw(" ")];
    spans.extend(hints(&mut HINTS.into_iter()));
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    frame.render_widget(Paragraph::new(always), right);
}

fn draw_help(frame: &mut Frame, app: &App, theme: Theme) {
    let lang = app.lang();
    let column = |scope: Scope, title: &str| {
        let mut lines = vec![Line::styled(title.to_string(), theme.accent())];
        for binding in BINDINGS
            .iter()
            .filter(|b| b.scope == scope && (scope == Scope::Everywhere || app.offers(b.action)))
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
    let everywhere = column(Scope::Everywhere, lang.pick("Overal", "Everywhere"));
    let here = column(
        Scope::Board,
        lang.pick("Op dit bord, nu", "On this board, now"),
    );
    let height = everywhere.len().max(here.len()) as u16 + 4;
    let area = centered(frame.area(), 76, height);
    frame.render_widget(Clear, area);
    let outer = block("Help".into(), theme).title_bottom(Line::styled(
        lang.pick(" Esc of ? sluit ", " Esc or ? closes "),
        theme.tone(Tone::Dim),
    ));
    let inner = outer.inner(area).inner(Margin::new(1, 1));
    frame.render_widget(outer, area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    frame.render_widget(Paragraph::new(everywhere), left);
    frame.render_widget(Paragraph::new(here), right);
}

fn draw_palette(frame: &mut Frame, app: &App, theme: Theme, input: &Input, selected: usize) {
    let lang = app.lang();
    let entries = app.palette_entries(input.value());
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
    let outer = block(lang.pick("Opdracht", "Command").into(), theme);
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

fn draw_detail(frame: &mut Frame, app: &App, theme: Theme) {
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

fn dialog_title(app: &App, dialog: &Dialog) -> String {
    let lang = app.lang();
    let request_number = |id: i64| {
        app.snapshot
            .requests
            .get(&id)
            .map(|r| r.number.clone())
            .unwrap_or_default()
    };
    let case_number = |id: i64| {
        app.snapshot
            .cases
            .get(&id)
            .map(|c| c.number.clone())
            .unwrap_or_default()
    };
    let (what, number) = match dialog.kind {
        DialogKind::Approve { request_id } => (
            lang.pick("Aanvraag toekennen", "Approve request"),
            request_number(request_id),
        ),
        DialogKind::Reject { request_id } => (
            lang.pick("Aanvraag afwijzen", "Reject request"),
            request_number(request_id),
        ),
        DialogKind::Reassign { case_id } => {
            (lang.pick("Herverdelen", "Reassign"), case_number(case_id))
        }
        DialogKind::Escalate { case_id } => {
            (lang.pick("Opschalen", "Escalate"), case_number(case_id))
        }
        DialogKind::TakeOver { case_id } => {
            (lang.pick("Overnemen", "Take over"), case_number(case_id))
        }
        DialogKind::Deescalate { case_id } => {
            (lang.pick("Afschalen", "De-escalate"), case_number(case_id))
        }
    };
    format!("{what} · {number}")
}

fn dialog_verb(lang: Language, kind: DialogKind) -> &'static str {
    match kind {
        DialogKind::Approve { .. } => lang.pick("toekennen", "approve"),
        DialogKind::Reject { .. } => lang.pick("afwijzen", "reject"),
        DialogKind::Reassign { .. } => lang.pick("herverdelen", "reassign"),
        DialogKind::Escalate { .. } => lang.pick("opschalen", "escalate"),
        DialogKind::TakeOver { .. } => lang.pick("overnemen", "take over"),
        DialogKind::Deescalate { .. } => lang.pick("afschalen", "de-escalate"),
    }
}

fn draw_dialog(frame: &mut Frame, app: &App, theme: Theme, dialog: &Dialog) {
    let lang = app.lang();
    let mut context: Vec<Line> = Vec::new();
    let case = dialog
        .kind
        .case_id(&app.snapshot)
        .and_then(|id| app.snapshot.cases.get(&id));
    match dialog.kind {
        DialogKind::Approve { request_id } | DialogKind::Reject { request_id } => {
            if let Some(r) = app.snapshot.requests.get(&request_id) {
                context.push(Line::raw(format!(
                    "{} · {} · {}",
                    case.map(|c| c.number.as_str()).unwrap_or(""),
                    labels::request_kind(lang, r.kind),
                    r.provision
                )));
                context.push(Line::raw(format!(
                    "{} {}, {} · {} {}",
                    lang.pick("Ingediend door", "Filed by"),
                    app.snapshot.name_of(&r.filed_by),
                    labels::day(lang, r.filed_at, app.now),
                    lang.pick("beslissen vóór", "decide by"),
                    labels::day(lang, r.decide_by, app.now)
                )));
                if !r.in_plan {
                    context.push(Line::styled(
                        lang.pick(
                            "✗ Niet in het plan: toekennen kan niet.",
                            "✗ Not in the plan: cannot be approved.",
                        ),
                        theme.tone(Tone::Late),
                    ));
                }
                context.push(Line::styled(r.motivation.clone(), theme.tone(Tone::Dim)));
            }
        }
        _ => {
            if let Some(c) = case {
                context.push(Line::raw(format!(
                    "{} · {} · Casusregisseur: {}",
                    c.number,
                    labels::domain(lang, c.domain),
                    c.casusregisseur
                        .as_deref()
                        .map(|l| app.snapshot.name_of(l))
                        .unwrap_or_else(|| "—".into())
                )));
            }
        }
    }
    let picking = dialog.picking();
    let candidates = if picking {
        app.candidates(dialog)
    } else {
        Vec::new()
    };
    let list_height: u16 = if picking { 8 } else { 0 };
    let height = context.len() as u16 + 2 + 3 + list_height + 1 + 1 + 2;
    let area = centered(frame.area(), 72, height);
    frame.render_widget(Clear, area);
    let outer = block(dialog_title(app, dialog), theme);
    let inner = outer.inner(area).inner(Margin::new(1, 0));
    frame.render_widget(outer, area);
    let [
        context_area,
        label_area,
        input_area,
        list_area,
        flight_area,
        hint_area,
    ] = Layout::vertical([
        Constraint::Length(context.len() as u16 + 1),
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(list_height),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(context), context_area);
    let (label, input) = if picking {
        (
            lang.pick(
                "Kies de nieuwe casusregisseur (typ om te zoeken)",
                "Choose the new casusregisseur (type to search)",
            )
            .to_string(),
            &dialog.picker.as_ref().expect("picking").filter,
        )
    } else {
        let chosen = dialog
            .picker
            .as_ref()
            .and_then(|p| p.chosen.as_deref())
            .map(|l| format!("{} {} · ", lang.pick("Naar", "To"), app.snapshot.name_of(l)))
            .unwrap_or_default();
        let required = if dialog.reason_required(&app.snapshot) {
            lang.pick("Reden (verplicht)", "Reason (required)")
        } else {
            lang.pick("Reden (optioneel)", "Reason (optional)")
        };
        (format!("{chosen}{required}"), &dialog.reason)
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            label,
            Style::default().add_modifier(Modifier::BOLD),
        )),
        label_area,
    );
    let field = Block::bordered();
    let field_inner = field.inner(input_area);
    let scroll = input.visual_scroll(field_inner.width.saturating_sub(1) as usize);
    frame.render_widget(
        Paragraph::new(input.value().to_string())
            .scroll((0, scroll as u16))
            .block(field),
        input_area,
    );
    if dialog.flight != Flight::Sending {
        frame.set_cursor_position(Position::new(
            field_inner.x + (input.visual_cursor().saturating_sub(scroll)) as u16,
            field_inner.y,
        ));
    }
    if picking {
        draw_candidates(frame, app, theme, dialog, &candidates, list_area);
    }
    let flight = match &dialog.flight {
        Flight::Editing => Line::raw(""),
        Flight::Sending => Line::styled(
            lang.pick("⏳ Bezig met versturen…", "⏳ Sending…"),
            theme.tone(Tone::Soon),
        ),
        Flight::Refused(text) => Line::styled(format!("⚠ {text}"), theme.tone(Tone::Late)),
        Flight::Conflict(text) => Line::styled(format!("⚠ {text}"), theme.tone(Tone::Soon)),
    };
    frame.render_widget(
        Paragraph::new(flight).wrap(Wrap { trim: true }),
        flight_area,
    );
    let hint = if picking {
        lang.pick("⏎ kiezen · Esc annuleren", "⏎ choose · Esc cancel")
            .to_string()
    } else {
        format!(
            "⏎ {} · Esc {}",
            dialog_verb(lang, dialog.kind),
            if dialog.picker.is_some() {
                lang.pick("terug", "back")
            } else {
                lang.pick("annuleren", "cancel")
            }
        )
    };
    frame.render_widget(
        Paragraph::new(Span::styled(hint, theme.tone(Tone::Dim))).alignment(Alignment::Right),
        hint_area,
    );
}

fn draw_candidates(
    frame: &mut Frame,
    app: &App,
    theme: Theme,
    dialog: &Dialog,
    candidates: &[Candidate],
    area: Rect,
) {
    let lang = app.lang();
    let selected = dialog.picker.as_ref().map_or(0, |p| p.selected);
    let skip = selected.saturating_sub(usize::from(area.height).saturating_sub(1));
    let lines: Vec<Line> = candidates
        .iter()
        .enumerate()
        .skip(skip)
        .take(area.height.into())
        .map(|(i, c)| {
            let ratio = match c.capacity {
                Some(cap) if cap > 0 => f64::from(c.open) / f64::from(cap),
                _ => 0.0,
            };
            let gauge = Cell {
                text: format!("{}/{}", c.open, c.capacity.unwrap_or(0)),
                tone: load_tone(ratio),
                gauge: Some(ratio),
                value: None,
            };
            let mut spans = vec![Span::raw(format!(
                "{} {:<18} {:<12} {:<10} ",
                if c.current { "•" } else { " " },
                truncate(&c.name, 18),
                truncate(&c.organisation, 12),
                truncate(c.specialism.as_deref().unwrap_or(""), 10)
            ))];
            spans.extend(cell_line(&gauge, 16, theme).spans);
            if c.current {
                spans.push(Span::styled(
                    format!(" ({})", lang.pick("huidig", "current")),
                    theme.tone(Tone::Dim),
                ));
            }
            let style = if i == selected {
                theme.selected()
            } else {
                Style::default()
            };
            Line::from(spans).style(style)
        })
        .collect();
    if lines.is_empty() {
        frame.render_widget(
            Paragraph::new(lang.pick("Niemand gevonden.", "Nobody found."))
                .style(theme.tone(Tone::Dim)),
            area,
        );
    } else {
        frame.render_widget(Paragraph::new(lines), area);
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}
