//! 索赔档案 (W4): a month's claims with their documents, as a manufacturer's audit asks for them, and the
//! month's archive as one zip: an index, and per claim its content, every version as sent, its returns and
//! decisions, its history from the audit trail, and its photos, invoices and checklists (the attachments).

use std::io::Write;

use claimdesk_domain::Money;
use claimdesk_domain::access::Permission;
use claimdesk_domain::attachment::OwnerKind;
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::attachments as attachment_store;
use claimdesk_store::audit as store_audit;
use claimdesk_store::job;
use claimdesk_store::warranty::{self as store, ClaimFilter};
use jiff::ToSpan;
use serde::Serialize;

use super::board::parse_month;
use super::{ClaimView, load_view};
use crate::actor::Actor;
use crate::attachments::{self, AttachmentRow, Owner};
use crate::error::{AppError, AppResult};
use crate::{App, clock};

/// At most this many claims in one month's archive (a store files a few hundred a month).
pub const MONTH_LIMIT: i64 = 20_000;

/// One document kept with a claim.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// `claim`, `version`, `history`.
    pub kind: String,
    /// The path inside the month's zip.
    pub path: String,
    /// The version a `version` document holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_no: Option<i64>,
    /// An `attachment` (photo, invoice, checklist, document): its id, to open it from the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<String>,
    /// The kind of an attachment (photo, invoice, checklist, document).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file_kind: String,
    #[serde(skip)]
    hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArchivedClaim {
    pub claim: ClaimView,
    pub store_code: String,
    pub documents: Vec<Document>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArchiveMonth {
    pub month: String,
    pub claims: Vec<ArchivedClaim>,
    pub claimed: Money,
    pub approved: Money,
}

fn documents(claim: &ClaimView, store_code: &str, files: &[AttachmentRow]) -> Vec<Document> {
    let folder = format!("{store_code}/{}", claim.number);
    let document = |kind: &str, name: String, version_no| Document {
        kind: kind.into(),
        path: format!("{folder}/{name}"),
        version_no,
        attachment_id: None,
        file_kind: String::new(),
        hash: String::new(),
    };
    let mut documents = vec![document("claim", "claim.json".into(), None)];
    for version in &claim.versions {
        let no = version.version_no;
        documents.push(document("version", format!("version-{no}.json"), Some(no)));
    }
    documents.push(document("history", "history.json".into(), None));
    // Files keep their names, prefixed with their position so two photos named alike do not collide.
    for (index, file) in files.iter().enumerate() {
        let name = file.file_name.replace(['/', '\\'], "_");
        documents.push(Document {
            attachment_id: Some(file.id.clone()),
            file_kind: file.kind.clone(),
            hash: file.hash.clone(),
            ..document("attachment", format!("files/{:02}-{name}", index + 1), None)
        });
    }
    documents
}

/// The claims repaired in `month` (`YYYY-MM`) in the stores the actor reads (or one of them), oldest first,
/// each with what its folder in the zip holds.
pub async fn month(app: &App, actor: &Actor, month: &str, store_id: Option<&str>) -> AppResult<ArchiveMonth> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let first = parse_month("month", month).map_err(|v| AppError::Invalid(Violations(vec![v])))?;
    let last = first.checked_add(1.month()).and_then(|d| d.checked_sub(1.day())).map_err(anyhow::Error::from)?;
    let stores = actor.store_ids_filtered(Permission::WarrantyRead, store_id);
    let codes: Vec<(String, String)> = actor.stores.iter().map(|s| (s.id.clone(), s.code.clone())).collect();
    let actor = actor.clone();
    let month = first.strftime("%Y-%m").to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let filter = ClaimFilter {
                    stores,
                    from: Some(first.to_string()),
                    to: Some(last.to_string()),
                    limit: MONTH_LIMIT,
                    ..ClaimFilter::default()
                };
                let (mut rows, total) = store::list_claims(tx, &filter, MONTH_LIMIT + 1).await?;
                if total > MONTH_LIMIT {
                    return Err(Violation::new("month", "archive_too_large").with("max", MONTH_LIMIT).into());
                }
                rows.sort_by(|a, b| (&a.repair_date, &a.number).cmp(&(&b.repair_date, &b.number)));
                let mut claims = Vec::with_capacity(rows.len());
                let (mut claimed, mut approved) = (Money::ZERO, Money::ZERO);
                for row in rows {
                    let zone = actor.time_zone(&row.store_id).to_string();
                    let code =
                        codes.iter().find(|(id, _)| *id == row.store_id).map(|(_, c)| c.clone()).unwrap_or_default();
                    let owner = Owner::new(OwnerKind::WarrantyClaim, &row.id);
                    let files = attachments::of_owner_in(tx, &row.store_id, &owner).await?;
                    let view = load_view(tx, row, &zone).await?;
                    claimed += view.amounts.total;
                    approved += view.approved.unwrap_or(Money::ZERO);
                    let documents = documents(&view, &code, &files);
                    claims.push(ArchivedClaim { documents, claim: view, store_code: code });
                }
                Ok::<_, AppError>(ArchiveMonth { month, claims, claimed, approved })
            })
        }))
        .await
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// The month's archive as one zip (`claims-2024-05.zip`): `index.csv` (UTF-8 with BOM, opens in Excel) and a
/// folder per claim with the documents [`month`] lists.
pub async fn month_zip(app: &App, actor: &Actor, month_text: &str, store_id: Option<&str>) -> AppResult<Vec<u8>> {
    let archive = month(app, actor, month_text, store_id).await?;
    let ids: Vec<String> = archive.claims.iter().map(|c| c.claim.id.clone()).collect();
    let files: Vec<(String, String)> = archive
        .claims
        .iter()
        .flat_map(|c| {
            c.documents.iter().filter(|d| !d.hash.is_empty()).map(|d| (c.claim.store_id.clone(), d.hash.clone()))
        })
        .collect();
    let (histories, blobs) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let mut all = Vec::with_capacity(ids.len());
                for id in &ids {
                    all.push(store_audit::for_entity(tx, "warranty_claim", id).await?);
                }
                let mut blobs = std::collections::HashMap::new();
                for (store_id, hash) in files {
                    if let Some(bytes) = attachment_store::blob(tx, &store_id, &hash).await? {
                        blobs.insert(hash, bytes);
                    }
                }
                Ok::<_, AppError>((all, blobs))
            })
        }))
        .await?;
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buffer);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let io = |e: std::io::Error| AppError::Internal(e.into());
    let zip_error = |e: zip::result::ZipError| AppError::Internal(e.into());
    let json = |value: &dyn erased::Json| value.pretty().map_err(|e| AppError::Internal(e.into()));
    let mut index = String::from(
        "\u{feff}store,number,state,kind,vin,repair_date,failure_code,clerk_id,claimed,approved,versions,returns\n",
    );
    for (entry, history) in archive.claims.iter().zip(histories) {
        let claim = &entry.claim;
        index.push_str(
            &[
                entry.store_code.as_str(),
                &claim.number,
                &claim.state,
                &claim.kind,
                &claim.vin,
                &claim.repair_date,
                &claim.failure_code,
                claim.clerk_id.as_deref().unwrap_or(""),
                &claim.amounts.total.to_string(),
                &claim.approved.map(|m| m.to_string()).unwrap_or_default(),
                &claim.versions.len().to_string(),
                &claim.returns.to_string(),
            ]
            .map(csv_field)
            .join(","),
        );
        index.push('\n');
        for document in &entry.documents {
            if document.kind == "attachment" {
                // Photos and PDFs are compressed already: stored as they are.
                let stored = options.compression_method(zip::CompressionMethod::Stored);
                zip.start_file(document.path.as_str(), stored).map_err(zip_error)?;
                zip.write_all(blobs.get(&document.hash).map(Vec::as_slice).unwrap_or_default()).map_err(io)?;
                continue;
            }
            let body = match document.kind.as_str() {
                "claim" => json(claim)?,
                "history" => {
                    let zone = actor.time_zone(&claim.store_id);
                    let lines: Vec<serde_json::Value> = history
                        .iter()
                        .map(|row| {
                            serde_json::json!({
                                "at": clock::rfc3339_local(row.at, zone),
                                "actor": row.actor_name,
                                "action": row.action,
                                "before": row.before_json.as_deref().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()),
                                "after": row.after_json.as_deref().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()),
                                "hash": row.hash,
                            })
                        })
                        .collect();
                    json(&lines)?
                }
                _ => {
                    let version = claim.versions.iter().find(|v| Some(v.version_no) == document.version_no);
                    json(&version.map(|v| &v.content))?
                }
            };
            zip.start_file(document.path.as_str(), options).map_err(zip_error)?;
            zip.write_all(body.as_bytes()).map_err(io)?;
        }
    }
    zip.start_file("index.csv", options).map_err(zip_error)?;
    zip.write_all(index.as_bytes()).map_err(io)?;
    zip.finish().map_err(zip_error)?;
    Ok(buffer.into_inner())
}

mod erased {
    /// Pretty JSON of anything serialisable, behind a trait object so one closure serves every document.
    pub trait Json {
        fn pretty(&self) -> serde_json::Result<String>;
    }

    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> serde_json::Result<String> {
            serde_json::to_string_pretty(self)
        }
    }
}
