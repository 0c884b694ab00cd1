//! Settlement and reconciliation on both databases: a manufacturer's statement file matched line by line to
//! the claims (paid, cut, rejected, unknown, missing, debit), an appeal of a cut line, payments and invoices
//! held to what was confirmed, the monthly check of repair orders against claims, income by kind, aging,
//! 拒赔问责; and an insurer's commission statement matched to the policies sold.

use std::collections::BTreeMap;

use claimdesk_app::AppError;
use claimdesk_app::actor::Actor;
use claimdesk_app::insurance::policies::{self, NewPolicy};
use claimdesk_app::repair_orders::{self, RepairOrderView};
use claimdesk_app::statements::{
    self, AppealInput, InvoiceInput, PaymentInput, RuleInput, StatementInput, StatementKind, StatementListQuery,
};
use claimdesk_app::warranty::{self, ActionInput, ClaimView};
use claimdesk_domain::access::Role;
use claimdesk_domain::warranty::decision::LineVerdict;
use claimdesk_domain::warranty::lines::LineInput;

use crate::helpers::{World, backends, fields, has};
use crate::services::claims::{claim_input, set_up_brand, warranty_order};
use crate::services::insurance::{insurer_with_rates, policy_input};

fn sheet(text: &str) -> Vec<Vec<String>> {
    text.lines().map(|line| line.split(',').map(str::to_string).collect()).collect()
}

async fn handed_over(world: &World, clerk: &Actor, serial: u32) -> RepairOrderView {
    let order = warranty_order(world, clerk, serial).await;
    for action in ["start", "complete", "hand_over"] {
        repair_orders::transition(&world.app, clerk, &order.id, action).await.expect(action);
    }
    order
}

/// A submitted claim of 300.00 labour (line 1) and 100.00 for the causal part (line 2).
async fn submitted_claim(world: &World, clerk: &Actor, serial: u32) -> ClaimView {
    let order = handed_over(world, clerk, serial).await;
    let mut input = claim_input(&order);
    let mut lines: Vec<LineInput> =
        warranty::draft_from_order(&world.app, clerk, &order.id).await.unwrap().lines.unwrap();
    lines[0].hours = Some("2".into());
    lines[1].unit_price = None;
    input.lines = Some(lines);
    let claim = warranty::create(&world.app, clerk, input).await.expect("claim");
    assert!(warranty::check(&world.app, clerk, &claim.id, BTreeMap::new()).await.unwrap().passed);
    warranty::act(&world.app, clerk, &claim.id, "submit", ActionInput::default()).await.expect("submit")
}

fn input(number: &str, rows: &str) -> StatementInput {
    StatementInput {
        counterparty: "广汽本田".into(),
        number: number.into(),
        period: "2024-05".into(),
        source: "csv".into(),
        file_name: "settlement.csv".into(),
        lines: statements::lines_from_rows(StatementKind::Settlement, &sheet(rows)).expect("lines"),
        ..StatementInput::default()
    }
}

