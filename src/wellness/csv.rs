//! A small RFC 4180 CSV reader (quoted fields, doubled quotes, line breaks
//! inside quotes, CRLF, a UTF-8 BOM): all that Strava's and a journal's CSV
//! need, without a dependency.

/// One parsed row with its 1-based line number (of its first line).
pub struct Row {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Splits `text` into rows. An unterminated quote ends the last field at
/// the end of the text (its row is still returned; the caller's column
/// checks catch what went wrong).
pub fn rows(text: &str) -> Vec<Row> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                push_row(&mut out, row_line, std::mem::take(&mut fields));
                line += 1;
                row_line = line;
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        push_row(&mut out, row_line, fields);
    }
    out
}

/// Blank lines are not rows.
fn push_row(out: &mut Vec<Row>, line: usize, fields: Vec<String>) {
    if fields.len() == 1 && fields[0].trim().is_empty() {
        return;
    }
    out.push(Row { line, fields });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_commas_and_line_breaks_inside_fields() {
        let t = "\u{feff}a,b,c\r\n1,\"x, \"\"y\"\"\",\"two\nlines\"\n\n3,,\n";
        let r = rows(t);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].fields, ["a", "b", "c"]);
        assert_eq!(r[1].fields, ["1", "x, \"y\"", "two\nlines"]);
        assert_eq!(r[2].fields, ["3", "", ""]);
        assert_eq!(r[2].line, 5);
    }
}
