//! A board or drill-down as a table, and the columns that fit.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use super::case::draw_pane;
use super::{DETAIL_PANE_FROM, DETAIL_PANE_WIDTH, Theme, block};
use crate::desk::app::{App, Overlay, TableView, View, board_title};
use crate::desk::columns::{Cell, GAUGE_BAR, Tone};
use crate::desk::labels;
use crate::domain::boards::Board;

pub(super) fn draw_body(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let Some(view) = app.view() else {
        crate::desk::charts::draw(frame, app, theme, area);
        return;
    };
    let Some(table) = app.tables.get(&view) else {
        return;
    };
    let wide = area.width >= DETAIL_PANE_FROM && view != View::Board(Board::Caseload);
    let (table_area, pane) = if wide {
        let [t, p] =
            Layout::horizontal([Constraint::Min(60), Constraint::Length(DETAIL_PANE_WIDTH)])
                .areas(area);
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
        (Some(View::Results), _) => format!(
            "{} › {}",
            board_title(lang, Board::Stagnatie),
            lang.pick("Resultaat", "Results")
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
    if matches!(
        app.view(),
        Some(View::Board(Board::Stagnatie) | View::Results)
    ) {
        // One row per case; the signals are counted beside them (kept by
        // the table as its rows change, not summed per frame).
        let signals = table.weight;
        let signal_unit = if signals == 1 {
            lang.pick("signaal", "signal")
        } else {
            lang.pick("signalen", "signals")
        };
        title = format!("{name} · {count} {unit} · {signals} {signal_unit}");
    }
    if app.view() == Some(View::Board(Board::Waakvlam)) {
        // The tab counts only these; the title says both, so 18 on the tab
        // and 150 rows on the board are not a contradiction.
        let urgent = app.tab_count(Board::Waakvlam).unwrap_or(0);
        title.push_str(&format!(
            " · {urgent} {}",
            lang.pick("vragen aandacht", "need attention")
        ));
    }
    if !app.settings.focus.domains.is_empty() && app.view() != Some(View::CasesOf) {
        let domains = app
            .settings
            .focus
            .domains
            .iter()
            .map(|d| labels::domain(lang, *d).to_lowercase())
            .collect::<Vec<_>>()
            .join(", ");
        title = format!("{title} · {} {domains}", lang.pick("alleen", "only"));
    }
    let marked = table.marked_count();
    if marked > 0 {
        title.push_str(&format!(
            " · {marked} {}",
            lang.pick("gemarkeerd", "marked")
        ));
    }
    let editing = matches!(app.overlay, Some(Overlay::Filter(_)));
    if !table.filter.is_empty() || editing {
        title.push_str(&format!(" · filter: {}", table.filter));
        if editing {
            title.push('▏');
        }
    }
    if let Some(sort) = table.sort
        && let Some(column) = app.columns().get(sort.column)
    {
        title.push_str(&format!(
            " · {} {} {}",
            lang.pick("gesorteerd op", "sorted by"),
            column.header(lang).to_lowercase(),
            arrow(sort.descending)
        ));
    }
    title
}

/// What a growing column (signals, reason, provision) asks for before the
/// less important columns give way; it takes more when there is room.
const GROW_COMFORT: u16 = 30;

/// ▼ largest (or Z) first, ▲ smallest (or A) first.
fn arrow(descending: bool) -> &'static str {
    if descending { "▼" } else { "▲" }
}

/// The columns that fit. Each wants what its header and widest cell need
/// (within its own bounds); hidden ones are out; while the rest do not
/// fit, the least important give way, then the widest shrink toward their
/// least width. Room left over goes to the growing columns (reasons,
/// provisions, signals), so text is cut only when the screen is full.
fn fit_columns(app: &App, table: &TableView, width: u16) -> Vec<(usize, u16)> {
    let lang = app.lang();
    let columns = app.columns();
    let want = |i: usize| {
        let column = &columns[i];
        // One more for the sort arrow.
        let header = column.header(lang).chars().count() as u16 + 1;
        // Without colour a toned cell carries a mark (`!`, `~`) before its
        // text: one more, or a date loses its last digit.
        let mark = u16::from(app.settings.mono);
        let content = table.content.get(i).copied().unwrap_or(0) + mark;
        header
            .max(content)
            .clamp(column.width, column.max.max(column.width) + mark)
    };
    let mut shown: Vec<usize> = (0..columns.len())
        .filter(|&i| !app.hidden(&columns[i]))
        .collect();
    // Every column counts with what its content wants (a growing column
    // with a comfortable share of it): while that does not fit, the least
    // important column gives way, so an essential one is never cut to keep
    // a minor one on screen.
    let need = |shown: &[usize]| -> u16 {
        shown
            .iter()
            .map(|&i| {
                let want = want(i);
                if columns[i].grow {
                    want.min(GROW_COMFORT.max(columns[i].width)) + 1
                } else {
                    want + 1
                }
            })
            .sum()
    };
    while need(&shown) > width && shown.len() > 1 {
        // The least important gives way; of equals, the rightmost.
        let (at, _) = shown
            .iter()
            .enumerate()
            .max_by_key(|(_, i)| columns[**i].priority)
            .expect("not empty");
        if columns[shown[at]].priority == 1 {
            break;
        }
        shown.remove(at);
    }
    // A column other than the growing ones keeps its header whole: when
    // shrinking to that is not enough, another minor column gives way.
    let floor = |i: usize| {
        let column = &columns[i];
        if column.grow || column.priority == 1 {
            column.width
        } else {
            (column.header(lang).chars().count() as u16).max(column.width)
        }
    };
    let total = |widths: &[u16]| -> u16 { widths.iter().map(|w| w + 1).sum() };
    let mut widths: Vec<u16>;
    loop {
        widths = shown.iter().map(|&i| want(i)).collect();
        // Shrink one cell at a time: minor columns first, then the widest.
        while total(&widths) > width {
            let widest = (0..widths.len())
                .filter(|&k| widths[k] > floor(shown[k]))
                .max_by_key(|&k| {
                    let column = &columns[shown[k]];
                    (
                        column.priority > 1,
                        widths[k] - floor(shown[k]),
                        column.grow,
                    )
                });
            match widest {
                Some(k) => widths[k] -= 1,
                None => break,
            }
        }
        let droppable = shown
            .iter()
            .enumerate()
            .filter(|(_, i)| columns[**i].priority > 1)
            .max_by_key(|(_, i)| columns[**i].priority)
            .map(|(at, _)| at);
        match droppable {
            Some(at) if total(&widths) > width => {
                shown.remove(at);
            }
            _ => break,
        }
    }
    let spare = width.saturating_sub(total(&widths));
    let growing: Vec<usize> = (0..shown.len())
        .filter(|&k| columns[shown[k]].grow)
        .collect();
    if let Some(&last) = growing.last() {
        let share = spare / growing.len() as u16;
        for &k in &growing {
            widths[k] += share;
        }
        widths[last] += spare - share * growing.len() as u16;
    }
    shown.into_iter().zip(widths).collect()
}

fn draw_table(frame: &mut Frame, app: &App, theme: Theme, table: &TableView, area: Rect) {
    let lang = app.lang();
    let block = block(table_title(app, table), theme);
    let inner = block.inner(area);
    // Rows marked: a narrow column in front says which.
    let marking = !table.marks.is_empty();
    let range = table.range();
    let mark_width = if marking { 2 } else { 0 };
    let fitted = fit_columns(app, table, inner.width.saturating_sub(mark_width));
    let columns = app.columns();
    // Columns the screen had no room for are named as a count, so a
    // narrow terminal never drops "Casusregisseur" without a word.
    let dropped = columns.iter().filter(|c| !app.hidden(c)).count() - fitted.len();
    let block = if dropped > 0 {
        let text = match dropped {
            1 => lang
                .pick("1 kolom past niet", "1 column does not fit")
                .to_string(),
            n => format!(
                "{n} {}",
                lang.pick("kolommen passen niet", "columns do not fit")
            ),
        };
        block.title_bottom(Line::from(format!(" {text} ")).right_aligned())
    } else {
        block
    };
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
    let header_cells = fitted.iter().map(|&(i, _)| {
        let mut text = columns[i].header(lang).to_string();
        if let Some(sort) = table.sort.filter(|s| s.column == i) {
            text = format!("{text}{}", arrow(sort.descending));
        }
        Span::styled(
            text,
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    });
    let header = Row::new(
        marking
            .then(|| Span::raw(""))
            .into_iter()
            .chain(header_cells),
    );
    let mark = if app.settings.mono { "*" } else { "●" };
    let page = usize::from(inner.height.saturating_sub(1));
    let rows = table
        .visible
        .iter()
        .enumerate()
        .skip(table.offset)
        .take(page)
        .map(|(position, &index)| {
            let row = &table.rows[index];
            let marked = marking && table.is_marked(position, range);
            let cells = fitted.iter().map(|&(i, width)| {
                row.cells
                    .get(i)
                    .map(|cell| cell_line(cell, width, theme))
                    .unwrap_or_default()
            });
            let front =
                marking.then(|| Line::styled(if marked { mark } else { "" }, theme.accent()));
            let style = if position == table.selected {
                theme.selected()
            } else if marked {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            Row::new(front.into_iter().chain(cells)).style(style)
        });
    let widths = marking
        .then_some(Constraint::Length(1))
        .into_iter()
        .chain(fitted.iter().map(|&(_, w)| Constraint::Length(w)));
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .block(block),
        area,
    );
}

/// A cell as a line that owns its text (for lines kept beyond the cell).
pub(super) fn cell_line_owned(cell: &Cell, width: u16, theme: Theme) -> Line<'static> {
    let line = cell_line(cell, width, theme);
    Line::from(
        line.spans
            .into_iter()
            .map(|span| Span::styled(span.content.into_owned(), span.style))
            .collect::<Vec<_>>(),
    )
}

/// A cell as a line that borrows its text: drawing a row allocates only
/// for gauges and markers.
pub(super) fn cell_line(cell: &Cell, width: u16, theme: Theme) -> Line<'_> {
    let style = theme.tone(cell.tone);
    let marker = theme.marker(cell.tone);
    if let Some(ratio) = cell.gauge {
        // The numbers come before the bar, and "1981/12" before "+1969"
        // (the tone and the marker still say it is over): at a region's
        // loads a narrow column otherwise cut "1981/12" to "1981/1".
        // The bar's width comes from the numbers alone, so a load over
        // capacity ("19/14 +5") is never drawn shorter than a full one;
        // the "+5" follows when it fits.
        let numbers = cell
            .text
            .split_once(' ')
            .map_or(cell.text.as_str(), |(numbers, _)| numbers);
        let around = 1 + marker.chars().count() as u16;
        // A fixed bar width keeps the gauges of a column aligned.
        let bar = width
            .saturating_sub(numbers.chars().count() as u16 + around)
            .min(GAUGE_BAR);
        let text = if bar + around + cell.text.chars().count() as u16 <= width {
            cell.text.as_str()
        } else {
            numbers
        };
        let filled = ((ratio.min(1.0) * f64::from(bar)).round() as u16).min(bar);
        return Line::from(vec![
            Span::styled("█".repeat(filled.into()), style),
            Span::styled(
                "░".repeat((bar - filled).into()),
                Style::default().add_modifier(Modifier::DIM),
            ),
            Span::styled(format!(" {marker}{text}"), style),
        ]);
    }
    if cell.tone == Tone::Risk && !cell.text.is_empty() {
        let mut spans = Vec::new();
        for badge in cell.text.split(' ') {
            spans.push(Span::styled(badge, style));
            spans.push(Span::raw(" "));
        }
        return Line::from(spans);
    }
    // A list (signals) too long for its column is cut after a whole item,
    // with how many more, never in the middle of one.
    let room = usize::from(width).saturating_sub(marker.chars().count());
    if cell.text.chars().count() > room
        && let Some(fitted) = whole_items(&cell.text, room)
    {
        return Line::from(Span::styled(format!("{marker}{fitted}"), style));
    }
    // Any other text too long is cut visibly: a reason that ends in "…"
    // says there is more (in the pane), one cut mid-word does not.
    if cell.text.chars().count() > room && room > 1 {
        let cut: String = cell.text.chars().take(room - 1).collect();
        return Line::from(Span::styled(format!("{marker}{}…", cut.trim_end()), style));
    }
    if marker.is_empty() {
        return Line::from(Span::styled(cell.text.as_str(), style));
    }
    Line::from(Span::styled(format!("{marker}{}", cell.text), style))
}

