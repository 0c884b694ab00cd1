//! The manufacturer's warranty settings per brand (厂家索赔政策): periods never below the legal minimum,
//! the parts warranty (配件三包期) of a part fitted under a claim, the labour rate, the filing window, the
//! pre-authorisation threshold, the mis-claim rule severities and the goodwill approval chain. Also the rows
//! of the manufacturer's catalogues as they arrive from Excel or CSV.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::sanbao::periods::{SANBAO_MIN_KM, SANBAO_MIN_MONTHS, WARRANTY_MIN_KM, WARRANTY_MIN_MONTHS};
use crate::violation::{Violation, Violations};
use crate::warranty::checks::CheckSettings;
use crate::warranty::goodwill::ApprovalLimit;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BrandSettings {
    /// 三包有效期.
    pub sanbao_months: u32,
    pub sanbao_km: u32,
    /// 包修期.
    pub warranty_months: u32,
    pub warranty_km: u32,
    /// 配件三包期: the warranty of a part replaced under a claim, from the repair.
    pub parts_warranty_months: u32,
    pub parts_warranty_km: u32,
    /// 工时单价.
    pub labor_rate: Money,
    /// A claim is filed within this many days after the handover.
    pub filing_window_days: u32,
    /// 预授权: repairs above this amount need the manufacturer's approval first (zero: never).
    pub preauth_threshold: Money,
    /// 预授权: labour operations the manufacturer names, which need its approval whatever the amount.
    pub preauth_operations: Vec<String>,
    pub checks: CheckSettings,
    pub goodwill_chain: Vec<ApprovalLimit>,
}

impl Default for BrandSettings {
    fn default() -> Self {
        BrandSettings {
            sanbao_months: SANBAO_MIN_MONTHS,
            sanbao_km: SANBAO_MIN_KM,
            warranty_months: WARRANTY_MIN_MONTHS,
            warranty_km: WARRANTY_MIN_KM,
            parts_warranty_months: 12,
            parts_warranty_km: 20_000,
            labor_rate: Money::yuan(150),
            filing_window_days: 30,
            preauth_threshold: Money::yuan(5_000),
            preauth_operations: Vec::new(),
            checks: CheckSettings::default(),
            goodwill_chain: Vec::new(),
        }
    }
}

fn at_least(violations: &mut Violations, field: &str, value: u32, min: u32, max: u32) {
    if value < min {
        violations.push(Violation::new(field, "warranty_below_legal_minimum").with("min", min).with("found", value));
    } else if value > max {
        violations.push(Violation::new(field, "out_of_range").with("min", min).with("max", max));
    }
}

fn within(violations: &mut Violations, field: &str, value: u32, min: u32, max: u32) {
    if value < min || value > max {
        violations.push(Violation::new(field, "out_of_range").with("min", min).with("max", max));
    }
}

