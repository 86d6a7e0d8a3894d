//! The dialogs of the inline actions and the reassignment picker.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Margin, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::table::cell_line_owned;
use super::{Theme, block, centered};
use crate::config::Language;
use crate::desk::app::{App, Candidate, Dialog, DialogKind, Flight};
use crate::desk::columns::{Tone, load_cell};
use crate::desk::labels;
use crate::domain::model::Role;

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
        // A referral nobody holds yet is assigned, not reassigned.
        DialogKind::Reassign { case_id } => {
            let first = app
                .snapshot
                .cases
                .get(&case_id)
                .is_some_and(|c| c.casusregisseur.is_none());
            let what = if first {
                lang.pick("Toewijzen", "Assign")
            } else {
                lang.pick("Herverdelen", "Reassign")
            };
            (what, case_number(case_id))
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
        DialogKind::Suspend { request_id } => (
            lang.pick("Termijn opschorten", "Suspend the term"),
            request_number(request_id),
        ),
        DialogKind::Resume { request_id } => (
            lang.pick("Aanvulling ontvangen", "Information received"),
            request_number(request_id),
        ),
        DialogKind::Extend { request_id } => (
            lang.pick("Termijn verdagen", "Extend the term"),
            request_number(request_id),
        ),
        DialogKind::DefaultNotice { request_id } => (
            lang.pick("Ingebrekestelling", "Notice of default"),
            request_number(request_id),
        ),
        DialogKind::FollowUp { case_id, .. } => (
            lang.pick("Waakvlam: nacontact", "Waakvlam: follow-up"),
            case_number(case_id),
        ),
        DialogKind::Postpone { case_id } => (
            lang.pick("Waakvlam: uitstellen", "Waakvlam: postpone"),
            case_number(case_id),
        ),
        DialogKind::FollowUpHolder { case_id } => (
            lang.pick("Waakvlam: overdragen", "Waakvlam: hand on"),
            case_number(case_id),
        ),
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
        DialogKind::Suspend { .. } => lang.pick("opschorten", "suspend"),
        DialogKind::Resume { .. } => lang.pick("hervatten", "resume"),
        DialogKind::Extend { .. } => lang.pick("verdagen", "extend"),
        DialogKind::DefaultNotice { .. } => lang.pick("vastleggen", "record"),
        DialogKind::FollowUp { .. } => lang.pick("vastleggen", "record"),
        DialogKind::Postpone { .. } => lang.pick("uitstellen", "postpone"),
        DialogKind::FollowUpHolder { .. } => lang.pick("overdragen", "hand on"),
    }
}

/// What the amount field of a term dialog holds.
fn amount_label(lang: Language, kind: DialogKind) -> &'static str {
    match kind {
        DialogKind::Suspend { .. } => lang.pick("Hersteltermijn in dagen", "Days to complete"),
        DialogKind::Extend { .. } => lang.pick("Verdagen met weken", "Extend by weeks"),
        DialogKind::Postpone { .. } => lang.pick(
            "Nieuwe nacontactdatum (dd-mm-jjjj)",
            "New follow-up date (dd-mm-yyyy)",
        ),
        DialogKind::Resume { .. } => lang.pick(
            "Aanvulling ontvangen op (dd-mm-jjjj)",
            "Information received on (dd-mm-yyyy)",
        ),
        _ => lang.pick(
            "Ingebrekestelling ontvangen op (dd-mm-jjjj)",
            "Notice received on (dd-mm-yyyy)",
        ),
    }
}

