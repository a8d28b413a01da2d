//! `rename_all` conventions, the same names and results as serde's.

use self::RenameRule::{
    CamelCase, KebabCase, LowerCase, PascalCase, ScreamingKebabCase, ScreamingSnakeCase, SnakeCase,
    UpperCase,
};

// The names are serde's, `Case` and all.
#[allow(clippy::enum_variant_names)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameRule {
    LowerCase,
    UpperCase,
    PascalCase,
    CamelCase,
    SnakeCase,
    ScreamingSnakeCase,
    KebabCase,
    ScreamingKebabCase,
}

static RULES: &[(&str, RenameRule)] = &[
    ("lowercase", LowerCase),
    ("UPPERCASE", UpperCase),
    ("PascalCase", PascalCase),
    ("camelCase", CamelCase),
    ("snake_case", SnakeCase),
    ("SCREAMING_SNAKE_CASE", ScreamingSnakeCase),
    ("kebab-case", KebabCase),
    ("SCREAMING-KEBAB-CASE", ScreamingKebabCase),
];

impl RenameRule {
    pub fn from_str(name: &str) -> Option<RenameRule> {
        RULES.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
    }

    /// The accepted names, for the error message.
    pub fn names() -> String {
        RULES
            .iter()
            .map(|(n, _)| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A variant name (PascalCase in Rust) in this convention.
    pub fn apply_to_variant(self, variant: &str) -> String {
        match self {
            PascalCase => variant.to_owned(),
            LowerCase => variant.to_ascii_lowercase(),
            UpperCase => variant.to_ascii_uppercase(),
            CamelCase => lower_first(variant),
            SnakeCase => {
                let mut snake = String::new();
                for (i, ch) in variant.char_indices() {
                    if i > 0 && ch.is_uppercase() {
                        snake.push('_');
                    }
                    snake.push(ch.to_ascii_lowercase());
                }
                snake
            }
            ScreamingSnakeCase => SnakeCase.apply_to_variant(variant).to_ascii_uppercase(),
            KebabCase => SnakeCase.apply_to_variant(variant).replace('_', "-"),
            ScreamingKebabCase => ScreamingSnakeCase
                .apply_to_variant(variant)
                .replace('_', "-"),
        }
    }

    /// A field name (snake_case in Rust) in this convention.
    pub fn apply_to_field(self, field: &str) -> String {
        match self {
            LowerCase | SnakeCase => field.to_owned(),
            UpperCase | ScreamingSnakeCase => field.to_ascii_uppercase(),
            PascalCase => {
                let mut pascal = String::new();
                let mut capitalize = true;
                for ch in field.chars() {
                    if ch == '_' {
                        capitalize = true;
                    } else if capitalize {
                        pascal.push(ch.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        pascal.push(ch);
                    }
                }
                pascal
            }
            CamelCase => lower_first(&PascalCase.apply_to_field(field)),
            KebabCase => field.replace('_', "-"),
            ScreamingKebabCase => ScreamingSnakeCase.apply_to_field(field).replace('_', "-"),
        }
    }
}

/// `name` with its first character in ASCII lowercase.
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::RenameRule;

    #[test]
    fn variants_and_fields_as_serde_renames_them() {
        let cases = [
            (
                "lowercase",
                "VeryTasty",
                "verytasty",
                "very_tasty",
                "very_tasty",
            ),
            (
                "UPPERCASE",
                "VeryTasty",
                "VERYTASTY",
                "very_tasty",
                "VERY_TASTY",
            ),
            (
                "PascalCase",
                "VeryTasty",
                "VeryTasty",
                "very_tasty",
                "VeryTasty",
            ),
            (
                "camelCase",
                "VeryTasty",
                "veryTasty",
                "very_tasty",
                "veryTasty",
            ),
            (
                "snake_case",
                "VeryTasty",
                "very_tasty",
                "very_tasty",
                "very_tasty",
            ),
            (
                "SCREAMING_SNAKE_CASE",
                "VeryTasty",
                "VERY_TASTY",
                "very_tasty",
                "VERY_TASTY",
            ),
            (
                "kebab-case",
                "VeryTasty",
                "very-tasty",
                "very_tasty",
                "very-tasty",
            ),
            (
                "SCREAMING-KEBAB-CASE",
                "VeryTasty",
                "VERY-TASTY",
                "very_tasty",
                "VERY-TASTY",
            ),
        ];
        for (rule, variant, variant_out, field, field_out) in cases {
            let rule = RenameRule::from_str(rule).unwrap();
            assert_eq!(rule.apply_to_variant(variant), variant_out, "{rule:?}");
            assert_eq!(rule.apply_to_field(field), field_out, "{rule:?}");
        }
        assert_eq!(RenameRule::from_str("Title Case"), None);
    }
}