/// Checks the settings: the periods never fall below the 2021 Art 18 minimum (a manufacturer may promise
/// more, Art 4 ¶2), and every figure lies in a sensible range.
pub fn validate(settings: &BrandSettings) -> Result<(), Violations> {
    let mut violations = Violations::new();
    at_least(&mut violations, "sanbao_months", settings.sanbao_months, SANBAO_MIN_MONTHS, 1_200);
    at_least(&mut violations, "sanbao_km", settings.sanbao_km, SANBAO_MIN_KM, 10_000_000);
    at_least(&mut violations, "warranty_months", settings.warranty_months, WARRANTY_MIN_MONTHS, 1_200);
    at_least(&mut violations, "warranty_km", settings.warranty_km, WARRANTY_MIN_KM, 10_000_000);
    within(&mut violations, "parts_warranty_months", settings.parts_warranty_months, 1, 1_200);
    within(&mut violations, "parts_warranty_km", settings.parts_warranty_km, 1, 10_000_000);
    within(&mut violations, "filing_window_days", settings.filing_window_days, 1, 366);
    if settings.labor_rate.is_negative() || settings.labor_rate.is_zero() {
        violations.push(Violation::new("labor_rate", "out_of_range").with("min", "0.01").with("max", "—"));
    }
    if settings.preauth_threshold.is_negative() {
        violations.push(Violation::new("preauth_threshold", "out_of_range").with("min", 0).with("max", "—"));
    }
    for (field, days) in [
        ("checks.duplicate_window_days", settings.checks.duplicate_window_days),
        ("checks.accident_window_days", settings.checks.accident_window_days),
    ] {
        if !(0..=3_650).contains(&days) {
            violations.push(Violation::new(field, "out_of_range").with("min", 0).with("max", 3_650));
        }
    }
    for (index, op) in settings.preauth_operations.iter().enumerate() {
        if op.trim().is_empty() || op.len() > 40 {
            violations.push(Violation::new(format!("preauth_operations[{index}]"), "required"));
        }
    }
    for (index, limit) in settings.goodwill_chain.iter().enumerate() {
        if limit.role.trim().is_empty() {
            violations.push(Violation::new(format!("goodwill_chain[{index}].role"), "required"));
        } else if crate::access::Role::parse(limit.role.trim()).is_none() {
            violations.push(
                Violation::new(format!("goodwill_chain[{index}].role"), "unknown_value").with("detail", &limit.role),
            );
        }
        if limit.up_to.is_negative() {
            violations.push(
                Violation::new(format!("goodwill_chain[{index}].up_to"), "out_of_range")
                    .with("min", 0)
                    .with("max", "—"),
            );
        }
    }
    violations.finish(|| ())
}

/// Whether a repair of this amount needs the manufacturer's pre-authorisation (预授权).
pub fn needs_preauthorisation(settings: &BrandSettings, total: Money) -> bool {
    !settings.preauth_threshold.is_zero() && total > settings.preauth_threshold
}

/// Why a warranty repair needs the manufacturer's approval before work starts: its amount is above the
/// threshold (`preauth_above_threshold`), or it holds operations the manufacturer names
/// (`preauth_named_operation`, one per operation). Empty: the work may start without it.
pub fn preauth_reasons(settings: &BrandSettings, total: Money, operations: &[String]) -> Vec<Violation> {
    let mut reasons = Vec::new();
    if needs_preauthorisation(settings, total) {
        reasons.push(
            Violation::new("amount", "preauth_above_threshold")
                .with("amount", total)
                .with("threshold", settings.preauth_threshold),
        );
    }
    let named = |code: &str| settings.preauth_operations.iter().any(|op| op.trim().eq_ignore_ascii_case(code.trim()));
    let mut seen: Vec<&str> = Vec::new();
    for code in operations.iter().map(String::as_str) {
        if !code.trim().is_empty() && named(code) && !seen.contains(&code) {
            seen.push(code);
            reasons.push(Violation::new("operations", "preauth_named_operation").with("operation", code.trim()));
        }
    }
    reasons
}

/// A part of the manufacturer's parts catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CataloguePart {
    pub part_no: String,
    pub name: String,
    pub price: Money,
    #[serde(default)]
    pub wear_part: bool,
    #[serde(default)]
    pub area: String,
}

