//! Scan reports as text for people, JSON for tools, SARIF for code
//! scanning dashboards.

mod json;
mod sarif;
mod text;

pub use json::to_json;
pub use sarif::to_sarif;
pub use text::render as to_text;
