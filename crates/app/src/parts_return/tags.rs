//! Part tags (旧件标签): one per part line of a submitted claim, with what the label prints, where the part
//! is kept, its weight and size for packing, whether the manufacturer wants it back, and where it went.

use claimdesk_domain::access::{Permission, Role};
use claimdesk_domain::parts_return::{ShipmentState, TagState};
use claimdesk_domain::warranty::claim::ClaimState;
use claimdesk_domain::{Money, Violation, Violations};
use claimdesk_store::parts_return::{self as store, TagFilter, TagRow};
use claimdesk_store::warranty::{self as claims, ClaimRow};
use claimdesk_store::{Tx, due_items, job, new_id, users};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{DUE_KIND, DUE_SUBJECT, due_subject, grams_of, kg_text, rules_of};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::worklist::{DueSpec, create_due};
use crate::{App, audit, clock};

#[derive(Debug, Clone, Serialize)]
pub struct TagView {
    pub id: String,
    pub store_id: String,
    /// The tag number: the claim number and the line (`WC20241103-0001-02`).
    pub number: String,
    pub claim_id: String,
    pub claim_number: String,
    pub line_no: i64,
    pub vin: String,
    pub brand: String,
    pub part_no: String,
    pub description: String,
    pub failure_code: String,
    pub quantity: String,
    pub repair_date: String,
    pub tagged_on: String,
    /// Where the part is kept (库位).
    pub location: String,
    /// Kilograms; "0" until weighed.
    pub weight_kg: String,
    pub length_cm: i64,
    pub width_cm: i64,
    pub height_cm: i64,
    pub hazardous: bool,
    /// The manufacturer wants it back (its return rules).
    pub return_required: bool,
    /// Not wanted back: scrapped from this day.
    pub scrap_from: Option<String>,
    pub state: String,
    pub shipment_id: Option<String>,
    pub box_no: Option<i64>,
    pub inspection: Option<String>,
    pub inspection_reason: String,
    /// What the label's QR code holds.
    pub qr_text: String,
    pub version: i64,
}

impl From<TagRow> for TagView {
    fn from(row: TagRow) -> Self {
        let qr_text = format!(
            "CDPT|{}|{}|{}|{}|{}|{}",
            row.number, row.claim_number, row.vin, row.part_no, row.failure_code, row.repair_date
        );
        TagView {
            qr_text,
            quantity: Decimal::new(row.quantity_milli, 3).normalize().to_string(),
            weight_kg: kg_text(row.weight_g),
            id: row.id,
            store_id: row.store_id,
            number: row.number,
            claim_id: row.claim_id,
            claim_number: row.claim_number,
            line_no: row.line_no,
            vin: row.vin,
            brand: row.brand,
            part_no: row.part_no,
            description: row.description,
            failure_code: row.failure_code,
            repair_date: row.repair_date,
            tagged_on: row.tagged_on,
            location: row.location,
            length_cm: row.length_cm,
            width_cm: row.width_cm,
            height_cm: row.height_cm,
            hazardous: row.hazardous,
            return_required: row.return_required,
            scrap_from: row.scrap_from,
            state: row.state,
            shipment_id: row.shipment_id,
            box_no: row.box_no,
            inspection: row.inspection,
            inspection_reason: row.inspection_reason,
            version: row.version,
        }
    }
}