#[tokio::test]
async fn a_settlement_statement_is_matched_appealed_paid_and_invoiced() {
    for which in backends() {
        let world = World::new(which).await;
        set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let finance = world.person("bj01.finance", Some(&world.store_a), Role::Finance).await;
        let paid = submitted_claim(&world, &clerk, 601).await;
        let cut = submitted_claim(&world, &clerk, 602).await;
        let partial = submitted_claim(&world, &clerk, 603).await;
        let approved = submitted_claim(&world, &clerk, 604).await;
        handed_over(&world, &clerk, 605).await;
        warranty::act(
            &world.app,
            &clerk,
            &approved.id,
            "decide",
            ActionInput { lines: vec![LineVerdict::Approved, LineVerdict::Approved], ..ActionInput::default() },
        )
        .await
        .expect("decide");

        // A bad sheet names the row and the column.
        let bad = statements::lines_from_rows(StatementKind::Settlement, &sheet("索赔单号,结算金额\nWC1,12.345"));
        assert!(has(&fields(bad), "rows[2].amount", "money_precision"), "{which:?}");

        let rows = format!(
            "索赔单号,行号,申请金额,结算金额,原因\n{p},1,300,300,\n{p},2,100,100,\n{c},1,300,200.00,工时超标准\n{c},2,100,0,非质量问题\nWC20990101,1,50,50,\n{q},1,300,300,\n,,,-80,旧件未回运",
            p = paid.number,
            c = cut.number,
            q = partial.number
        );
        let refused =
            statements::import(&world.app, &clerk, StatementKind::Settlement, input("GAH-202405", &rows)).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{which:?}: the clerk is not finance");
        let statement = statements::import(&world.app, &finance, StatementKind::Settlement, input("gah-202405", &rows))
            .await
            .expect("import");
        assert_eq!(statement.number, "GAH-202405");
        let outcomes: Vec<(&str, &str)> =
            statement.lines.iter().map(|l| (l.reference.as_str(), l.outcome.as_str())).collect();
        assert_eq!(
            outcomes,
            vec![
                (paid.number.as_str(), "paid"),
                (paid.number.as_str(), "paid"),
                (cut.number.as_str(), "cut"),
                (cut.number.as_str(), "rejected"),
                ("WC20990101", "unknown"),
                (partial.number.as_str(), "paid"),
                ("", "debit"),
                (partial.number.as_str(), "missing"),
            ],
            "{which:?}"
        );
        assert_eq!(statement.lines[2].reason, "工时超标准");
        assert_eq!(statement.lines[2].subject_id.as_deref(), Some(cut.id.as_str()));
        assert_eq!(statement.expected.to_string(), "1200.00", "{which:?}");
        assert_eq!(statement.stated.to_string(), "870.00", "{which:?}");
        // Unknown lines are not confirmed; the debit takes money back.
        assert_eq!(statement.confirmed.to_string(), "820.00", "{which:?}");
        assert_eq!(statement.totals["cut"].lines, 1);
        assert!(statement.lines[2].appealable && !statement.lines[0].appealable);

        let again =
            statements::import(&world.app, &finance, StatementKind::Settlement, input("GAH-202405", &rows)).await;
        assert!(has(&fields(again), "number", "statement_number_taken"), "{which:?}");

        // The appeal of the cut line: drafted with the facts, one open appeal per line.
        let draft =
            statements::appeal_draft(&world.app, &finance, &statement.id, &statement.lines[2].id).await.unwrap();
        assert_eq!(draft.requested.to_string(), "100.00");
        assert_eq!(draft.symptom, "发动机抖动，故障灯亮");
        let not_cut = statements::appeal_draft(&world.app, &finance, &statement.id, &statement.lines[0].id).await;
        assert!(matches!(not_cut, Err(AppError::Conflict("not_appealable"))), "{which:?}");
        let appeal_input = |requested: Option<&str>| AppealInput {
            line_id: statement.lines[2].id.clone(),
            reason: "工时按厂家标准工时申报，随附诊断记录".into(),
            requested: requested.map(str::to_string),
        };
        let too_much =
            statements::draft_appeal(&world.app, &finance, &statement.id, appeal_input(Some("100.01"))).await;
        assert!(has(&fields(too_much), "requested", "appeal_amount_range"), "{which:?}");
        let appeal = statements::draft_appeal(&world.app, &finance, &statement.id, appeal_input(None)).await.unwrap();
        assert_eq!((appeal.state.as_str(), appeal.requested.to_string().as_str()), ("draft", "100.00"));
        assert!(appeal.number.starts_with("AP20240513"), "{}", appeal.number);
        let twice = statements::draft_appeal(&world.app, &finance, &statement.id, appeal_input(None)).await;
        assert!(has(&fields(twice), "line_id", "appeal_open"), "{which:?}");
        statements::act_on_appeal(&world.app, &finance, &appeal.id, "submit", None).await.unwrap();
        let early = statements::act_on_appeal(&world.app, &finance, &appeal.id, "submit", None).await;
        assert!(matches!(early, Err(AppError::Conflict(_))), "{which:?}");
        let granted =
            statements::act_on_appeal(&world.app, &finance, &appeal.id, "grant", Some("60".into())).await.unwrap();
        assert_eq!(granted.granted.map(|m| m.to_string()).as_deref(), Some("60.00"));
        let shown = statements::get(&world.app, &finance, StatementKind::Settlement, &statement.id).await.unwrap();
        assert_eq!(shown.lines[2].appeal_id.as_deref(), Some(appeal.id.as_str()));

        // Payments up to what is open; invoices up to what was confirmed.
        let payment = |amount: &str| PaymentInput {
            amount: amount.into(),
            reference: "BANK-1".into(),
            ..PaymentInput::default()
        };
        let over = statements::record_payment(&world.app, &finance, &statement.id, payment("820.01")).await;
        assert!(has(&fields(over), "amount", "payment_above_open"), "{which:?}");
        let after = statements::record_payment(&world.app, &finance, &statement.id, payment("500")).await.unwrap();
        assert_eq!((after.received.to_string(), after.open.to_string()), ("500.00".into(), "320.00".into()));
        let invoice = |no: &str, amount: &str| InvoiceInput {
            invoice_no: no.into(),
            amount: amount.into(),
            ..InvoiceInput::default()
        };
        let above = statements::issue_invoice(&world.app, &finance, &statement.id, invoice("FP001", "870.00")).await;
        assert!(has(&fields(above), "amount", "invoice_above_confirmed"), "{which:?}");
        let invoiced =
            statements::issue_invoice(&world.app, &finance, &statement.id, invoice("FP001", "820.00")).await.unwrap();
        assert_eq!(invoiced.invoiced.to_string(), "820.00");
        let more = statements::issue_invoice(&world.app, &finance, &statement.id, invoice("FP002", "0.01")).await;
        assert!(has(&fields(more), "amount", "invoice_above_confirmed"), "{which:?}");

        // Another store's finance sees nothing; the clerk may not read statements.
        let other = world.person("sh01.finance", Some(&world.store_b), Role::Finance).await;
        let hidden = statements::get(&world.app, &other, StatementKind::Settlement, &statement.id).await;
        assert!(matches!(hidden, Err(AppError::NotFound)), "{which:?}");
        let listed =
            statements::list(&world.app, &clerk, StatementKind::Settlement, StatementListQuery::default()).await;
        assert!(matches!(listed, Err(AppError::Forbidden)), "{which:?}");
        let open = statements::list(
            &world.app,
            &finance,
            StatementKind::Settlement,
            StatementListQuery { open: Some(true), ..StatementListQuery::default() },
        )
        .await
        .unwrap();
        assert_eq!(open.total, 1, "{which:?}");

        // The month: the order without a claim, and every claim's lines against its order (375/120 on the
        // order, 300/100 claimed).
        let check = statements::check(&world.app, &finance, "2024-05", None).await.unwrap();
        assert_eq!(check.unclaimed.len(), 1, "{which:?}");
        assert_eq!(check.unclaimed[0].amount.to_string(), "495.00");
        assert_eq!(check.differences.len(), 8, "{which:?}: {:?}", check.differences);
        assert!(check.differences.iter().all(|d| d.difference == "amount_differs"));

        let income = statements::income(&world.app, &finance, "2024-05", None).await.unwrap();
        assert_eq!(income.total.claims, 1, "{which:?}");
        assert_eq!(income.total.labor_approved.to_string(), "300.00");
        assert_eq!(income.total.parts_approved.to_string(), "100.00");
        assert_eq!(income.lines[0].claim_kind, "repair");

        let aging = statements::aging(&world.app, &finance, None).await.unwrap();
        assert_eq!(aging.len(), 1, "{which:?}");
        assert_eq!(aging[0].on_statements.to_string(), "320.00");
        assert_eq!(
            aging[0].not_on_statements.to_string(),
            "400.00",
            "{which:?}: the decided claim not yet on a statement"
        );
        assert_eq!(aging[0].buckets[0].to_string(), "720.00");

        // 拒赔问责: 100.00 cut and 100.00 rejected, 20 % to the advisor and 30 % to the clerk.
        let over_100 = statements::save_rule(
            &world.app,
            &finance,
            RuleInput { advisor_percent: "80".into(), clerk_percent: "30".into(), ..RuleInput::default() },
        )
        .await;
        assert!(has(&fields(over_100), "advisor_percent", "accountability_over_100"), "{which:?}");
        statements::save_rule(
            &world.app,
            &finance,
            RuleInput { advisor_percent: "20".into(), clerk_percent: "30".into(), ..RuleInput::default() },
        )
        .await
        .expect("rule");
        let report = statements::accountability(&world.app, &finance, "2024-05", None).await.unwrap();
        assert_eq!(report.loss.to_string(), "200.00", "{which:?}");
        assert_eq!(report.charged.to_string(), "100.00");
        assert_eq!(report.store_bears.to_string(), "100.00");
        let clerk_charge = report.people.iter().find(|p| p.role == "clerk").expect("clerk line");
        assert_eq!(clerk_charge.user_id.as_deref(), Some(clerk.user_id.as_str()));
        assert_eq!(clerk_charge.amount.to_string(), "60.00");
        assert_eq!(world.count("audit_log WHERE entity = 'statement'").await, 3, "{which:?}: import, payment, invoice");
    }
}

