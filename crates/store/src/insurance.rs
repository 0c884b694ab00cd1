//! Motor insurance (保险理赔/兼业代理): insurers and their covers, the document checklist templates, policies,
//! accident leads, claims with their steps, documents, loss assessment lines and notes, and pay rules.
//!
//! Every table here has the same shape of access (insert a row, read one by id within stores, list the rows
//! of a parent), so each row type declares its columns once with [`table!`] and shares the helpers below.

use crate::table::table;
pub use crate::table::{ListFilter, Table, children, delete_children, find, get, insert, list, replace, update};

table!(
    /// An insurer the store is agent for.
    InsurerRow, "insurers", {
    id: String, store_id: String, code: String, name: String, phone: String, claim_phone: String, active: bool,
    created_at: i64, updated_at: i64, version: i64,
});

table!(
    /// A cover an insurer sells, with its commission rate from `valid_from` and the customer's explanation.
    InsurerCoverRow, "insurer_covers", {
    id: String, store_id: String, insurer_id: String, cover: String, name: String, commission_percent: String,
    valid_from: String, valid_to: Option<String>, explanation: String, claim_method: String, documents: String,
    created_at: i64,
});

table!(
    /// One document of the 单证 checklist for a claim type.
    DocumentTemplateRow, "claim_document_templates", {
    id: String, store_id: String, claim_type: String, position: i64, name: String, required: bool, created_at: i64,
});

table!(
    /// A policy sold as agent (承保).
    PolicyRow, "insurance_policies", {
    id: String, store_id: String, insurer_id: String, vehicle_id: String, customer_id: Option<String>,
    specialist_id: Option<String>, invoice_no: String, owner_id_no: String, policy_no: String, starts_on: String,
    ends_on: String, premium_fen: i64, commission_fen: i64, premium_collected: bool, collected_on: Option<String>,
    sold_on: String, renewal_of: Option<String>, renewal_outcome: String, renewal_note: String,
    renewal_on: Option<String>, note: String, created_at: i64, updated_at: i64, version: i64,
});

table!(
    /// One cover of a policy.
    PolicyCoverRow, "insurance_policy_covers", {
    id: String, store_id: String, policy_id: String, position: i64, cover: String, name: String,
    sum_insured_fen: Option<i64>, premium_fen: i64, deductible_percent: Option<String>, commission_percent: String,
    commission_fen: i64,
});

table!(
    /// 事故线索.
    LeadRow, "accident_leads", {
    id: String, store_id: String, number: String, source: String, place: String, contact_name: String,
    contact_phone: String, plate: String, vehicle_desc: String, vehicle_id: Option<String>, status: String,
    received_on: String, contacted_at: Option<i64>, arrived_at: Option<i64>, lost_reason: String,
    insurer_id: Option<String>, surveyor: String, insurer_contacted_at: Option<i64>, repair_order_id: Option<String>,
    specialist_id: Option<String>, note: String, created_at: i64, updated_at: i64, version: i64,
});

table!(
    /// 理赔案件.
    ClaimRow, "insurance_claims", {
    id: String, store_id: String, number: String, claim_type: String, status: String, vehicle_id: String,
    customer_id: Option<String>, policy_id: Option<String>, insurer_id: Option<String>, lead_id: Option<String>,
    repair_order_id: Option<String>, insurer_claim_no: String, accident_at: i64, reported_at: i64,
    report_deadline_at: i64, report_late: bool, police_reported_at: Option<i64>, notice_submitted_at: Option<i64>,
    place: String, description: String, reporter_name: String, reporter_for_insured: bool, reporter_id_no: String,
    authorisation: bool, surveyor: String, responsibility: String, parties: String, parties_present: String,
    assessed_at: Option<i64>, third_party_pending: bool, assessed_fen: i64, verified_fen: i64,
    insurer_pays_fen: i64, customer_pays_fen: i64, paid_fen: i64, specialist_id: Option<String>, created_at: i64,
    updated_at: i64, version: i64,
});

table!(
    /// A workflow step: who and when.
    StepRow, "insurance_claim_steps", {
    id: String, store_id: String, claim_id: String, action: String, from_status: String, to_status: String,
    actor_id: Option<String>, actor_name: String, at: i64, note: String,
});

table!(
    /// One document of a claim's checklist.
    ClaimDocumentRow, "insurance_claim_documents", {
    id: String, store_id: String, claim_id: String, position: i64, name: String, required: bool, received: bool,
    received_on: Option<String>, signed_by: String, note: String,
});

table!(
    /// One line of the loss assessment (定损).
    AssessmentLineRow, "loss_assessment_lines", {
    id: String, store_id: String, claim_id: String, position: i64, kind: String, part_no: String, name: String,
    quantity: String, catalog_fen: Option<i64>, assessed_fen: i64, verified_fen: Option<i64>, covered: bool,
    reason: String, photo: String,
});

table!(
    /// A negotiation note with the insured.
    ClaimNoteRow, "insurance_claim_notes", {
    id: String, store_id: String, claim_id: String, author_id: Option<String>, at: i64, text: String,
});

table!(
    /// A specialist's pay rule from a month on.
    PayRuleRow, "insurance_pay_rules", {
    id: String, store_id: String, user_id: String, valid_from: String, base_fen: i64, policy_share_percent: String,
    repair_percent: String, created_at: i64,
});
