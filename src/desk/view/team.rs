//! The absence form and the redistribution proposal (see `app::team`).

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Margin, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::table::cell_line_owned;
use super::{Theme, block, centered, ellipsis};
use crate::config::Language;
use crate::desk::app::{AbsenceField, AbsenceForm, App, Flight, Outcome, Redistribution, Stage};
use crate::desk::columns::{Tone, load_cell};
use crate::desk::labels;
use crate::domain::redistribution::{Placement, Which};

fn bold(text: String) -> Span<'static> {
    Span::styled(text, Style::default().add_modifier(Modifier::BOLD))
}

fn flight_line(lang: Language, theme: Theme, flight: &Flight) -> Line<'static> {
    match flight {
        Flight::Editing => Line::raw(""),
        Flight::Sending => Line::styled(
            lang.pick("⏳ Bezig met versturen…", "⏳ Sending…"),
            theme.tone(Tone::Soon),
        ),
        Flight::Refused(text) | Flight::Gone(text) => {
            Line::styled(format!("⚠ {text}"), theme.tone(Tone::Late))
        }
        Flight::Conflict(text) => Line::styled(format!("⚠ {text}"), theme.tone(Tone::Soon)),
    }
}

pub(super) fn draw_absence_form(frame: &mut Frame, app: &App, theme: Theme, form: &AbsenceForm) {
    let lang = app.lang();
    let width = frame.area().width.min(72);
    let area = centered(frame.area(), width, 12);
    frame.render_widget(Clear, area);
    let title = format!(
        "{} · {}",
        lang.pick("Afwezig", "Absent"),
        app.snapshot.name_of(&form.login)
    );
    let outer = block(title, theme);
    let inner = outer.inner(area).inner(Margin::new(1, 0));
    frame.render_widget(outer, area);
    let field = |label: &str, value: String, on: bool| {
        let style = if on {
            theme.selected()
        } else {
            Style::default()
        };
        Line::from(vec![
            bold(format!("{label:<13}")),
            Span::styled(format!(" {value:<12} "), style),
            Span::styled(" dd-mm-jjjj", theme.tone(Tone::Dim)),
        ])
    };
    let mark = if form.temporary { "[x]" } else { "[ ]" };
    let temporary_style = if form.field == AbsenceField::Temporary {
        theme.selected()
    } else {
        Style::default()
    };
    let lines = vec![
        Line::styled(
            lang.pick(
                "Alleen de periode wordt vastgelegd (\"afwezig\"), nooit waarom.",
                "Only the period is recorded (\"absent\"), never why.",
            ),
            theme.tone(Tone::Dim),
        ),
        Line::raw(""),
        field(
            lang.pick("Eerste dag", "First day"),
            form.from.value().to_string(),
            form.field == AbsenceField::From,
        ),
        field(
            lang.pick("Laatste dag", "Last day"),
            form.until.value().to_string(),
            form.field == AbsenceField::Until,
        ),
        Line::from(vec![
            Span::styled(format!("{mark} "), temporary_style),
            Span::raw(lang.pick(
                "tijdelijk: na de laatste dag stelt de desk voor de zaken terug te zetten",
                "temporary: after the last day the desk proposes moving the cases back",
            )),
        ]),
    ];
    let hint = lang.pick(
        "Tab veld · Spatie tijdelijk · ⏎ vastleggen · Esc annuleren",
        "Tab field · Space temporary · ⏎ record · Esc cancel",
    );
    let body = draw_form(frame, lang, theme, inner, lines, &form.flight, hint);
    let cursor = match form.field {
        AbsenceField::From => Some((&form.from, 2)),
        AbsenceField::Until => Some((&form.until, 3)),
        AbsenceField::Temporary => None,
    };
    if let (Some((input, row)), true) = (cursor, form.flight != Flight::Sending) {
        frame.set_cursor_position(Position::new(
            body.x + 14 + input.visual_cursor() as u16,
            body.y + row,
        ));
    }
}