/// Tags the part lines of a claim that have no tag yet, inside the caller's write job (the claim's
/// submission calls this), and opens the return period's due item when a part must go back.
pub async fn tag_claim_parts(tx: &mut Tx, actor: &Actor, claim: &ClaimRow, now: i64) -> AppResult<Vec<TagRow>> {
    let zone = actor.time_zone(&claim.store_id).to_string();
    let today = clock::local_date(clock::from_ms(now), &zone);
    let existing = store::tags_of_claim(tx, &claim.store_id, &claim.id).await?;
    let lines = claims::lines(tx, &claim.store_id, &claim.id).await?;
    let rules = rules_of(store::rules(tx, &claim.brand).await?.as_ref());
    let mut created = Vec::new();
    for line in lines.iter().filter(|l| l.kind == "part" && !existing.iter().any(|t| t.line_no == l.line_no)) {
        let required = rules.wanted(&line.code, Money::from_fen(line.unit_price_fen));
        let row = TagRow {
            id: new_id(),
            store_id: claim.store_id.clone(),
            number: format!("{}-{:02}", claim.number, line.line_no),
            claim_id: claim.id.clone(),
            claim_number: claim.number.clone(),
            line_no: line.line_no,
            vin: claim.vin.clone(),
            brand: claim.brand.clone(),
            part_no: line.code.clone(),
            description: line.description.clone(),
            failure_code: claim.failure_code.clone(),
            quantity_milli: line.quantity_milli,
            repair_date: claim.repair_date.clone(),
            tagged_on: today.to_string(),
            hazardous: rules.hazardous(&line.code, &line.description),
            return_required: required,
            scrap_from: (!required).then(|| rules.scrap_from(today).to_string()),
            state: TagState::Stored.as_str().into(),
            created_at: now,
            updated_at: now,
            version: 1,
            ..TagRow::default()
        };
        store::insert_tag(tx, &row).await?;
        let after = serde_json::json!({
            "number": row.number, "claim": row.claim_number, "part_no": row.part_no,
            "return_required": row.return_required, "hazardous": row.hazardous,
        });
        audit::record(
            tx,
            actor,
            now,
            audit::Entry {
                store_id: Some(&row.store_id),
                entity: "part_tag",
                entity_id: &row.id,
                action: "create",
                before: None::<&()>,
                after: Some(&after),
            },
        )
        .await?;
        created.push(row);
    }
    if created.iter().any(|t| t.return_required) {
        open_period_due(tx, &claim.store_id, &claim.brand, &rules.period_label(today), rules.ship_by(today), now)
            .await?;
    }
    Ok(created)
}

/// Opens the return period's due item (rule W3) unless one is open: the period's parts are to be shipped
/// by its ship-by day, by the store's warranty clerk, and the supervisor hears of it two days late. One item
/// per brand and period, however many parts and claims.
pub(crate) async fn open_period_due(
    tx: &mut Tx,
    store_id: &str,
    brand: &str,
    period: &str,
    ship_by: jiff::civil::Date,
    now: i64,
) -> AppResult<()> {
    let subject = due_subject(brand, period);
    if !due_items::open_for_subject(tx, store_id, DUE_SUBJECT, &subject, DUE_KIND).await?.is_empty() {
        return Ok(());
    }
    let clerk = users::with_role(tx, store_id, Role::WarrantyClerk.as_str()).await?.into_iter().next();
    create_due(
        tx,
        DueSpec {
            store_id: store_id.to_string(),
            assignee_id: clerk.map(|user| user.id),
            kind: DUE_KIND.into(),
            rule: "W3".into(),
            subject_type: DUE_SUBJECT.into(),
            subject_id: subject,
            subject_label: format!("{brand} {period}").trim().to_string(),
            params: serde_json::json!({"brand": brand, "period": period}),
            window_from: None,
            due_on: ship_by,
            escalate_after_days: Some(2),
            escalate_to_role: Some(Role::Supervisor.as_str().into()),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Tags a submitted claim's parts that have none yet (tags are made on submission; this catches claims
/// submitted before tagging existed). Answers all the claim's tags.
pub async fn tag_claim(app: &App, actor: &Actor, claim_id: &str) -> AppResult<Vec<TagView>> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let actor = actor.clone();
    let id = claim_id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let claim = claims::get_claim(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::WarrantyWrite, &claim.store_id)?;
                if !ClaimState::parse(&claim.state).is_some_and(ClaimState::is_submitted) {
                    return Err(AppError::Conflict("claim_not_submitted"));
                }
                tag_claim_parts(tx, &actor, &claim, now).await?;
                let tags = store::tags_of_claim(tx, &claim.store_id, &claim.id).await?;
                Ok(tags.into_iter().map(TagView::from).collect())
            })
        }))
        .await
}

pub async fn tags_of_claim(app: &App, actor: &Actor, claim_id: &str) -> AppResult<Vec<TagView>> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let id = claim_id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let claim = claims::get_claim(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let tags = store::tags_of_claim(tx, &claim.store_id, &claim.id).await?;
                Ok::<_, AppError>(tags.into_iter().map(TagView::from).collect())
            })
        }))
        .await
}

pub async fn get_tag(app: &App, actor: &Actor, id: &str) -> AppResult<TagView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let id = id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                Ok::<_, AppError>(store::get_tag(tx, &scope, &id).await?.ok_or(AppError::NotFound)?.into())
            })
        }))
        .await
}

/// What the parts store records on a tag. Fields left out keep their value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TagInput {
    pub location: Option<String>,
    /// Kilograms, e.g. `"1.25"`.
    pub weight_kg: Option<String>,
    pub length_cm: Option<i64>,
    pub width_cm: Option<i64>,
    pub height_cm: Option<i64>,
    pub hazardous: Option<bool>,
    pub version: Option<i64>,
}