/// Reads catalogue rows `part no, name, price[, wear part, area]` as they come from a sheet or a CSV file.
/// A first row whose price cell is not a number is a header and skipped. Part numbers are upper-cased and
/// stripped of spaces. Bad rows are reported as `rows[N].column` with N the row number in the file (from 1),
/// so a clerk finds them in Excel; good rows are kept.
pub fn parse_catalogue(rows: &[Vec<String>]) -> (Vec<CataloguePart>, Violations) {
    let mut parts = Vec::with_capacity(rows.len());
    let mut violations = Violations::new();
    for (index, row) in rows.iter().enumerate() {
        let cell = |column: usize| row.get(column).map(|text| text.trim()).unwrap_or("");
        if row.iter().all(|text| text.trim().is_empty()) {
            continue;
        }
        let price_text = cell(2).trim_start_matches(['¥', '￥']).replace(',', "");
        if index == 0 && price_text.parse::<Decimal>().is_err() {
            continue;
        }
        let at = |column: &str| format!("rows[{}].{column}", index + 1);
        let part_no: String = cell(0).chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        if part_no.is_empty() {
            violations.push(Violation::new(at("part_no"), "required"));
            continue;
        }
        let price = match price_text.parse::<Decimal>() {
            Ok(value) if !value.is_sign_negative() => Money::round(value),
            _ => {
                violations.push(Violation::new(at("price"), "money_format").with("found", cell(2)));
                continue;
            }
        };
        let wear_part = matches!(cell(3).to_lowercase().as_str(), "1" | "y" | "yes" | "true" | "是");
        parts.push(CataloguePart { part_no, name: cell(1).to_string(), price, wear_part, area: cell(4).to_string() });
    }
    (parts, violations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_periods_below_the_law_are_refused() {
        assert!(validate(&BrandSettings::default()).is_ok());
        let short = BrandSettings { sanbao_months: 12, warranty_km: 50_000, ..BrandSettings::default() };
        let errors = validate(&short).unwrap_err();
        let found: Vec<_> = errors.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert_eq!(
            found,
            vec![("sanbao_months", "warranty_below_legal_minimum"), ("warranty_km", "warranty_below_legal_minimum")]
        );
        let generous = BrandSettings { warranty_months: 60, warranty_km: 150_000, ..BrandSettings::default() };
        assert!(validate(&generous).is_ok());
    }

    #[test]
    fn a_zero_labour_rate_is_refused() {
        let free = BrandSettings { labor_rate: Money::ZERO, ..BrandSettings::default() };
        assert_eq!(validate(&free).unwrap_err().0[0].field, "labor_rate");
    }

    #[test]
    fn pre_authorisation_above_the_threshold_only() {
        let settings = BrandSettings::default();
        assert!(!needs_preauthorisation(&settings, Money::yuan(5_000)));
        assert!(needs_preauthorisation(&settings, Money::parse("t", "5000.01").unwrap()));
        let never = BrandSettings { preauth_threshold: Money::ZERO, ..settings };
        assert!(!needs_preauthorisation(&never, Money::yuan(1_000_000)));
    }

    #[test]
    fn pre_authorisation_names_the_amount_and_each_named_operation_once() {
        let settings = BrandSettings { preauth_operations: vec!["51-01".into()], ..BrandSettings::default() };
        let ops = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert!(preauth_reasons(&settings, Money::yuan(4_000), &ops(&["10-01"])).is_empty());
        let reasons = preauth_reasons(&settings, Money::yuan(6_000), &ops(&["51-01", "10-01", "51-01"]));
        let codes: Vec<_> = reasons.iter().map(|r| r.code).collect();
        assert_eq!(codes, vec!["preauth_above_threshold", "preauth_named_operation"]);
        assert_eq!(reasons[1].params.get("operation").map(String::as_str), Some("51-01"));
        let never = BrandSettings { preauth_threshold: Money::ZERO, ..settings };
        assert_eq!(preauth_reasons(&never, Money::yuan(60_000), &ops(&["51-01"])).len(), 1);
        let blank = BrandSettings { preauth_operations: vec![" ".into()], ..BrandSettings::default() };
        assert_eq!(validate(&blank).unwrap_err().0[0].field, "preauth_operations[0]");
    }

    #[test]
    fn catalogue_rows_skip_the_header_and_report_bad_rows_by_line() {
        let rows: Vec<Vec<String>> = [
            vec!["配件号", "名称", "价格"],
            vec!["15400-rta-003", "机油滤清器", "45.5"],
            vec!["", "无号", "1"],
            vec!["A2", "刹车片", "abc"],
            vec!["A 3", "火花塞", "¥1,280.00", "是", "engine"],
        ]
        .iter()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect();
        let (parts, errors) = parse_catalogue(&rows);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].part_no, "15400-RTA-003");
        assert_eq!(parts[0].price.to_string(), "45.50");
        assert_eq!((parts[1].part_no.as_str(), parts[1].price.to_string()), ("A3", "1280.00".to_string()));
        assert!(parts[1].wear_part);
        let fields: Vec<_> = errors.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, vec!["rows[3].part_no", "rows[4].price"]);
    }
}
