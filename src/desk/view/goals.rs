//! The plan's goals in the pane: each goal's life domain, its ZRM score
//! from the start to the last evaluation against its target as a bar that
//! reads without colour, its target date and state, and when the next
//! evaluation is due. The goal's words are not here: they are read in the
//! audited history only.

use ratatui::Frame;
use ratatui::layout::{Margin, Position};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::team::draw_form;
use super::{Theme, block, centered};
use crate::config::Language;
use crate::desk::app::{App, EvaluationForm, Flight, PlanField, PlanForm};
use crate::desk::columns::Tone;
use crate::desk::labels;
use crate::domain::calendar::local_date;
use crate::domain::model::Case;
use crate::domain::plan::{Goal, GoalState, SCORES, evaluation_due};

/// The pane's lines for the goals of `case` (none without goals).
pub(super) fn goal_lines(app: &App, case: &Case, theme: Theme) -> Vec<Line<'static>> {
    let lang = app.lang();
    let Some(plan_at) = case.plan_at.filter(|_| !case.goals.is_empty()) else {
        return Vec::new();
    };
    let today = local_date(app.now);
    let mut lines = vec![Line::raw("")];
    let heading = lang.pick("Doelen", "Goals");
    if case.evaluations.last().is_some_and(|e| e.is_final) {
        lines.push(Line::from(vec![
            Span::styled(heading, bold()),
            Span::raw(format!(
                " · {}",
                lang.pick("eindevaluatie gedaan", "final evaluation made")
            )),
        ]));
    } else if case.goals.iter().any(Goal::is_open) {
        let due = evaluation_due(plan_at, &case.evaluations, case.domain, &app.settings.norms);
        let late = due < today;
        lines.push(Line::from(vec![
            Span::styled(heading, bold()),
            Span::styled(
                if late {
                    // Said as late, never as if it took place that day.
                    format!(
                        " · {} ({})",
                        lang.pick("evaluatie te laat", "evaluation late"),
                        labels::date(lang, due)
                    )
                } else {
                    format!(
                        " · {} {}",
                        lang.pick("evaluatie vóór", "evaluation by"),
                        labels::date(lang, due)
                    )
                },
                theme.tone(if late { Tone::Late } else { Tone::Plain }),
            ),
        ]));
    } else {
        lines.push(Line::styled(heading, bold()));
    }
    for goal in case.goals.iter().filter(|g| g.dropped_at.is_none()) {
        let off = goal.off_track(today).is_some();
        let tone = if off {
            Tone::Late
        } else if goal.is_open() {
            Tone::Plain
        } else {
            Tone::Dim
        };
        let state = if off {
            lang.pick("niet op koers", "off track").to_string()
        } else {
            state_label(lang, goal.state())
        };
        lines.push(Line::styled(
            format!("{} {} · {state}", goal.id, goal.life_domain),
            theme.tone(tone),
        ));
        lines.push(Line::styled(
            format!(
                "  {}→{} {}  {} {} {} {}",
                goal.start_score,
                goal.last_score(),
                score_bar(goal.last_score(), goal.target_score),
                lang.pick("doel", "target"),
                goal.target_score,
                lang.pick("vóór", "by"),
                labels::date(lang, goal.target_date)
            ),
            theme.tone(tone),
        ));
    }
    lines
}

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

fn state_label(lang: Language, state: Option<GoalState>) -> String {
    match state {
        None => lang
            .pick("nog niet geëvalueerd", "not yet evaluated")
            .into(),
        Some(GoalState::Behaald) => lang.pick("behaald", "reached").into(),
        Some(GoalState::OpKoers) => lang.pick("op koers", "on course").into(),
        Some(GoalState::NietOpKoers) => lang.pick("niet op koers", "off track").into(),
        Some(GoalState::Vervallen) => lang.pick("vervallen", "lapsed").into(),
    }
}

/// The ZRM's five steps: `█` up to the last score, `░` from there up to
/// the target, `·` beyond it: `██░░·` is 2 now, 4 aimed for. It reads
/// the same without colour.
pub fn score_bar(last: u8, target: u8) -> String {
    SCORES
        .map(|step| {
            if step <= last {
                '█'
            } else if step <= target {
                '░'
            } else {
                '·'
            }
        })
        .collect()
}

