//! A rendered frame as an SVG image, for `screenshots/`: one rectangle per
//! run of background colour and one text run per run of style, in a fixed
//! dark palette so the images look the same wherever they are viewed.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 18.0;
const FONT_SIZE: f32 = 14.0;
const BASELINE: f32 = 13.5;
const PAD: f32 = 12.0;
const BACKGROUND: &str = "#1d2021";
const FOREGROUND: &str = "#ebdbb2";

fn colour(color: Color, default: &'static str) -> String {
    match color {
        Color::Reset => default.into(),
        Color::Black => "#282828".into(),
        Color::Red | Color::LightRed => "#fb4934".into(),
        Color::Green | Color::LightGreen => "#b8bb26".into(),
        Color::Yellow | Color::LightYellow => "#fabd2f".into(),
        Color::Blue | Color::LightBlue => "#83a598".into(),
        Color::Magenta | Color::LightMagenta => "#d3869b".into(),
        Color::Cyan | Color::LightCyan => "#8ec07c".into(),
        Color::Gray | Color::White => "#ebdbb2".into(),
        Color::DarkGray => "#928374".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(_) => default.into(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn render(buffer: &Buffer) -> String {
    let area = buffer.area;
    let width = f32::from(area.width) * CELL_W + 2.0 * PAD;
    let height = f32::from(area.height) * CELL_H + 2.0 * PAD;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">"#
    );
    let _ = write!(
        svg,
        r#"<rect width="100%" height="100%" rx="6" fill="{BACKGROUND}"/><g font-family="'DejaVu Sans Mono','Menlo','Consolas',monospace" font-size="{FONT_SIZE}" xml:space="preserve">"#
    );
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let cell = &buffer[(area.x + x, area.y + y)];
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let (fg, bg) = if reversed {
                (colour(cell.bg, BACKGROUND), colour(cell.fg, FOREGROUND))
            } else {
                (colour(cell.fg, FOREGROUND), colour(cell.bg, BACKGROUND))
            };
            // A run of cells with the same style becomes one text element.
            let start = x;
            let mut text = String::new();
            while x < area.width {
                let next = &buffer[(area.x + x, area.y + y)];
                if next.fg != cell.fg || next.bg != cell.bg || next.modifier != cell.modifier {
                    break;
                }
                text.push_str(next.symbol());
                x += 1;
            }
            let px = PAD + f32::from(start) * CELL_W;
            let py = PAD + f32::from(y) * CELL_H;
            let run = f32::from(x - start) * CELL_W;
            if bg != BACKGROUND {
                let _ = write!(
                    svg,
                    r#"<rect x="{px}" y="{py}" width="{run}" height="{CELL_H}" fill="{bg}"/>"#
                );
            }
            if text.trim().is_empty() {
                continue;
            }
            let mut attrs = format!(r#"fill="{fg}""#);
            if cell.modifier.contains(Modifier::BOLD) {
                attrs.push_str(r#" font-weight="bold""#);
            }
            if cell.modifier.contains(Modifier::DIM) {
                attrs.push_str(r#" opacity="0.55""#);
            }
            if cell.modifier.contains(Modifier::UNDERLINED) {
                attrs.push_str(r#" text-decoration="underline""#);
            }
            let _ = write!(
                svg,
                r#"<text x="{px}" y="{}" textLength="{run}" lengthAdjust="spacingAndGlyphs" {attrs}>{}</text>"#,
                py + BASELINE,
                escape(&text)
            );
        }
    }
    svg.push_str("</g></svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn styled_runs_become_text_and_rectangles() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 12, 1));
        buffer.set_string(0, 0, "KST <1>", Style::default().fg(Color::Red));
        buffer.set_string(
            8,
            0,
            "ok",
            Style::default().add_modifier(Modifier::REVERSED),
        );
        let svg = render(&buffer);
        assert!(
            svg.contains(r##"fill="#fb4934">KST &lt;1&gt;</text>"##),
            "{svg}"
        );
        // Reversed: the text takes the background colour on a light block.
        assert!(svg.contains(r##"fill="#ebdbb2"/>"##), "{svg}");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }
}
