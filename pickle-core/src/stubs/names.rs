//! Python names and literals: which names a generated module may define,
//! string literals, and the modules that an annotation's text names.

/// Python's keywords (3.8 to 3.12); none of them can name a class, field or
/// member. The soft keywords (`match`, `case`, `type`, `_`) can.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Whether `name` can be defined in Python source: an identifier that is
/// no keyword.
pub(crate) fn identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
        && !KEYWORDS.contains(&name)
}

/// `text` as a Python `str` literal in double quotes (what `repr` gives,
/// up to the choice of quotes).
pub(crate) fn str_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The modules that the dotted names in an annotation's text name: `a.b`
/// for `a.b.C`. Text inside quotes is skipped (a forward reference or a
/// `Literal` value).
pub(crate) fn modules_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars().chain(std::iter::once(' ')) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '_' || c == '.' || c.is_alphanumeric() {
            word.push(c);
            continue;
        }
        if let Some((module, _)) = word.rsplit_once('.') {
            if module.split('.').all(identifier) {
                out.push(module.to_owned());
            }
        }
        word.clear();
        if c == '"' || c == '\'' {
            quote = Some(c);
        }
    }
    out
}

/// Whether an annotation's text can stand on one line of a class body:
/// no line breaks or comments, brackets balanced.
pub(crate) fn annotation_text(text: &str) -> bool {
    let mut depth: i32 = 0;
    for c in text.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            '\n' | '\r' | '#' => return false,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0 && !text.trim().is_empty()
}

/// The text of a docstring: `"""text"""`, with what would end it escaped.
pub(crate) fn docstring(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    let escaped = if escaped.ends_with('"') {
        format!("{}\\\"", &escaped[..escaped.len() - 1])
    } else {
        escaped
    };
    format!("\"\"\"{escaped}\"\"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(identifier("Order"));
        assert!(identifier("_x1"));
        assert!(identifier("match"));
        assert!(!identifier("class"));
        assert!(!identifier("1a"));
        assert!(!identifier("a-b"));
        assert!(!identifier(""));
    }

    #[test]
    fn literals() {
        assert_eq!(str_literal("so \"so\"\n\\"), r#""so \"so\"\n\\""#);
        assert_eq!(str_literal("é\u{1}"), "\"é\\x01\"");
        assert_eq!(docstring("a \"\"\" b\""), r#""""a \"\"\" b\"""""#);
    }

    #[test]
    fn modules_of_annotations() {
        assert_eq!(
            modules_in("typing.Dict[str, decimal.Decimal]"),
            ["typing", "decimal"]
        );
        assert_eq!(modules_in("a.b.C['x.y']"), ["a.b"]);
        assert!(modules_in("float").is_empty());
        assert!(annotation_text("typing.List[int]"));
        assert!(!annotation_text("typing.List[int"));
        assert!(!annotation_text("int # no"));
    }
}