/// The evaluation form (see `app::evaluation`): a row per running goal
/// with its start, last and target score and the new score as the bar,
/// the state, the remark, final or not, and what the rule will do.
pub(super) fn draw_evaluation(frame: &mut Frame, app: &App, theme: Theme, form: &EvaluationForm) {
    let lang = app.lang();
    let preview = app.evaluation_preview(form);
    let width = frame.area().width.min(84);
    let height = (form.rows.len() as u16 + preview.len() as u16 * 2 + 10).min(frame.area().height);
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let title = format!(
        "{} · {}",
        lang.pick("Doelen evalueren", "Evaluate goals"),
        form.number
    );
    let outer = block(title, theme);
    let inner = outer.inner(area).inner(Margin::new(1, 0));
    frame.render_widget(outer, area);
    let selected = |on: bool| {
        if on {
            theme.selected()
        } else {
            Style::default()
        }
    };
    let mut lines = vec![Line::styled(
        format!(
            "{:<26} {:>5} {:>3} {:>4}  {:<11} {}",
            lang.pick("Doel", "Goal"),
            lang.pick("begin", "start"),
            lang.pick("nu", "now"),
            lang.pick("doel", "aim"),
            lang.pick("score", "score"),
            lang.pick("stand", "state")
        ),
        bold(),
    )];
    for (i, row) in form.rows.iter().enumerate() {
        let name = format!("{} {}", row.goal, row.life_domain);
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{:<26} {:>5} {:>3} {:>4}  ",
                crate::desk::view::ellipsis(&name, 26),
                row.start,
                row.last,
                row.target
            )),
            Span::styled(
                format!("{} {}", row.score, score_bar(row.score, row.target)),
                selected(form.at == i),
            ),
            Span::raw("    "),
            Span::styled(state_label(lang, Some(row.state)), selected(form.at == i)),
        ]));
    }
    let remark_width = usize::from(inner.width).saturating_sub(14);
    let scroll = form.remark.visual_scroll(remark_width);
    let remark: String = form.remark.value().chars().skip(scroll).collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(
            format!("{:<13}", lang.pick("Toelichting", "Remark")),
            bold(),
        ),
        Span::styled(
            format!(" {remark:<remark_width$}"),
            selected(form.at == form.rows.len()),
        ),
    ]));
    lines.push(Line::raw(format!(
        "{} {}",
        if form.is_final { "[x]" } else { "[ ]" },
        lang.pick(
            "eindevaluatie (f), voor het sluiten van de zaak",
            "final evaluation (f), for closing the case"
        )
    )));
    lines.push(Line::styled(
        lang.pick(
            "De toelichting komt in de geschiedenis (gelogd), nooit op een bord.",
            "The remark goes into the history (logged), never on a board.",
        ),
        theme.tone(Tone::Dim),
    ));
    for said in preview {
        lines.push(Line::styled(format!("→ {said}"), theme.tone(Tone::Soon)));
    }
    let hint = lang.pick(
        "↑↓ doel · ←→ of 1-5 score · Spatie stand · f eind · ⏎ vastleggen · Esc",
        "↑↓ goal · ←→ or 1-5 score · Space state · f final · ⏎ record · Esc",
    );
    let body = draw_form(frame, lang, theme, inner, lines, &form.flight, hint);
    if form.at == form.rows.len() && form.flight != Flight::Sending {
        let x = form.remark.visual_cursor().saturating_sub(scroll);
        frame.set_cursor_position(Position::new(
            body.x + 14 + x as u16,
            body.y + form.rows.len() as u16 + 2,
        ));
    }
}

