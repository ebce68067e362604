//! Aligned text tables for the terminal: columns padded to the widest cell by display width
//! (East Asian wide characters count two), control characters replaced, over-long cells cut
//! with `…`.

/// How a column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// The widest a cell may be (the last column is never cut).
pub const MAX_CELL: usize = 60;

/// Terminal columns a character takes.
fn char_width(c: char) -> usize {
    let c = c as u32;
    let wide = matches!(c,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD);
    let zero = matches!(c, 0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F);
    if zero {
        0
    } else if wide {
        2
    } else {
        1
    }
}

/// The number of terminal columns `text` takes.
pub fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// One line, printable: control characters (newlines, escapes) become spaces.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `text` cut to at most `max` columns, ending in `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('\u{2026}');
    out
}

/// Renders `header` and `rows` with two spaces between columns; no trailing spaces.
pub fn render(header: &[&str], align: &[Align], rows: &[Vec<String>]) -> String {
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let columns = header.len();
    let mut all = vec![header];
    all.extend(body(columns, rows));
    layout(&all, align)
}

/// Renders `rows` as [`render`] does, without a header line, each line after `indent`.
pub fn render_rows(indent: &str, align: &[Align], rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = String::new();
    for line in layout(&body(columns, rows), align).lines() {
        out.push_str(indent);
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The cells of `rows`, cleaned, cut (all but the last column) and `columns` to a row.
fn body(columns: usize, rows: &[Vec<String>]) -> Vec<Vec<String>> {
    let last = columns.saturating_sub(1);
    let cell = |row: &[String], i: usize| -> String {
        let text = clean(row.get(i).map_or("", String::as_str));
        if i == last {
            text
        } else {
            truncate(&text, MAX_CELL)
        }
    };
    rows.iter()
        .map(|row| (0..columns).map(|i| cell(row, i)).collect())
        .collect()
}

/// Pads every row's cells to their column's widest.
fn layout(rows: &[Vec<String>], align: &[Align]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let last = columns.saturating_sub(1);
    let mut widths = vec![0; columns];
    for row in rows {
        for (i, text) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(text));
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, text) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[i] - width(text));
            let right = align.get(i) == Some(&Align::Right);
            if right {
                line.push_str(&pad);
                line.push_str(text);
            } else {
                line.push_str(text);
                if i != last {
                    line.push_str(&pad);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Align, clean, render, truncate, width};

    #[test]
    fn columns_line_up_by_display_width() {
        let text = render(
            &["NAME", "AMOUNT", "NOTE"],
            &[Align::Left, Align::Right, Align::Left],
            &[
                vec![
                    "Caf\u{e9} \u{8acb}\u{6c42}\u{66f8}".into(),
                    "1.50".into(),
                    "x".into(),
                ],
                vec!["a".into(), "1234.00".into(), String::new()],
            ],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        // "Café 請求書" is 11 columns wide: the amounts end in the same column.
        let ends: Vec<usize> = lines[1..]
            .iter()
            .map(|l| {
                let at = l.find(|c: char| c.is_ascii_digit()).unwrap();
                width(&l[..at]) + l[at..].split(' ').next().unwrap().len()
            })
            .collect();
        assert_eq!(ends[0], ends[1], "{text}");
        assert_eq!(lines[2], "a            1234.00", "{text}");
    }

    #[test]
    fn cells_are_cleaned_and_cut() {
        assert_eq!(clean("a\nb\u{1b}[31m"), "a b [31m");
        let cut = truncate(&"x".repeat(100), 10);
        assert_eq!(width(&cut), 10);
        assert!(cut.ends_with('\u{2026}'));
        assert_eq!(truncate("short", 10), "short");
    }
}
