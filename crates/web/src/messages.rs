//! The message catalogues: every word the pages and error messages use, in Chinese and English, keyed by
//! violation code or by "area.name". Chinese is the default.

use claimdesk_domain::Violation;
use std::collections::HashMap;
use std::sync::OnceLock;

mod files {
    include!(concat!(env!("OUT_DIR"), "/message_files.rs"));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    Zh,
    En,
}

impl Locale {
    pub fn parse(text: &str) -> Locale {
        if text.starts_with("en") { Locale::En } else { Locale::Zh }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }
}

#[derive(Debug, Default)]
pub struct Catalog {
    entries: HashMap<String, [String; 2]>,
}

static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// Violation parameters whose values are codes with words of their own under `{name}.{value}`.
const WORDED_PARAMS: [&str; 1] = ["role"];

impl Catalog {
    pub fn get() -> &'static Catalog {
        CATALOG.get_or_init(|| Catalog::parse(files::FILES).expect("message catalogues parse"))
    }

    /// Reads `[key] zh = "…" en = "…"` tables; a key may appear in only one file.
    pub fn parse(files: &[(&str, &str)]) -> Result<Catalog, String> {
        let mut entries = HashMap::new();
        for (name, text) in files {
            let table: toml::Table = toml::from_str(text).map_err(|e| format!("{name}.toml: {e}"))?;
            for (key, value) in table {
                let zh = value.get("zh").and_then(|v| v.as_str());
                let en = value.get("en").and_then(|v| v.as_str());
                let (Some(zh), Some(en)) = (zh, en) else {
                    return Err(format!("{name}.toml: {key} lacks zh or en"));
                };
                if entries.insert(key.clone(), [zh.to_string(), en.to_string()]).is_some() {
                    return Err(format!("{name}.toml: {key} is defined twice"));
                }
            }
        }
        Ok(Catalog { entries })
    }

    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The text for a key; an unknown key shows itself, so a gap is visible rather than blank.
    pub fn text<'a>(&'a self, locale: Locale, key: &'a str) -> &'a str {
        self.entry(locale, key).unwrap_or(key)
    }

    fn entry(&self, locale: Locale, key: &str) -> Option<&str> {
        self.entries.get(key).map(|[zh, en]| match locale {
            Locale::Zh => zh.as_str(),
            Locale::En => en.as_str(),
        })
    }

    /// The text with `{name}` placeholders filled in.
    pub fn format<'a>(
        &self,
        locale: Locale,
        key: &str,
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> String {
        let mut text = self.text(locale, key).to_string();
        for (name, value) in params {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The violation's words. A parameter named in [`WORDED_PARAMS`] holds a code (a role, …): it shows as
    /// that code's words (`role.supervisor` → 业务主管/服务经理), and as itself only when it has none.
    pub fn violation(&self, locale: Locale, violation: &Violation) -> String {
        let params: Vec<(&str, &str)> = violation
            .params
            .iter()
            .map(|(name, value)| {
                let worded = WORDED_PARAMS.contains(name).then(|| self.entry(locale, &format!("{name}.{value}")));
                (*name, worded.flatten().unwrap_or(value.as_str()))
            })
            .collect();
        self.format(locale, violation.code, params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_parses_with_both_languages() {
        let catalog = Catalog::get();
        assert!(catalog.contains("vin_check_digit"));
        assert_eq!(catalog.text(Locale::Zh, "nav.worklist"), "我的待办");
        assert_eq!(catalog.text(Locale::En, "nav.worklist"), "My worklist");
    }

    #[test]
    fn placeholders_are_filled() {
        let violation = Violation::new("vin", "vin_check_digit").with("expected", "5").with("found", "3");
        let catalog = Catalog::get();
        assert_eq!(catalog.violation(Locale::Zh, &violation), "VIN 第9位校验位应为 5，实际为 3");
        assert_eq!(catalog.violation(Locale::En, &violation), "VIN check digit (position 9) should be 5, found 3");
    }

    /// A role in a violation shows as its name, as on the chain it belongs to.
    #[test]
    fn a_role_parameter_shows_the_role_s_name() {
        let catalog = Catalog::get();
        let waiting = Violation::new("goodwill", "goodwill_approval_missing").with("role", "supervisor");
        assert_eq!(catalog.violation(Locale::Zh, &waiting), "善意索赔尚未审批完毕：等待业务主管/服务经理审批");
        assert_eq!(
            catalog.violation(Locale::En, &waiting),
            "The goodwill claim is not fully approved: waiting for the Supervisor / service manager"
        );
        let refused = Violation::new("goodwill", "goodwill_refused").with("role", "group_admin");
        assert_eq!(catalog.violation(Locale::Zh, &refused), "善意索赔已被集团管理员拒绝，不能提交");
        // A value without words (a role a newer chain names) still shows rather than vanishing.
        let unknown = Violation::new("goodwill", "goodwill_refused").with("role", "regional_manager");
        assert_eq!(catalog.violation(Locale::Zh, &unknown), "善意索赔已被regional_manager拒绝，不能提交");
    }

    /// Every violation code written in the source has words in both languages.
    #[test]
    fn every_code_in_the_source_has_a_message() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut missing = Vec::new();
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if !path.ends_with("target") {
                        stack.push(path);
                    }
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for code in codes_in(&text) {
                        if !Catalog::get().contains(&code) {
                            missing.push(format!("{code} ({})", path.display()));
                        }
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "codes without messages:\n{}", missing.join("\n"));
    }

    /// Every code a rule's worked example answers with has words in both languages.
    #[test]
    fn every_rule_example_is_fully_worded() {
        for rule in claimdesk_domain::rules::all() {
            let example: serde_json::Value = serde_json::from_str(rule.example).unwrap();
            let output = crate::rules::eval(rule.name, example).unwrap_or_else(|error| error);
            let mut missing = Vec::new();
            unworded(&output, &mut missing);
            assert!(missing.is_empty(), "{}: codes without words: {missing:?}", rule.name);
        }
    }

    fn unworded(value: &serde_json::Value, missing: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(code) = map.get("code").and_then(|c| c.as_str())
                    && !map.contains_key("message_zh")
                {
                    missing.push(code.to_string());
                }
                map.values().for_each(|child| unworded(child, missing));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|child| unworded(child, missing)),
            _ => {}
        }
    }

    /// The code argument (the second) of every call to the violation constructor.
    fn codes_in(text: &str) -> Vec<String> {
        let mut codes = Vec::new();
        for (index, _) in text.match_indices("Violation::new(") {
            let rest = &text[index + "Violation::new(".len()..];
            let Some(close) = find_call_end(rest) else { continue };
            let args = &rest[..close];
            if let Some(comma) = top_level_comma(args) {
                let second = args[comma + 1..].trim();
                if let Some(code) = second.strip_prefix('"').and_then(|s| s.split('"').next())
                    && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    codes.push(code.to_string());
                }
            }
        }
        codes
    }

    fn find_call_end(text: &str) -> Option<usize> {
        let mut depth = 0;
        for (i, c) in text.char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => return Some(i),
                ')' => depth -= 1,
                _ => {}
            }
        }
        None
    }

    fn top_level_comma(text: &str) -> Option<usize> {
        let mut depth = 0;
        for (i, c) in text.char_indices() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => return Some(i),
                _ => {}
            }
        }
        None
    }
}