/// The plan form (see `app::plan`): the note, and per goal its life
/// domain, its words, the scores at the start and aimed for, and its
/// target date; when the first evaluation falls due.
pub(super) fn draw_plan(frame: &mut Frame, app: &App, theme: Theme, form: &PlanForm) {
    let lang = app.lang();
    let width = frame.area().width.min(84);
    let height = (form.goals.len() as u16 * 3 + 10).min(frame.area().height);
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let title = format!(
        "{} · {}",
        lang.pick("Plan met doelen", "Plan with goals"),
        form.number
    );
    let outer = block(title, theme);
    let inner = outer.inner(area).inner(Margin::new(1, 0));
    frame.render_widget(outer, area);
    let on = |field: PlanField| {
        if form.field == field {
            theme.selected()
        } else {
            Style::default()
        }
    };
    let label = 13usize;
    let value_width = usize::from(inner.width).saturating_sub(label + 2);
    let shown = |input: &tui_input::Input| {
        let scroll = input.visual_scroll(value_width);
        let text: String = input.value().chars().skip(scroll).collect();
        crate::desk::view::ellipsis(&text, value_width)
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<label$}", lang.pick("Notitie", "Note")), bold()),
        Span::styled(
            format!(" {:<value_width$}", shown(&form.note)),
            on(PlanField::Note),
        ),
    ])];
    // Where the cursor goes when a text is typed: (line, column).
    let mut cursor = match form.field {
        PlanField::Note => Some((0u16, form.note.visual_cursor())),
        _ => None,
    };
    for (i, goal) in form.goals.iter().enumerate() {
        let domain = app
            .settings
            .norms
            .life_domains
            .get(goal.domain)
            .cloned()
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{:<label$}",
                    format!("{} {}", lang.pick("Doel", "Goal"), i + 1)
                ),
                bold(),
            ),
            Span::styled(format!(" ‹ {domain} ›"), on(PlanField::Domain(i))),
        ]));
        if form.field == PlanField::Text(i) {
            cursor = Some((lines.len() as u16, goal.text.visual_cursor()));
        }
        lines.push(Line::from(vec![
            Span::raw(format!("{:<label$}", lang.pick("  wat", "  what"))),
            Span::styled(
                format!(" {:<value_width$}", shown(&goal.text)),
                on(PlanField::Text(i)),
            ),
        ]));
        let start = format!(" {} {}", lang.pick("begin", "start"), goal.start);
        let target = format!("{} {}", lang.pick("doel", "aim"), goal.target);
        let by = format!(
            " {}  {} ",
            score_bar(goal.start, goal.target),
            lang.pick("vóór", "by")
        );
        if form.field == PlanField::Date(i) {
            // The date begins after the scores and the bar.
            let before = [start.as_str(), "  ", target.as_str(), by.as_str()]
                .iter()
                .map(|s| s.chars().count())
                .sum::<usize>();
            cursor = Some((lines.len() as u16, before - 1 + goal.date.visual_cursor()));
        }
        lines.push(Line::from(vec![
            Span::raw(format!("{:<label$}", lang.pick("  ZRM", "  ZRM"))),
            Span::styled(start, on(PlanField::Start(i))),
            Span::raw("  "),
            Span::styled(target, on(PlanField::Target(i))),
            Span::raw(by),
            Span::styled(format!("{:<12}", goal.date.value()), on(PlanField::Date(i))),
        ]));
    }
    lines.push(Line::styled(
        lang.pick(
            "De woorden van een doel komen in de geschiedenis (gelogd), nooit op een bord.",
            "A goal's words go into the history (logged), never on a board.",
        ),
        theme.tone(Tone::Dim),
    ));
    if let Some(said) = app.plan_preview(form) {
        lines.push(Line::styled(format!("→ {said}"), theme.tone(Tone::Soon)));
    }
    let hint = lang.pick(
        "Tab veld · ←→ kies · Ctrl-N/X doel erbij/eraf · ⏎ vastleggen · Esc",
        "Tab field · ←→ choose · Ctrl-N/X add/drop goal · ⏎ record · Esc",
    );
    let body = draw_form(frame, lang, theme, inner, lines, &form.flight, hint);
    if let (Some((row, x)), true) = (cursor, form.flight != Flight::Sending) {
        frame.set_cursor_position(Position::new(
            body.x + label as u16 + 1 + x as u16,
            body.y + row,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_score_bar_shows_now_and_the_target_without_colour() {
        assert_eq!(score_bar(2, 4), "██░░·");
        assert_eq!(score_bar(4, 4), "████·");
        assert_eq!(score_bar(5, 4), "█████");
        assert_eq!(score_bar(1, 5), "█░░░░");
    }
}
