//! The settlement part of `claimdesk demo`: in every store, one settlement statement from the manufacturer
//! matched to the demo claims (paid in full, cut, rejected, an unknown claim number and a debit), half of it
//! received, an appeal drafted for the cut line, and the store's 拒赔问责 rule — so finance opens
//! 结算对账 and sees it working.

use claimdesk_app::actor::Actor;
use claimdesk_app::statements::{self, AppealInput, PaymentInput, RuleInput, StatementInput, StatementKind};
use claimdesk_app::warranty::{self, ClaimListQuery};
use claimdesk_app::{App, AppError};
use claimdesk_domain::Money;
use claimdesk_domain::statement::StatedLine;
use claimdesk_store::stores::StoreRow;

pub async fn load(app: &App, stores: &[StoreRow]) -> anyhow::Result<()> {
    let error = |e: AppError| anyhow::anyhow!("{e}");
    let today = claimdesk_app::clock::local_date(app.clock.now(), "Asia/Shanghai");
    for store in stores {
        let refs = crate::demo_claims::store_refs(std::slice::from_ref(store));
        let system = Actor { display_name: "demo".into(), ..Actor::system(refs) };
        let query =
            ClaimListQuery { store_id: Some(store.id.clone()), per_page: Some(200), ..ClaimListQuery::default() };
        let claims = warranty::list(app, &system, query).await.map_err(error)?.items;
        let mut lines = Vec::new();
        let mut brand = String::new();
        for listed in claims
            .iter()
            .filter(|c| matches!(c.state.as_str(), "approved" | "partly_approved" | "rejected" | "settled"))
        {
            let claim = warranty::get(app, &system, &listed.id).await.map_err(error)?;
            brand = claim.brand.clone();
            for line in &claim.lines {
                // What the manufacturer pays: its decision, except that the approved claim's part is cut by a
                // fifth on the statement (the case an appeal is for).
                let mut paid = line.approved.unwrap_or(line.amount);
                let mut reason = line.verdict_reason.clone();
                if claim.state == "approved" && line.kind == "part" {
                    paid = Money::from_fen(line.amount.fen() * 4 / 5);
                    reason = "配件价格按厂家结算价".into();
                }
                lines.push(StatedLine {
                    reference: claim.number.clone(),
                    line: line.line_no.to_string(),
                    claimed: Some(line.amount),
                    amount: paid,
                    reason,
                    ..StatedLine::default()
                });
            }
        }
        if lines.is_empty() {
            continue;
        }
        lines.push(StatedLine {
            reference: format!("WC{}9999", today.strftime("%Y%m%d")),
            line: "1".into(),
            amount: Money::yuan(180),
            reason: "他店索赔单".into(),
            ..StatedLine::default()
        });
        lines.push(StatedLine {
            amount: Money::yuan(-120),
            reason: "旧件回运缺件扣款".into(),
            ..StatedLine::default()
        });
        let number = format!("{}-{}-{}", store.code, today.strftime("%Y%m"), "JS01");
        let input = StatementInput {
            counterparty: brand,
            number,
            period: today.strftime("%Y-%m").to_string(),
            source: "excel".into(),
            file_name: "厂家结算单.xlsx".into(),
            lines,
            store_id: Some(store.id.clone()),
            ..StatementInput::default()
        };
        let statement = statements::import(app, &system, StatementKind::Settlement, input).await.map_err(error)?;
        let half = Money::from_fen(statement.confirmed.fen() / 2);
        if !half.is_zero() && !half.is_negative() {
            let payment =
                PaymentInput { amount: half.to_string(), reference: "BANK-DEMO-01".into(), ..PaymentInput::default() };
            statements::record_payment(app, &system, &statement.id, payment).await.map_err(error)?;
        }
        if let Some(line) = statement.lines.iter().find(|l| l.outcome == "cut") {
            let appeal = AppealInput {
                line_id: line.id.clone(),
                reason: "该配件按目录价申报，附采购发票与旧件照片，请按申报金额结算。".into(),
                requested: None,
            };
            statements::draft_appeal(app, &system, &statement.id, appeal).await.map_err(error)?;
        }
        let rule = RuleInput {
            advisor_percent: "20".into(),
            clerk_percent: "30".into(),
            manager_percent: "10".into(),
            store_id: Some(store.id.clone()),
            ..RuleInput::default()
        };
        statements::save_rule(app, &system, rule).await.map_err(error)?;
    }
    Ok(())
}