#[tokio::test]
async fn a_claim_paid_by_a_statement_leaves_the_aging() {
    for which in backends() {
        let world = World::new(which).await;
        set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let finance = world.person("bj01.finance", Some(&world.store_a), Role::Finance).await;
        let decide =
            ActionInput { lines: vec![LineVerdict::Approved, LineVerdict::Approved], ..ActionInput::default() };
        let mut decided = Vec::new();
        for serial in [611, 612] {
            let claim = submitted_claim(&world, &clerk, serial).await;
            warranty::act(&world.app, &clerk, &claim.id, "decide", decide.clone()).await.expect("decide");
            decided.push(claim);
        }
        let aging = statements::aging(&world.app, &finance, None).await.unwrap();
        assert_eq!(aging.len(), 1, "{which:?}");
        assert_eq!(aging[0].not_on_statements.to_string(), "800.00", "{which:?}: both claims are owed");
        assert_eq!(aging[0].on_statements.to_string(), "0.00");

        let rows =
            format!("索赔单号,行号,申请金额,结算金额,原因\n{p},1,300,300,\n{p},2,100,100,", p = decided[0].number);
        let statement =
            statements::import(&world.app, &finance, StatementKind::Settlement, input("GAH-202405B", &rows))
                .await
                .expect("import");
        assert_eq!(statement.confirmed.to_string(), "400.00", "{which:?}");
        assert_eq!(world.count("warranty_claims WHERE billed_at IS NOT NULL").await, 1, "{which:?}");
        let aging = statements::aging(&world.app, &finance, None).await.unwrap();
        assert_eq!(
            aging[0].not_on_statements.to_string(),
            "400.00",
            "{which:?}: only the claim no statement names is still owed as a claim"
        );
        assert_eq!(aging[0].on_statements.to_string(), "400.00", "{which:?}: the paid one is owed by the statement");
        assert_eq!(aging[0].total.to_string(), "800.00");

        let payment = PaymentInput { amount: "400".into(), reference: "BANK-2".into(), ..PaymentInput::default() };
        statements::record_payment(&world.app, &finance, &statement.id, payment).await.expect("payment");
        let aging = statements::aging(&world.app, &finance, None).await.unwrap();
        assert_eq!(aging.len(), 1, "{which:?}");
        assert_eq!(aging[0].on_statements.to_string(), "0.00", "{which:?}: received, nothing left on the statement");
        assert_eq!(aging[0].total.to_string(), "400.00", "{which:?}: the paid claim has left the aging");
    }
}