/// The new deadline a term dialog would give, worked out as the user
/// types, or why the law does not allow it.
fn term_preview(app: &App, theme: Theme, dialog: &Dialog) -> Line<'static> {
    let lang = app.lang();
    match app.term_outcome(dialog, None) {
        Some(Ok(outcome)) => {
            let next = &outcome.next;
            let new_by = labels::date(lang, crate::domain::calendar::local_date(next.decide_by));
            let text = match dialog.kind {
                DialogKind::DefaultNotice { .. } => {
                    let notice = next.term.default_notice.as_ref().expect("just recorded");
                    let day_one = crate::domain::term::dwangsom_day_one(
                        notice.received_on,
                        &app.settings.norms.calendar,
                    );
                    format!(
                        "→ {} {} (€{} {} €{})",
                        lang.pick("dwangsom vanaf", "dwangsom from"),
                        labels::date(lang, day_one),
                        app.settings.norms.dwangsom.first_14_days,
                        lang.pick("per dag, ten hoogste", "a day, at most"),
                        app.settings.norms.dwangsom.maximum()
                    )
                }
                DialogKind::Suspend { .. } => format!(
                    "→ {} {new_by} {}",
                    lang.pick(
                        "nieuwe beslisdatum uiterlijk",
                        "new decide-by at the latest"
                    ),
                    lang.pick(
                        "(vroeger als de aanvulling eerder komt)",
                        "(earlier if the information comes sooner)"
                    )
                ),
                _ => format!(
                    "→ {} {new_by}",
                    lang.pick("nieuwe beslisdatum", "new decide-by")
                ),
            };
            Line::styled(text, theme.tone(Tone::InTime).add_modifier(Modifier::BOLD))
        }
        // Nothing typed yet is not an error: say what to type.
        Some(Err(why)) if dialog.amount.value().trim().is_empty() => {
            Line::styled(format!("→ {why}"), theme.tone(Tone::Dim))
        }
        Some(Err(why)) => Line::styled(format!("✗ {why}"), theme.tone(Tone::Late)),
        None => Line::raw(""),
    }
}

