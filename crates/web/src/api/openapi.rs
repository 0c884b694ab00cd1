//! The OpenAPI document, built from the handlers' annotations so it lists exactly what the router serves
//! (a test compares the two).

use axum::Json;
use axum::response::IntoResponse;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::{
    attachments, auth, campaigns, customers, follow_ups, insurance, org, quality, repair_orders, returns, rules,
    sanbao_cases, statements, warranty, warranty_flow, worklist,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "claimdesk API", version = "1", description = "售后索赔台 JSON API. Money is a decimal string with two places, dates YYYY-MM-DD, instants RFC 3339 with offset. Errors: {\"error\": {\"code\", \"message_zh\", \"message_en\", \"fields\"}}. A record of another store answers 404."),
    paths(
        auth::token, auth::list, auth::create, auth::revoke,
        org::list_stores, org::create_store, org::get_store, org::patch_store,
        org::list_users, org::create_user, org::get_user, org::patch_user, org::grant, org::revoke, org::permissions, org::calendar_years, org::calendar_add,
        customers::list, customers::create, customers::import, customers::get, customers::patch, customers::history,
        customers::list_vehicles, customers::create_vehicle, customers::get_vehicle, customers::patch_vehicle, customers::change_owner,
        repair_orders::list, repair_orders::create, repair_orders::get, repair_orders::action,
        warranty::list, warranty::create, warranty::get, warranty::patch, warranty::action, warranty::export,
        warranty::list_settings, warranty::get_settings, warranty::patch_settings, warranty::import,
        returns::list_rules, returns::get_rules, returns::patch_rules, returns::list_tags, returns::tag_claim, returns::get_tag, returns::patch_tag,
        returns::list_shipments, returns::propose, returns::get_shipment, returns::shipment_action, returns::list_scraps, returns::scrap,
        sanbao_cases::vehicle_terms, sanbao_cases::vehicle_watch, sanbao_cases::get_record, sanbao_cases::put_record,
        sanbao_cases::spare_car, sanbao_cases::get_brand_terms, sanbao_cases::put_brand_terms,
        sanbao_cases::list, sanbao_cases::create, sanbao_cases::get, sanbao_cases::decide, sanbao_cases::complete,
        warranty_flow::list, warranty_flow::create, warranty_flow::get, warranty_flow::action,
        warranty_flow::board, warranty_flow::rates, warranty_flow::month, warranty_flow::month_zip,
        campaigns::list, campaigns::create, campaigns::get, campaigns::patch, campaigns::import, campaigns::vehicles,
        campaigns::report, campaigns::action, campaigns::vehicle, campaigns::contact, campaigns::claim,
        campaigns::vehicle_action, campaigns::flags,
        quality::list, quality::create, quality::export, quality::proposals, quality::adopt, quality::get, quality::send,
        quality::settings, quality::put_settings, quality::bulletins, quality::publish, quality::bulletin, quality::read,
        worklist::get, worklist::create, worklist::done, worklist::cancel,
        rules::list, rules::eval,
        follow_ups::archive, follow_ups::complete_archive, follow_ups::record_call, follow_ups::registers,
        follow_ups::complaints, follow_ups::complaint, follow_ups::complaint_action,
        follow_ups::events, follow_ups::create_event, follow_ups::event, follow_ups::send_letters,
        follow_ups::stand_ins, follow_ups::assign_stand_in, follow_ups::revoke_stand_in, follow_ups::board,
        follow_ups::summaries, follow_ups::draft_summary, follow_ups::summary, follow_ups::save_summary, follow_ups::file_summary,
        follow_ups::next_contacts, follow_ups::plan_next_contact, follow_ups::lost_customers, follow_ups::record_visit,
        follow_ups::visits, follow_ups::settings, follow_ups::save_settings, follow_ups::write_reply, follow_ups::letter,
        insurance::list_insurers, insurance::create_insurer, insurance::get_insurer, insurance::put_insurer, insurance::add_cover,
        insurance::checklists, insurance::set_checklist,
        insurance::list_policies, insurance::create_policy, insurance::get_policy, insurance::policy_action,
        insurance::list_claims, insurance::create_claim, insurance::get_claim, insurance::put_assessment, insurance::claim_document, insurance::claim_step,
        insurance::commission, insurance::set_pay_rule,
        attachments::list, attachments::upload, attachments::get, attachments::content, attachments::remove,
        statements::list, statements::create, statements::import, statements::get, statements::payment, statements::invoice, statements::appeal,
        statements::appeals, statements::get_appeal, statements::appeal_action,
        statements::check, statements::income, statements::aging, statements::accountability, statements::put_rule,
        statements::commission_list, statements::commission_create, statements::commission_import, statements::commission_get,
        document,
    ),
    components(schemas(auth::TokenRequest, auth::NewToken, customers::ChangeOwner, org::UserPatch, org::GrantBody, org::RevokeBody, org::CalendarNotice, warranty::ActionBody, returns::TagClaimBody, returns::TagPatch, returns::ProposeBody, returns::ShipmentActionBody, returns::ScrapBody)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security =
            Some(vec![utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", security(()), responses((status = 200, description = "the OpenAPI 3 document")))]
pub async fn document() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}
