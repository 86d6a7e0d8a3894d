//! The plan's goals in the pane: each goal's life domain, its ZRM score
//! from the start to the last evaluation against its target as a bar that
//! reads without colour, its target date and state, and when the next
//! evaluation is due. The goal's words are not here: they are read in the
//! audited history only.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::Theme;
use crate::config::Language;
use crate::desk::app::App;
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
                format!(
                    " · {} {}{}",
                    lang.pick("evaluatie", "evaluation"),
                    if late {
                        lang.pick("was op", "was due")
                    } else {
                        lang.pick("vóór", "by")
                    },
                    format_args!(" {}", labels::date(lang, due))
                ),
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