/// `a · b · c` cut to the items that fit `width` with how many are left
/// out: `a (+2)`; `None` when it is no list or not even one item fits.
fn whole_items(text: &str, width: usize) -> Option<String> {
    let items: Vec<&str> = text.split(" · ").collect();
    (1..items.len()).rev().find_map(|keep| {
        let fitted = format!("{} (+{})", items[..keep].join(" · "), items.len() - keep);
        (fitted.chars().count() <= width).then_some(fitted)
    })
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
        Some(View::Results) => lang.pick(
            "Geen evaluatie te laat en geen doel uit koers. R toont Stagnatie weer.",
            "No evaluation late and no goal off track. R shows Stagnatie again.",
        ),
        // The procesmanager decides nothing: an empty board is no figure.
        Some(View::Board(Board::Mandaat)) if app.read_only() => lang.pick(
            "De procesmanager beslist niet op aanvragen; hoeveel er lopen staat op Doorstroom.",
            "The procesmanager decides no requests; how many are open is on Doorstroom.",
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_list_is_cut_after_a_whole_item_with_how_many_more() {
        let text = "beslistermijn verstreken · geen activiteit +14 wd · onderzoek te laat";
        assert_eq!(
            super::whole_items(text, 45).as_deref(),
            Some("beslistermijn verstreken (+2)")
        );
        assert_eq!(
            super::whole_items(text, 60).as_deref(),
            Some("beslistermijn verstreken · geen activiteit +14 wd (+1)")
        );
        assert_eq!(super::whole_items("geen lijst", 3), None);
        assert_eq!(super::whole_items(text, 10), None);
    }

    use super::*;
    use crate::desk::columns::load_cell;

    fn drawn(line: Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_regions_load_keeps_its_numbers_in_a_narrow_column() {
        let cell = load_cell(1981, Some(12));
        assert_eq!(cell.text, "1981/12 +1969");
        for mono in [false, true] {
            numbers_stay_whole(&cell, Theme { mono });
        }
    }

    #[test]
    fn a_text_too_long_for_its_column_says_it_is_cut() {
        let cell = Cell::plain("school werkt niet mee en moeder weigert hulp");
        let cut = drawn(cell_line(&cell, 20, Theme { mono: false }));
        assert_eq!(cut, "school werkt niet m…");
        let late = Cell::toned("dwangsom vanaf 03-12", Tone::Late);
        let cut = drawn(cell_line(&late, 12, Theme { mono: true }));
        assert_eq!(cut, "!dwangsom v…");
        // What fits is drawn as it is.
        assert_eq!(
            drawn(cell_line(&cell, 60, Theme { mono: false })),
            cell.text
        );
    }

    fn numbers_stay_whole(cell: &Cell, theme: Theme) {
        let cell = cell.clone();
        // Room for everything: bar, numbers and how far over.
        let wide = drawn(cell_line(&cell, 26, theme));
        assert!(wide.ends_with("1981/12 +1969"), "{wide:?}");
        assert!(wide.contains('█'), "{wide:?}");
        // The column's least width: the numbers whole, the excess dropped.
        let narrow = drawn(cell_line(&cell, 14, theme));
        assert!(narrow.contains("1981/12"), "{narrow:?}");
        assert!(narrow.chars().count() <= 14, "{narrow:?}");
        // An ordinary load is drawn as before.
        let usual = drawn(cell_line(&load_cell(17, Some(15)), 22, theme));
        assert!(usual.ends_with("17/15 +2"), "{usual:?}");
    }
}
