//! The calendar as rules: period ends and working-day deadlines, for the CLI, API and docs.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::calendar::{self, WorkCalendar};
use crate::rules::{RuleDef, run};
use crate::violation::{Violation, Violations};

pub static RULES: &[RuleDef] = &[
    RuleDef {
        name: "period-end",
        summary_zh: "期间届满日：起算日不计入（民法典第201条），按月按年以对应日为末日（第202条）",
        summary_en: "Last day of a period: the start day is not counted (Civil Code Art 201); months and years end on the matching date (Art 202)",
        basis: "民法典 Art 201, 202, 1259",
        example: r#"{"start": "2024-03-01", "days": 60}"#,
        eval: period_end,
    },
    RuleDef {
        name: "working-days",
        summary_zh: "工作日期限：按国务院办公厅放假通知（含调休上班日）计算",
        summary_en: "Working-day deadline from the State Council holiday notices (make-up working days included)",
        basis: "国办发明电 holiday notices; 民法典 Art 201",
        example: r#"{"start": "2024-05-13", "working_days": 10}"#,
        eval: working_days,
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodInput {
    start: Date,
    #[serde(default)]
    days: Option<i64>,
    #[serde(default)]
    months: Option<i64>,
    #[serde(default)]
    years: Option<i64>,
}

#[derive(Serialize)]
struct PeriodOutput {
    start: Date,
    last_day: Date,
    basis: &'static [&'static str],
}

fn period_end(input: Value) -> Result<Value, Violations> {
    run(input, |input: PeriodInput| {
        let last_day = match (input.days, input.months, input.years) {
            (Some(days), None, None) if (0..=36_500).contains(&days) => {
                calendar::last_day_after_days(input.start, days)
            }
            (None, Some(months), None) if (0..=1_200).contains(&months) => {
                calendar::last_day_after_months(input.start, months)
            }
            (None, None, Some(years)) if (0..=100).contains(&years) => {
                calendar::last_day_after_years(input.start, years)
            }
            _ => return Err(Violation::new("days", "period_length").into()),
        };
        Ok(PeriodOutput { start: input.start, last_day, basis: &["民法典 Art 201", "民法典 Art 202"] })
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkingDaysInput {
    start: Date,
    working_days: u32,
}

#[derive(Serialize)]
struct WorkingDaysOutput {
    start: Date,
    due: Date,
}

fn working_days(input: Value) -> Result<Value, Violations> {
    run(input, |input: WorkingDaysInput| {
        if input.working_days > 3_650 {
            return Err(Violation::new("working_days", "out_of_range").with("max", 3_650).into());
        }
        let due = WorkCalendar::current().add_working_days(input.start, input.working_days)?;
        Ok(WorkingDaysOutput { start: input.start, due })
    })
}