pub(super) fn draw_dialog(frame: &mut Frame, app: &App, theme: Theme, dialog: &Dialog) {
    let lang = app.lang();
    let mut context: Vec<Line> = Vec::new();
    let case = dialog
        .kind
        .case_id(&app.snapshot)
        .and_then(|id| app.snapshot.cases.get(&id));
    match dialog.kind.request_id() {
        Some(request_id) => {
            if let Some(r) = app.snapshot.requests.get(&request_id) {
                context.push(Line::raw(format!(
                    "{} · {} · {}",
                    r.number,
                    case.map(|c| c.number.as_str()).unwrap_or(""),
                    labels::request_kind(lang, r.kind),
                )));
                context.push(Line::from(vec![
                    Span::styled(
                        format!("{}: ", lang.pick("Voorziening", "Provision")),
                        Style::default().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(r.provision.clone()),
                ]));
                let left = app.working_days_until(r.decide_by);
                context.push(Line::raw(format!(
                    "{} {}, {} · {} {} ({})",
                    lang.pick("Ingediend door", "Filed by"),
                    app.snapshot.name_of(&r.filed_by),
                    labels::day(lang, r.filed_at, app.now),
                    lang.pick("beslissen vóór", "decide by"),
                    labels::day(lang, r.decide_by, app.now),
                    labels::countdown(lang, left)
                )));
                if r.decide_by < app.now && dialog.kind.term_request().is_none() {
                    context.push(Line::styled(
                        format!(
                            "⚠ {}",
                            lang.pick(
                                "De wettelijke beslistermijn is verstreken: beslis vandaag.",
                                "The legal decision term has passed: decide today.",
                            )
                        ),
                        theme.tone(Tone::Late),
                    ));
                }
                if dialog.kind.has_amount() {
                    context.push(term_preview(app, theme, dialog));
                } else if !r.in_plan {
                    context.push(Line::styled(
                        lang.pick(
                            "✗ Niet in het plan: toekennen kan niet.",
                            "✗ Not in the plan: cannot be approved.",
                        ),
                        theme.tone(Tone::Late),
                    ));
                }
                if !dialog.kind.has_amount() {
                    context.push(Line::styled(
                        format!("{}:", lang.pick("Motivering", "Motivation")),
                        Style::default().add_modifier(Modifier::BOLD),
                    ));
                    context.push(Line::raw(r.motivation.clone()));
                }
            }
        }
        None => {
            if let Some(c) = case {
                context.push(Line::raw(format!(
                    "{} · {} · {} · Casusregisseur: {}",
                    c.number,
                    c.pseudonym,
                    labels::domain(lang, c.domain),
                    c.casusregisseur
                        .as_deref()
                        .map(|l| app.snapshot.name_of(l))
                        .unwrap_or_else(|| "—".into())
                )));
                if !c.risk_flags.is_empty() {
                    context.push(Line::raw(
                        c.risk_flags
                            .iter()
                            .map(|f| format!("⚑ {}", labels::risk_flag(lang, *f)))
                            .collect::<Vec<_>>()
                            .join("  "),
                    ));
                }
                if let (true, Some(until)) = (dialog.kind.on_waakvlam(), c.waakvlam_until) {
                    context.push(Line::raw(format!(
                        "{} {}",
                        lang.pick("Nacontact gepland op", "Follow-up planned on"),
                        labels::date(lang, until)
                    )));
                }
                if let DialogKind::FollowUp { concern, .. } = dialog.kind {
                    let mark = |on: bool| if on { "(•)" } else { "( )" };
                    context.push(Line::from(vec![
                        Span::styled(
                            format!(
                                "{} {}   {} {}",
                                mark(!concern),
                                lang.pick("gaat goed: waakvlam eindigt", "all well: waakvlam ends"),
                                mark(concern),
                                lang.pick(
                                    "zorg: nieuwe zaak voor het huishouden",
                                    "concern: new case for the household"
                                ),
                            ),
                            Style::default().add_modifier(Modifier::BOLD),
                        ),
                        Span::raw(format!("  (Tab {})", lang.pick("wisselt", "switches"))),
                    ]));
                }
                if let (true, Some(reason)) = (c.escalated, &c.escalation_reason) {
                    context.push(Line::raw(format!(
                        "{}: {reason}",
                        lang.pick("Opgeschaald", "Escalated")
                    )));
                }
                if app.taken_over_deescalation(dialog) {
                    context.push(Line::styled(
                        lang.pick(
                            "Overgenomen: na het afschalen blijft de zaak bij u en verdwijnt zij van dit bord.",
                            "Taken over: after de-escalating the case stays with you and leaves this board.",
                        ),
                        theme.tone(Tone::Soon),
                    ));
                    let mark = |on: bool| if on { "(•)" } else { "( )" };
                    context.push(Line::from(vec![
                        Span::styled(
                            format!(
                                "{} {}   {} {}",
                                mark(!dialog.hand_back),
                                lang.pick("houden", "keep it"),
                                mark(dialog.hand_back),
                                lang.pick(
                                    "teruggeven: daarna kiest u aan wie",
                                    "hand it back: then choose to whom"
                                ),
                            ),
                            Style::default().add_modifier(Modifier::BOLD),
                        ),
                        Span::raw(format!("  (Tab {})", lang.pick("wisselt", "switches"))),
                    ]));
                }
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
    // The picker takes more room on a wide screen, so names,
    // organisations and specialisms are not cut.
    let width = if picking {
        frame.area().width.min(112)
    } else {
        frame.area().width.min(78)
    };
    // Inside the border and a margin of one on each side.
    let text_width = width.saturating_sub(4).max(1);
    let context = Paragraph::new(context).wrap(Wrap { trim: false });
    let context_height = context.line_count(text_width) as u16;
    let flight = match &dialog.flight {
        Flight::Editing => Line::raw(""),
        Flight::Sending => Line::styled(
            lang.pick("⏳ Bezig met versturen…", "⏳ Sending…"),
            theme.tone(Tone::Soon),
        ),
        Flight::Refused(text) => Line::styled(format!("⚠ {text}"), theme.tone(Tone::Late)),
        Flight::Conflict(text) => Line::styled(format!("⚠ {text}"), theme.tone(Tone::Soon)),
        Flight::Gone(text) => Line::styled(format!("✗ {text}"), theme.tone(Tone::Late)),
    };
    let flight = Paragraph::new(flight).wrap(Wrap { trim: true });
    let flight_height = (flight.line_count(text_width) as u16).clamp(1, 4);
    // A term dialog with both an amount and a text puts the amount on a
    // line of its own above the text field.
    let amount_height: u16 = if dialog.kind.has_amount() && dialog.kind.has_reason() {
        1
    } else {
        0
    };
    let height = context_height + amount_height + 1 + 1 + 3 + list_height + flight_height + 1 + 2;
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let outer = block(dialog_title(app, dialog), theme);
    let inner = outer.inner(area).inner(Margin::new(1, 0));
    frame.render_widget(outer, area);
    // When the terminal is short, the context gives way first: the field,
    // the answer and the keys stay.
    let [
        context_area,
        amount_area,
        label_area,
        input_area,
        list_area,
        flight_area,
        hint_area,
    ] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(amount_height),
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(list_height),
        Constraint::Length(flight_height),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(context, context_area);
    if amount_height > 0 {
        let style = if dialog.on_amount {
            theme.selected()
        } else {
            Style::default()
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    format!("{}: ", amount_label(lang, dialog.kind)),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::styled(format!(" {} ", dialog.amount.value()), style),
                Span::styled(
                    format!(
                        "  ({})",
                        lang.pick("Tab wisselt van veld", "Tab switches field")
                    ),
                    theme.tone(Tone::Dim),
                ),
            ])),
            amount_area,
        );
    }
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
            .map(|l| {
                // Chosen although full: said beside the name, not hidden.
                // The chosen one is in the picker's listing (kept since it
                // opened): looked up there, nothing filtered or copied.
                let full = dialog
                    .picker
                    .as_ref()
                    .and_then(|p| p.listed.iter().find(|c| c.login == l))
                    .and_then(|c| match c.away_until {
                        Some(until) => Some(format!(
                            " (⚠ {} {})",
                            lang.pick("afwezig t/m", "away until"),
                            until.format("%d-%m")
                        )),
                        None if !c.has_room() && c.capacity.is_some() => Some(format!(
                            " (⚠ {} {}/{})",
                            lang.pick("geen ruimte:", "no room:"),
                            c.open,
                            c.capacity.unwrap_or_default()
                        )),
                        None => None,
                    })
                    .unwrap_or_default();
                format!(
                    "{} {}{full} · ",
                    lang.pick("Naar", "To"),
                    app.snapshot.name_of(l)
                )
            })
            .unwrap_or_default();
        if !dialog.kind.has_reason() {
            (amount_label(lang, dialog.kind).to_string(), &dialog.amount)
        } else {
            let required = match dialog.kind {
                DialogKind::Suspend { .. } => lang.pick(
                    "Wat is er gevraagd (verplicht)",
                    "What was asked (required)",
                ),
                DialogKind::Postpone { .. } => lang.pick("Reden (verplicht)", "Reason (required)"),
                DialogKind::FollowUp { concern: true, .. } => lang.pick(
                    "Notitie: wat is de zorg (verplicht)",
                    "Note: what is the concern (required)",
                ),
                DialogKind::FollowUp { .. } => lang.pick("Notitie (optioneel)", "Note (optional)"),
                _ if dialog.reason_required(&app.snapshot) => {
                    lang.pick("Reden (verplicht)", "Reason (required)")
                }
                _ => lang.pick("Reden (optioneel)", "Reason (optional)"),
            };
            (format!("{chosen}{required}"), &dialog.reason)
        }
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
    if dialog.flight != Flight::Sending && (!dialog.on_amount || !dialog.kind.has_reason()) {
        frame.set_cursor_position(Position::new(
            field_inner.x + (input.visual_cursor().saturating_sub(scroll)) as u16,
            field_inner.y,
        ));
    }
    if picking {
        draw_candidates(frame, app, theme, dialog, &candidates, list_area);
    }
    frame.render_widget(flight, flight_area);
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
    // Room left beside the marker, the gauge and the counts, shared out.
    let room = usize::from(area.width).saturating_sub(2 + 15 + 22 + 3);
    let name = (room * 3 / 10).clamp(14, 22);
    let organisation = (room * 3 / 10).clamp(10, 16);
    let specialism = room.saturating_sub(name + organisation).clamp(8, 32);
    let selected = dialog.picker.as_ref().map_or(0, |p| p.selected);
    let skip = selected.saturating_sub(usize::from(area.height).saturating_sub(1));
    let lines: Vec<Line> = candidates
        .iter()
        .enumerate()
        .skip(skip)
        .take(area.height.into())
        .map(|(i, c)| {
            let mut spans = vec![Span::raw(format!(
                "{} {:<name$} {:<organisation$} {:<specialism$} ",
                if c.current { "•" } else { " " },
                super::ellipsis(&c.name, name),
                super::ellipsis(&c.organisation, organisation),
                super::ellipsis(c.specialism.as_deref().unwrap_or(""), specialism)
            ))];
            spans.extend(cell_line_owned(&load_cell(c.open, c.capacity), 15, theme).spans);
            let count = |n: u32, word: &str| {
                Span::styled(
                    format!(" {word} {n}"),
                    theme.tone(if n > 0 { Tone::Late } else { Tone::Dim }),
                )
            };
            spans.push(count(c.late, lang.pick("contact laat", "contact late")));
            spans.push(count(c.stuck, lang.pick("vast", "stuck")));
            if c.current {
                spans.push(Span::styled(
                    format!(" ({})", lang.pick("huidig", "current")),
                    theme.tone(Tone::Dim),
                ));
            } else if let Some(until) = c.away_until {
                spans.push(Span::styled(
                    format!(
                        " ({} {})",
                        lang.pick("afwezig t/m", "away until"),
                        until.format("%d-%m")
                    ),
                    theme.tone(Tone::Late),
                ));
            } else if c.role != Role::Casusregisseur {
                spans.push(Span::styled(
                    format!(" ({})", labels::role(lang, c.role)),
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
