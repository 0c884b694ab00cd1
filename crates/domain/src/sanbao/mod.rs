//! The 三包 engine: 《家用汽车产品修理更换退货责任规定》, the 2013 (AQSIQ order No. 150) and 2021 (SAMR
//! order No. 43) versions.
//!
//! - [`version`]: which version applies (by the period start) and each provision's article.
//! - [`periods`]: the vehicle, its terms and the periods (2021 Art 18, 29).
//! - [`assess`]: one request against the periods and the repair history (Art 19–24, 27, 32).
//! - [`history`]: the Art 24 counts.
//! - [`repair_time`]: single repair time (Art 40) and the spare car (Art 21).
//! - [`compensation`]: use compensation (Art 27) and the seller's refund of losses (Art 26).
//! - [`deadlines`]: the dealer's reply and completion deadlines (Art 28).
//! - [`watch`]: how close the history stands to an Art 24 ground, and a request's entitlement.
//!
//! Everything here is pure: "today" is the request date the caller passes in. Answers carry reason codes
//! with the article they rest on; the words live in `crates/web/messages/sanbao.toml`.

pub mod assess;
pub mod compensation;
pub mod deadlines;
pub mod history;
pub mod periods;
pub mod reason;
pub mod repair_time;
mod rules;
pub mod system;
pub mod version;
pub mod watch;

pub use assess::{AssessInput, Assessment, Decision, DecisionKind, Fault, Remedy, RemedyKind, Request, assess};
pub use compensation::{
    Rate, ReplacementGround, SellerRefundInput, UseCompensationInput, seller_refund, use_compensation,
};
pub use deadlines::{DeadlinesInput, deadlines};
pub use history::{RepairAction, RepairRecord};
pub use periods::{Periods, Terms, Vehicle, periods};
pub use reason::Reason;
pub use repair_time::{RepairDaysInput, SpareCarInput, repair_time, spare_car};
pub use system::{SafetyFailure, System};
pub use version::Version;

use crate::rules::RuleDef;

pub static RULES: &[RuleDef] = &[
    RuleDef {
        name: "sanbao-periods",
        summary_zh: "三包有效期与包修期：起算日、届满日与里程上限（以先到者为准）",
        summary_en: "三包 and repair-warranty periods: start, last days and mileage limits (whichever comes first)",
        basis: "2021 Art 18, 29; 2013 Art 17, 27; 民法典 Art 201, 202, 1259",
        example: r#"{"vehicle": {"invoice_date": "2022-06-15"}, "at": {"date": "2024-06-15", "odometer_km": 30000}}"#,
        eval: rules::periods_rule,
    },
    RuleDef {
        name: "sanbao-assess",
        summary_zh: "三包申请评估：修理、更换总成、换车或退车，依据维修记录计数",
        summary_en: "Assess a 三包 request: repair, assembly replacement, replacement car or return, from the repair history",
        basis: "2021 Art 18–24, 27, 32, 40; 2013 Art 17–21, 25, 30",
        example: r#"{"vehicle": {"invoice_date": "2024-03-01"}, "request": {"date": "2024-03-06", "odometer_km": 320, "fault": {"system": "transmission", "main_part": true, "needs_replacement": true}}}"#,
        eval: rules::assess_rule,
    },
    RuleDef {
        name: "sanbao-repair-days",
        summary_zh: "单次修理时间：每满24小时计1日，余下不足24小时的以1日计",
        summary_en: "Single repair time: each full 24 h is a day and a remainder counts as one day",
        basis: "2021 Art 40",
        example: r#"{"agreed_at": "2024-05-06T09:00", "completed_at": "2024-05-08T10:00"}"#,
        eval: rules::repair_days_rule,
    },
    RuleDef {
        name: "sanbao-spare-car",
        summary_zh: "包修期内单次修理超过5日：自第6日起提供备用车或交通费用补偿",
        summary_en: "A single repair over 5 days in the repair warranty: spare car or transport compensation from day 6",
        basis: "2021 Art 21; 2013 Art 19",
        example: r#"{"vehicle": {"invoice_date": "2024-01-10"}, "repair": {"agreed_at": "2024-05-06T09:00", "completed_at": "2024-05-13T08:00", "odometer_km": 8000}}"#,
        eval: rules::spare_car_rule,
    },
    RuleDef {
        name: "sanbao-use-compensation",
        summary_zh: "换车或退车的使用补偿费：车价款×行驶里程/1000×n",
        summary_en: "Use compensation on a replacement or return: price × km / 1000 × n",
        basis: "2021 Art 27; 2013 Art 25",
        example: r#"{"period_start": "2024-01-05", "ground": "sanbao_period", "price": "200000.00", "mileage_km": 10000, "n": "0.5"}"#,
        eval: rules::use_compensation_rule,
    },
    RuleDef {
        name: "sanbao-seller-refund",
        summary_zh: "换车或退车时销售者赔偿的损失：车辆登记费、服务费、加装装饰费用扣除折旧",
        summary_en: "Losses the seller pays on a replacement or return: registration, service fees, add-ons less depreciation",
        basis: "2021 Art 26",
        example: r#"{"registration_fee": "500.00", "service_fees": ["1000.00"], "add_ons": [{"charged": "3000.00", "depreciation": "600.00"}]}"#,
        eval: rules::seller_refund_rule,
    },
    RuleDef {
        name: "sanbao-deadlines",
        summary_zh: "换车退车申请：10个工作日内答复，20个工作日内完成",
        summary_en: "Replacement or return request: reply within 10 and finish within 20 working days",
        basis: "2021 Art 28",
        example: r#"{"received_on": "2024-05-13"}"#,
        eval: rules::deadlines_rule,
    },
];

#[cfg(test)]
mod tests;