/// A form's fields, with what became of Enter (sending, refused) and the
/// keys below them; returns where the fields are, for the cursor.
pub(super) fn draw_form(
    frame: &mut Frame,
    lang: Language,
    theme: Theme,
    inner: Rect,
    lines: Vec<Line>,
    flight: &Flight,
    hint: &str,
) -> Rect {
    let [body, flight_area, hint_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    frame.render_widget(
        Paragraph::new(flight_line(lang, theme, flight)).wrap(Wrap { trim: true }),
        flight_area,
    );
    frame.render_widget(
        Paragraph::new(Span::styled(hint.to_string(), theme.tone(Tone::Dim)))
            .alignment(Alignment::Right),
        hint_area,
    );
    body
}

fn placement(lang: Language, why: Placement) -> (&'static str, Tone) {
    match why {
        Placement::Household => (
            lang.pick("huishouden bij één", "household together"),
            Tone::Plain,
        ),
        Placement::Room => (lang.pick("past", "fits"), Tone::InTime),
        Placement::NoRoom => (
            lang.pick("! niemand heeft ruimte", "! nobody has room"),
            Tone::Late,
        ),
        Placement::Back => (lang.pick("terug", "back"), Tone::Plain),
        Placement::Nobody => (
            lang.pick("! niemand kan het", "! nobody can take it"),
            Tone::Late,
        ),
    }
}

pub(super) fn draw_redistribution(
    frame: &mut Frame,
    app: &App,
    theme: Theme,
    plan: &Redistribution,
) {
    let lang = app.lang();
    let screen = frame.area();
    let width = screen.width.min(128);
    let picker_height: u16 = if plan.picker.is_some() { 10 } else { 0 };
    let reason_height: u16 = if plan.stage == Stage::Reason { 4 } else { 0 };
    let rows_height = (plan.rows.len().max(1) as u16).min(screen.height.saturating_sub(12).max(3));
    let height = rows_height + picker_height + reason_height + 8;
    let area = centered(screen, width, height);
    frame.render_widget(Clear, area);
    let absence = &plan.absence;
    let name = app.snapshot.name_of(&absence.login);
    let title = if plan.back {
        format!(
            "{} · {name}",
            lang.pick("Terug na afwezigheid", "Back after absence")
        )
    } else {
        format!(
            "{} · {name} {} {} {} {}{}",
            lang.pick("Herverdelen", "Redistribute"),
            lang.pick("afwezig", "away"),
            labels::short_date(absence.from),
            lang.pick("t/m", "to"),
            labels::short_date(absence.until),
            if absence.temporary {
                lang.pick(" (tijdelijk)", " (temporary)")
            } else {
                ""
            }
        )
    };
    let outer = block(title, theme);
    let inner = outer.inner(area).inner(Margin::new(1, 0));
    frame.render_widget(outer, area);
    let [scope, header, rows, picker, reason, status, hint_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(picker_height),
        Constraint::Length(reason_height),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);

    let scope_text = match (plan.back, plan.which) {
        (true, _) => lang
            .pick(
                "De zaken die tijdelijk verplaatst zijn en nog bij de waarnemer liggen.",
                "The cases moved for the time of the absence and still with the stand-in.",
            )
            .to_string(),
        (false, Which::DueWhileAway) => format!(
            "{} {} {}",
            lang.pick(
                "Zaken waarop iets vervalt tot en met",
                "Cases with something due up to"
            ),
            labels::date(lang, absence.until),
            lang.pick("(a: alle open zaken)", "(a: every open case)")
        ),
        (false, Which::All) => lang
            .pick(
                "Alle open zaken (a: alleen waarop iets vervalt)",
                "Every open case (a: only those with something due)",
            )
            .to_string(),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(scope_text, theme.tone(Tone::Dim))),
        scope,
    );

    // Widths: marker 2, number 14, household 9, risk 7, load 15, the rest
    // shared.
    // Below 110 columns the household gives way and the rest share what
    // is left, so the load and the outcome stay on screen at 80.
    let wide = inner.width >= 110;
    let household = if wide { 9 } else { 0 };
    let room = usize::from(inner.width).saturating_sub(2 + 14 + household + 7 + 15 + 4);
    let (due_width, to_width) = if wide {
        ((room / 4).max(23), (room / 5).max(12))
    } else {
        (room * 3 / 10, room / 4)
    };
    let why_width = room.saturating_sub(due_width + to_width).max(8);
    frame.render_widget(
        Paragraph::new(Line::from(bold(format!(
            "  {:<14}{:<household$}{:<7}{:<due_width$} {:<to_width$} {:<15} {}",
            lang.pick("Zaak", "Case"),
            if wide {
                lang.pick("Huish.", "Househ.")
            } else {
                ""
            },
            lang.pick("Risico", "Risk"),
            lang.pick("Vervalt", "Due"),
            lang.pick("Naar", "To"),
            lang.pick("Belasting", "Load"),
            lang.pick("Waarom / uitkomst", "Why / outcome"),
        )))),
        header,
    );

    // What each person would hold once the kept rows moved.
    let mut given: HashMap<&str, u32> = HashMap::new();
    for row in plan
        .rows
        .iter()
        .filter(|r| r.keep && r.outcome == Outcome::Proposed)
    {
        if let Some(to) = &row.line.to {
            *given.entry(to.as_str()).or_default() += 1;
        }
    }
    let skip = plan
        .selected
        .saturating_sub(usize::from(rows.height).saturating_sub(1));
    let lines: Vec<Line> = if plan.rows.is_empty() {
        vec![Line::styled(
            lang.pick("Geen zaken om te verplaatsen.", "No cases to move."),
            theme.tone(Tone::Dim),
        )]
    } else {
        plan.rows
            .iter()
            .enumerate()
            .skip(skip)
            .take(rows.height.into())
            .map(|(i, row)| {
                let case = app.snapshot.cases.get(&row.line.case_id);
                // The first thing due, and how many more after it.
                let due = match row.line.due.as_slice() {
                    [] => String::new(),
                    [(what, day), rest @ ..] => {
                        let more = if rest.is_empty() {
                            String::new()
                        } else {
                            format!(" +{}", rest.len())
                        };
                        format!("{} {}{more}", what.label(), labels::short_date(*day))
                    }
                };
                let to = row
                    .line
                    .to
                    .as_deref()
                    .map(|l| app.snapshot.name_of(l))
                    .unwrap_or_else(|| "—".into());
                let mark = if row.keep { "✓ " } else { "✗ " };
                let text_style = if row.keep {
                    Style::default()
                } else {
                    theme.tone(Tone::Dim)
                };
                let risk = case
                    .map(|c| {
                        c.risk_flags
                            .iter()
                            .map(|f| f.badge())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default();
                // A case left where it is goes to nobody: "—" here, and
                // the outcome column says it stays with the absent person.
                let to = if row.keep { to } else { "—".to_string() };
                let mut spans = vec![
                    Span::styled(
                        format!(
                            "{mark}{:<14}{:<household$}",
                            ellipsis(case.map_or("", |c| c.number.as_str()), 13),
                            if wide {
                                ellipsis(case.map_or("", |c| c.pseudonym.as_str()), 8)
                            } else {
                                String::new()
                            },
                        ),
                        text_style,
                    ),
                    Span::styled(format!("{:<6}", ellipsis(&risk, 6)), theme.tone(Tone::Risk)),
                    Span::raw(" "),
                    Span::styled(
                        format!(
                            "{:<due_width$} {:<to_width$} ",
                            ellipsis(&due, due_width),
                            ellipsis(&to, to_width),
                        ),
                        text_style,
                    ),
                ];
                let load = row.line.to.as_deref().filter(|_| row.keep).map(|login| {
                    let capacity = app.snapshot.people.get(login).and_then(|p| p.capacity);
                    let open = app.open_of(login) + given.get(login).copied().unwrap_or(0);
                    load_cell(open, capacity)
                });
                match load {
                    Some(cell) => spans.extend(cell_line_owned(&cell, 15, theme).spans),
                    None => spans.push(Span::raw(" ".repeat(15))),
                }
                let (why, tone) = match &row.outcome {
                    Outcome::Proposed if !row.keep => (
                        format!(
                            "{} {}",
                            lang.pick("blijft bij", "stays with"),
                            app.snapshot.name_of(&plan.absence.login)
                        ),
                        Tone::Dim,
                    ),
                    Outcome::Proposed => {
                        let (text, tone) = placement(lang, row.line.why);
                        (text.to_string(), tone)
                    }
                    Outcome::Sending(_) => ("⏳".to_string(), Tone::Soon),
                    Outcome::Moved => (
                        lang.pick("✓ verplaatst", "✓ moved").to_string(),
                        Tone::InTime,
                    ),
                    Outcome::NotMoved(why) => (format!("✗ {why}"), Tone::Late),
                };
                spans.push(Span::styled(
                    format!(" {}", ellipsis(&why, why_width)),
                    theme.tone(tone),
                ));
                let line = Line::from(spans);
                if i == plan.selected && plan.stage == Stage::Editing {
                    line.style(theme.selected())
                } else {
                    line
                }
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), rows);

    if let Some(p) = &plan.picker {
        let candidates = app.row_candidates(plan);
        let [label, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(picker);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                bold(format!(
                    "{}: ",
                    lang.pick("Naar wie (typ om te zoeken)", "To whom (type to search)")
                )),
                Span::raw(p.filter.value().to_string()),
            ])),
            label,
        );
        let skip = p
            .selected
            .saturating_sub(usize::from(list.height).saturating_sub(1));
        let lines: Vec<Line> = candidates
            .iter()
            .enumerate()
            .skip(skip)
            .take(list.height.into())
            .map(|(i, c)| {
                let mut spans = vec![Span::raw(format!(
                    "  {:<24} {:<18} {:<22} ",
                    ellipsis(&c.name, 24),
                    ellipsis(&c.organisation, 18),
                    ellipsis(c.specialism.as_deref().unwrap_or(""), 22),
                ))];
                let open = c.open + given.get(c.login.as_str()).copied().unwrap_or(0);
                spans.extend(cell_line_owned(&load_cell(open, c.capacity), 15, theme).spans);
                let line = Line::from(spans);
                if i == p.selected {
                    line.style(theme.selected())
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
        frame.set_cursor_position(Position::new(
            label.x + 30 + p.filter.visual_cursor() as u16,
            label.y,
        ));
    }

    if plan.stage == Stage::Reason {
        let [label, field] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(3)]).areas(reason);
        frame.render_widget(
            Paragraph::new(bold(
                lang.pick(
                    "Reden, voor alle verplaatsingen (verplicht)",
                    "Reason, for every move (required)",
                )
                .to_string(),
            )),
            label,
        );
        let block = Block::bordered();
        let field_inner = block.inner(field);
        frame.render_widget(
            Paragraph::new(plan.reason.value().to_string()).block(block),
            field,
        );
        frame.set_cursor_position(Position::new(
            field_inner.x + plan.reason.visual_cursor() as u16,
            field_inner.y,
        ));
    }

    let kept = plan.rows.iter().filter(|r| r.keep).count();
    let status_line = if let Some(warning) = &plan.warning {
        Line::styled(format!("⚠ {warning}"), theme.tone(Tone::Late))
    } else if plan.stage == Stage::Applying {
        let moved = plan
            .rows
            .iter()
            .filter(|r| r.outcome == Outcome::Moved)
            .count();
        let sending = plan.sending();
        let text = if sending > 0 {
            format!("⏳ {sending} {}", lang.pick("onderweg", "under way"))
        } else {
            format!(
                "{moved} {} {kept} {}",
                lang.pick("van", "of"),
                lang.pick(
                    "verplaatst; wat niet verplaatst is staat erbij, met waarom.",
                    "moved; what did not move says why."
                )
            )
        };
        let tone = if sending == 0 && moved < kept {
            Tone::Late
        } else {
            Tone::InTime
        };
        Line::styled(text, theme.tone(tone))
    } else {
        Line::raw(format!(
            "{kept} {} {} {}",
            lang.pick("van", "of"),
            plan.rows.len(),
            lang.pick("zaken gaan over.", "cases move.")
        ))
    };
    frame.render_widget(Paragraph::new(status_line), status);
    let hint = match plan.stage {
        _ if plan.picker.is_some() => lang.pick("⏎ kiezen · Esc terug", "⏎ choose · Esc back"),
        Stage::Editing if plan.back => lang.pick(
            "Spatie wel/niet · c terugzetten · w laten staan · Esc later",
            "Space in/out · c move back · w leave them · Esc later",
        ),
        Stage::Editing if !wide => lang.pick(
            "⏎ ander · Spatie wel/niet · a · c bevestigen · i intrekken · Esc",
            "⏎ other · Space · a · c confirm · i withdraw · Esc",
        ),
        Stage::Editing => lang.pick(
            "⏎ ander persoon · Spatie wel/niet · a alle/vervallend · c bevestigen · i intrekken · Esc later",
            "⏎ other person · Space in/out · a all/due · c confirm · i withdraw · Esc later",
        ),
        Stage::Reason => lang.pick("⏎ verplaatsen · Esc terug", "⏎ move · Esc back"),
        Stage::Applying if plan.done() => lang.pick("⏎ sluiten", "⏎ close"),
        Stage::Applying => "",
    };
    frame.render_widget(
        Paragraph::new(Span::styled(hint, theme.tone(Tone::Dim))).alignment(Alignment::Right),
        hint_area,
    );
}
