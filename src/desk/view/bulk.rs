//! The dialog of one action on the marked cases (see `app::bulk`): every
//! case it concerns, who takes them (reassign), the one reason, and each
//! case's outcome as the answers come in.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Position};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{Theme, block, centered, ellipsis};
use crate::desk::app::{App, Bulk, BulkAction, BulkOutcome, BulkStage};
use crate::desk::columns::{Tone, load_cell};

pub(super) fn draw_bulk(frame: &mut Frame, app: &App, theme: Theme, bulk: &Bulk) {
    let lang = app.lang();
    let screen = frame.area();
    let width = screen.width.min(100);
    let picker_height: u16 = if bulk.stage == BulkStage::Choose {
        9
    } else {
        0
    };
    let reason_height: u16 = if bulk.stage == BulkStage::Reason {
        3
    } else {
        0
    };
    let rows_height = (bulk.rows.len().max(1) as u16).min(
        screen
            .height
            .saturating_sub(10 + picker_height + reason_height)
            .max(3),
    );
    let height = rows_height + picker_height + reason_height + 6;
    let area = centered(screen, width, height);
    frame.render_widget(Clear, area);
    // What will really be sent: a case the chosen person holds already
    // stays where it is.
    let held_by = |login: &str| {
        bulk.rows
            .iter()
            .filter(|r| r.outcome == BulkOutcome::Waiting && r.holder.as_deref() == Some(login))
            .count()
    };
    let waiting = bulk.waiting() - bulk.to.as_ref().map_or(0, |c| held_by(&c.login));
    let what = match bulk.action {
        BulkAction::Reassign => lang.pick("Herverdelen", "Reassign"),
        BulkAction::Escalate => lang.pick("Opschalen", "Escalate"),
    };
    let mut title = format!(
        "{what} · {} {}",
        bulk.rows.len(),
        lang.pick("gemarkeerde zaken", "marked cases"),
    );
    if bulk.stage != BulkStage::Applying {
        title = format!(
            "{title} ({waiting} {})",
            lang.pick("te versturen", "to send")
        );
    }
    if let Some(to) = &bulk.to {
        title = format!("{title} → {}", to.name);
    }
    let outer = block(title, theme);
    let inner = outer.inner(area).inner(Margin::new(1, 0));
    frame.render_widget(outer, area);
    let [header, rows, picker, reason, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(picker_height),
        Constraint::Length(reason_height),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let holder_width = 22usize;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!(
                "{:<15}{:<10}{:<holder_width$} {}",
                lang.pick("Zaak", "Case"),
                lang.pick("Huish.", "Househ."),
                lang.pick("Casusregisseur", "Casusregisseur"),
                lang.pick("Uitkomst", "Outcome"),
            ),
            bold,
        )),
        header,
    );
    // The first rows that need the user stay in view: what failed or was
    // left out, when the list is longer than the dialog.
    let mut order: Vec<usize> = (0..bulk.rows.len()).collect();
    if bulk.rows.len() > usize::from(rows.height) {
        order.sort_by_key(|&i| {
            !matches!(
                bulk.rows[i].outcome,
                BulkOutcome::Failed(_) | BulkOutcome::Skipped(_)
            )
        });
    }
    let outcome_width = usize::from(inner.width).saturating_sub(15 + 10 + holder_width + 1);
    let lines: Vec<Line> = order
        .into_iter()
        .take(rows.height.into())
        .map(|i| {
            let row = &bulk.rows[i];
            let holder = row
                .holder
                .as_deref()
                .map(|l| app.snapshot.name_of(l))
                .unwrap_or_else(|| lang.pick("niet toegewezen", "unassigned").into());
            let (text, tone) = match &row.outcome {
                BulkOutcome::Waiting => (String::new(), Tone::Plain),
                BulkOutcome::Sending(_) => (lang.pick("bezig…", "sending…").into(), Tone::Soon),
                BulkOutcome::Done => (
                    match bulk.action {
                        BulkAction::Reassign => {
                            format!("✓ {}", lang.pick("herverdeeld", "reassigned"))
                        }
                        BulkAction::Escalate => {
                            format!("✓ {}", lang.pick("opgeschaald", "escalated"))
                        }
                    },
                    Tone::InTime,
                ),
                BulkOutcome::Failed(why) => (format!("✗ {why}"), Tone::Late),
                BulkOutcome::Skipped(why) => (
                    format!("– {} {why}", lang.pick("niet verstuurd:", "not sent:")),
                    Tone::Dim,
                ),
            };
            Line::from(vec![
                Span::raw(format!(
                    "{:<15}{:<10}{:<holder_width$} ",
                    ellipsis(&row.number, 14),
                    ellipsis(&row.pseudonym, 9),
                    ellipsis(&holder, holder_width),
                )),
                Span::styled(ellipsis(&text, outcome_width), theme.tone(tone)),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), rows);

    if bulk.stage == BulkStage::Choose {
        let listed = app.bulk_candidates(bulk);
        let mut lines = vec![Line::from(vec![
            Span::styled(lang.pick("Naar: ", "To: "), bold),
            Span::raw(bulk.picker.filter.value().to_string()),
        ])];
        let skip = bulk
            .picker
            .selected
            .saturating_sub(usize::from(picker_height).saturating_sub(3));
        for (i, c) in listed
            .iter()
            .enumerate()
            .skip(skip)
            .take(usize::from(picker_height) - 1)
        {
            // Their load once these cases are theirs: "11/14 → 16/14".
            let after = c.open + (waiting - held_by(&c.login)) as u32;
            let load = load_cell(c.open, c.capacity);
            let over = c.capacity.is_some_and(|cap| after > cap);
            let line = format!(
                "{:<24} {:<18} {} → {}{}",
                ellipsis(&c.name, 24),
                ellipsis(&c.organisation, 18),
                load.text.split(' ').next().unwrap_or(""),
                match c.capacity {
                    Some(cap) => format!("{after}/{cap}"),
                    None => after.to_string(),
                },
                if over {
                    lang.pick(" boven capaciteit", " over capacity")
                } else {
                    ""
                }
            );
            let style = if i == bulk.picker.selected {
                theme.selected()
            } else if over {
                theme.tone(Tone::Soon)
            } else {
                Style::default()
            };
            lines.push(Line::styled(line, style));
        }
        if listed.is_empty() {
            lines.push(Line::styled(
                lang.pick("Niemand gevonden.", "Nobody found."),
                theme.tone(Tone::Dim),
            ));
        }
        frame.render_widget(Paragraph::new(lines), picker);
        let x = picker.x + 6 + bulk.picker.filter.visual_cursor() as u16;
        frame.set_cursor_position(Position::new(
            x.min(picker.right().saturating_sub(1)),
            picker.y,
        ));
    }
    if bulk.stage == BulkStage::Reason {
        let label = lang.pick("Reden (voor alle): ", "Reason (for all): ");
        frame.render_widget(
            Paragraph::new(vec![
                Line::raw(""),
                Line::from(vec![
                    Span::styled(label, bold),
                    Span::raw(bulk.reason.value().to_string()),
                ]),
            ]),
            reason,
        );
        let x = reason.x + label.chars().count() as u16 + bulk.reason.visual_cursor() as u16;
        frame.set_cursor_position(Position::new(
            x.min(reason.right().saturating_sub(1)),
            reason.y + 1,
        ));
    }
    if let Some(warning) = &bulk.warning {
        frame.render_widget(
            Paragraph::new(Line::styled(format!("⚠ {warning}"), theme.tone(Tone::Late))),
            status,
        );
    } else if bulk.done() {
        let done = bulk.count(|o| *o == BulkOutcome::Done);
        let not = bulk.rows.len() - done;
        let text = if not == 0 {
            format!(
                "{} {done} {}",
                lang.pick("alle", "all"),
                lang.pick("gelukt", "done")
            )
        } else {
            format!(
                "{done} {} {}; {not} {}",
                lang.pick("van", "of"),
                bulk.rows.len(),
                lang.pick("niet: die blijven gemarkeerd", "not: those stay marked")
            )
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                text,
                theme.tone(if not == 0 { Tone::InTime } else { Tone::Soon }),
            )),
            status,
        );
    }
    let hint = match bulk.stage {
        BulkStage::Choose => lang.pick(
            "typ om te zoeken · ↑↓ kies · ⏎ verder · Esc annuleren",
            "type to search · ↑↓ choose · ⏎ next · Esc cancel",
        ),
        BulkStage::Reason => lang.pick(
            "⏎ verstuur elke zaak apart (met de versie die u zag) · Esc terug",
            "⏎ send each case on its own (at the version you saw) · Esc back",
        ),
        BulkStage::Applying if bulk.done() => lang.pick("⏎ of Esc: sluiten", "⏎ or Esc: close"),
        BulkStage::Applying => lang.pick("bezig met versturen…", "sending…"),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(hint, theme.tone(Tone::Dim))),
        hints,
    );
}