#[tokio::test]
async fn a_commission_statement_lists_what_differs_from_the_policies_sold() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = world.person("bj01.admin", Some(&world.store_a), Role::StoreAdmin).await;
        let specialist = world.person("bj01.ins", Some(&world.store_a), Role::InsuranceSpecialist).await;
        let finance = world.person("bj01.finance", Some(&world.store_a), Role::Finance).await;
        let insurer_id = insurer_with_rates(&world, &admin, "PICC").await;
        for (serial, number) in [(41, "PDAA2024001"), (42, "PDAA2024002"), (43, "PDAA2024003")] {
            let customer = world.customer(&admin, "王保险", serial).await;
            let policy = policy_input(&insurer_id, &customer.vehicles[0].id, number);
            policies::create(&world.app, &specialist, NewPolicy { policy, ..NewPolicy::default() })
                .await
                .expect("policy");
        }
        let rows = "保单号,保费,手续费\nPDAA2024001,5360.55,699.58\npdaa2024002,5360.55,650.00\nPDAA2099999,1000,100";
        let lines = statements::lines_from_rows(StatementKind::Commission, &sheet(rows)).unwrap();
        let statement = statements::import(
            &world.app,
            &finance,
            StatementKind::Commission,
            StatementInput {
                counterparty: insurer_id.clone(),
                number: "PICC-2024-05".into(),
                period: "2024-05".into(),
                source: "excel".into(),
                lines,
                ..StatementInput::default()
            },
        )
        .await
        .expect("commission statement");
        let outcomes: Vec<(&str, &str)> =
            statement.lines.iter().map(|l| (l.reference.as_str(), l.outcome.as_str())).collect();
        assert_eq!(
            outcomes,
            vec![
                ("PDAA2024001", "matched"),
                ("PDAA2024002", "amount_differs"),
                ("PDAA2099999", "extra"),
                ("PDAA2024003", "missing"),
            ],
            "{which:?}"
        );
        assert_eq!(statement.lines[1].difference.to_string(), "-49.58");
        assert_eq!(statement.counterparty_name, "PICC财产保险");
        let wrong_month = statements::import(
            &world.app,
            &finance,
            StatementKind::Commission,
            StatementInput {
                counterparty: insurer_id.clone(),
                number: "X".into(),
                period: "2024-13".into(),
                ..StatementInput::default()
            },
        )
        .await;
        let errors = fields(wrong_month);
        assert!(has(&errors, "period", "month_format") && has(&errors, "lines", "statement_empty"), "{errors:?}");
        // A settlement statement's id does not open as a commission statement, nor the other way round.
        let crossed = statements::get(&world.app, &finance, StatementKind::Settlement, &statement.id).await;
        assert!(matches!(crossed, Err(AppError::NotFound)), "{which:?}");
    }
}