/// Records a tag's storage location, weight, size and hazard. A tag on a packed or sent shipment is fixed.
pub async fn update_tag(app: &App, actor: &Actor, id: &str, input: TagInput) -> AppResult<TagView> {
    let mut violations = Violations::new();
    let weight = input.weight_kg.as_deref().map(str::trim).filter(|t| !t.is_empty()).and_then(|text| {
        let grams = grams_of(text).filter(|g| *g <= 1_000_000);
        if grams.is_none() {
            violations.push(Violation::new("weight_kg", "number_format").with("found", text));
        }
        grams
    });
    for (field, value) in [("length_cm", input.length_cm), ("width_cm", input.width_cm), ("height_cm", input.height_cm)]
    {
        if value.is_some_and(|v| !(0..=1_000).contains(&v)) {
            violations.push(Violation::new(field, "out_of_range").with("min", 0).with("max", 1_000));
        }
    }
    if let Some(location) = &input.location
        && location.chars().count() > 40
    {
        violations.push(Violation::new("location", "too_long").with("max", 40));
    }
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let scope = actor.store_ids(Permission::WarrantyRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get_tag(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::WarrantyWrite, &before.store_id)?;
                if input.version.is_some_and(|v| v != before.version) {
                    return Err(AppError::Conflict("stale_version"));
                }
                let editable = match TagState::parse(&before.state) {
                    Some(TagState::Stored) => true,
                    Some(TagState::InShipment) => match &before.shipment_id {
                        Some(shipment) => store::get_shipment(tx, std::slice::from_ref(&before.store_id), shipment)
                            .await?
                            .is_some_and(|s| s.state == ShipmentState::Proposed.as_str()),
                        None => true,
                    },
                    _ => false,
                };
                if !editable {
                    return Err(AppError::Conflict("tag_locked"));
                }
                let mut row = before.clone();
                if let Some(location) = &input.location {
                    row.location = location.trim().to_string();
                }
                row.weight_g = weight.unwrap_or(row.weight_g);
                row.length_cm = input.length_cm.unwrap_or(row.length_cm);
                row.width_cm = input.width_cm.unwrap_or(row.width_cm);
                row.height_cm = input.height_cm.unwrap_or(row.height_cm);
                row.hazardous = input.hazardous.unwrap_or(row.hazardous);
                row.updated_at = now;
                if !store::update_tag(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let summary = |t: &TagRow| {
                    serde_json::json!({"location": t.location, "weight_kg": kg_text(t.weight_g),
                        "size_cm": format!("{}×{}×{}", t.length_cm, t.width_cm, t.height_cm), "hazardous": t.hazardous})
                };
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "part_tag",
                        entity_id: &row.id,
                        action: "update",
                        before: Some(&summary(&before)),
                        after: Some(&summary(&row)),
                    },
                )
                .await?;
                Ok(TagView::from(row))
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TagListQuery {
    /// stored, in_shipment, shipped, accepted, rejected, missing, scrapped; or `waiting` (stored and wanted
    /// back: the parts store's list).
    pub state: Option<String>,
    pub brand: Option<String>,
    pub vin: Option<String>,
    /// Claim number prefix.
    pub claim: Option<String>,
    /// Tag number prefix.
    pub q: Option<String>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

fn filled(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// Tags by state, brand, VIN, claim and tag number; newest first.
pub async fn list_tags(app: &App, actor: &Actor, query: TagListQuery) -> AppResult<Page<TagView>> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let request = PageRequest::new(query.page, query.per_page);
    let state = filled(&query.state);
    let waiting = state.as_deref() == Some("waiting");
    let filter = TagFilter {
        stores: actor.store_ids_filtered(Permission::WarrantyRead, query.store_id.as_deref()),
        states: match state {
            Some(_) if waiting => vec![TagState::Stored.as_str().into()],
            Some(state) => vec![state],
            None => Vec::new(),
        },
        brand: filled(&query.brand),
        return_required: waiting.then_some(true),
        vin_prefix: filled(&query.vin).map(|v| v.to_uppercase()),
        claim_number_prefix: filled(&query.claim).map(|v| v.to_uppercase()),
        number_prefix: filled(&query.q).map(|v| v.to_uppercase()),
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    let (rows, total) = app
        .db
        .read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(store::list_tags(tx, &filter, cap).await?) })))
        .await?;
    Ok(Page::new(rows.into_iter().map(TagView::from).collect(), total, request, cap))
}
