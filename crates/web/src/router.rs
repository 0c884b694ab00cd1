//! Every route of the UI and of `/api/v1`, in one place.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::{Html, IntoResponse};
use axum::routing::{MethodRouter, get, post};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::api;
use crate::ui;

/// An import file may be larger than other requests: 100,000 rows of CSV are about 20 MB.
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

/// The API routes, path by path. The router is built from this table and the OpenAPI document must list
/// every path and method in it: a test compares the two, so an undocumented route fails the suite.
pub fn api_route_table() -> Vec<(&'static str, MethodRouter<AppState>)> {
    use api::*;
    vec![
        ("/auth/token", post(auth::token)),
        ("/tokens", get(auth::list).post(auth::create)),
        ("/tokens/{id}/revoke", post(auth::revoke)),
        ("/stores", get(org::list_stores).post(org::create_store)),
        ("/stores/{id}", get(org::get_store).patch(org::patch_store)),
        ("/users", get(org::list_users).post(org::create_user)),
        ("/users/{id}", get(org::get_user).patch(org::patch_user)),
        ("/users/{id}/grant", post(org::grant)),
        ("/users/{id}/revoke", post(org::revoke)),
        ("/permissions", get(org::permissions)),
        ("/calendar", get(org::calendar_years).post(org::calendar_add)),
        ("/customers", get(customers::list).post(customers::create)),
        ("/customers/import", post(customers::import).layer(DefaultBodyLimit::max(IMPORT_LIMIT))),
        ("/customers/{id}", get(customers::get).patch(customers::patch)),
        ("/customers/{id}/history", get(customers::history)),
        ("/vehicles", get(customers::list_vehicles).post(customers::create_vehicle)),
        ("/vehicles/{id}", get(customers::get_vehicle).patch(customers::patch_vehicle)),
        ("/vehicles/{id}/change-owner", post(customers::change_owner)),
        ("/repair-orders", get(repair_orders::list).post(repair_orders::create)),
        ("/repair-orders/{id}", get(repair_orders::get)),
        ("/repair-orders/{id}/{action}", post(repair_orders::action)),
        ("/warranty-claims", get(warranty::list).post(warranty::create)),
        ("/warranty-claims/export", get(warranty::export)),
        ("/warranty-claims/{id}", get(warranty::get).patch(warranty::patch)),
        ("/warranty-claims/{id}/{action}", post(warranty::action)),
        ("/warranty-preauths", get(warranty_flow::list).post(warranty_flow::create)),
        ("/warranty-preauths/{id}", get(warranty_flow::get)),
        ("/warranty-preauths/{id}/{action}", post(warranty_flow::action)),
        ("/warranty-board", get(warranty_flow::board)),
        ("/warranty-rates", get(warranty_flow::rates)),
        ("/warranty-archive/{month}", get(warranty_flow::month)),
        ("/warranty-archive/{month}/zip", get(warranty_flow::month_zip)),
        ("/warranty-settings", get(warranty::list_settings)),
        ("/warranty-settings/{brand}", get(warranty::get_settings).patch(warranty::patch_settings)),
        ("/warranty-settings/{brand}/{catalogue}", post(warranty::import)),
        ("/parts-return-rules", get(returns::list_rules)),
        ("/parts-return-rules/{brand}", get(returns::get_rules).patch(returns::patch_rules)),
        ("/part-tags", get(returns::list_tags).post(returns::tag_claim)),
        ("/part-tags/{id}", get(returns::get_tag).patch(returns::patch_tag)),
        ("/return-shipments", get(returns::list_shipments).post(returns::propose)),
        ("/return-shipments/{id}", get(returns::get_shipment)),
        ("/return-shipments/{id}/{action}", post(returns::shipment_action)),
        ("/part-scraps", get(returns::list_scraps).post(returns::scrap)),
        ("/vehicles/{id}/sanbao-terms", get(sanbao_cases::vehicle_terms)),
        ("/vehicles/{id}/sanbao-watch", get(sanbao_cases::vehicle_watch)),
        ("/repair-orders/{id}/sanbao-record", get(sanbao_cases::get_record).put(sanbao_cases::put_record)),
        ("/repair-orders/{id}/spare-car", post(sanbao_cases::spare_car)),
        ("/sanbao-terms/{brand}", get(sanbao_cases::get_brand_terms).put(sanbao_cases::put_brand_terms)),
        ("/sanbao-cases", get(sanbao_cases::list).post(sanbao_cases::create)),
        ("/sanbao-cases/{id}", get(sanbao_cases::get)),
        ("/sanbao-cases/{id}/decide", post(sanbao_cases::decide)),
        ("/sanbao-cases/{id}/complete", post(sanbao_cases::complete)),
        ("/campaigns", get(campaigns::list).post(campaigns::create)),
        ("/campaigns/{id}", get(campaigns::get).patch(campaigns::patch)),
        ("/campaigns/{id}/vins", post(campaigns::import).layer(DefaultBodyLimit::max(IMPORT_LIMIT))),
        ("/campaigns/{id}/vehicles", get(campaigns::vehicles)),
        ("/campaigns/{id}/report", get(campaigns::report)),
        ("/campaigns/{id}/{action}", post(campaigns::action)),
        ("/campaign-vehicles/{id}", get(campaigns::vehicle)),
        ("/campaign-vehicles/{id}/contacts", post(campaigns::contact)),
        ("/campaign-vehicles/{id}/claim", post(campaigns::claim)),
        ("/campaign-vehicles/{id}/{action}", post(campaigns::vehicle_action)),
        ("/campaign-flags", get(campaigns::flags)),
        ("/quality-reports", get(quality::list).post(quality::create)),
        ("/quality-reports/export", get(quality::export)),
        ("/quality-reports/proposals", get(quality::proposals).post(quality::adopt)),
        ("/quality-reports/{id}", get(quality::get)),
        ("/quality-reports/{id}/send", post(quality::send)),
        ("/quality-settings", get(quality::settings).put(quality::put_settings)),
        ("/bulletins", get(quality::bulletins).post(quality::publish)),
        ("/bulletins/{id}", get(quality::bulletin)),
        ("/bulletins/{id}/read", post(quality::read)),
        ("/worklist", get(worklist::get).post(worklist::create)),
        ("/worklist/{id}/done", post(worklist::done)),
        ("/worklist/{id}/cancel", post(worklist::cancel)),
        ("/follow-ups/customers/{id}", get(follow_ups::archive)),
        ("/follow-ups/customers/{id}/archive", post(follow_ups::complete_archive)),
        ("/follow-ups/calls", post(follow_ups::record_call)),
        ("/follow-ups/registers", get(follow_ups::registers)),
        ("/follow-ups/complaints", get(follow_ups::complaints)),
        ("/follow-ups/complaints/{id}", get(follow_ups::complaint)),
        ("/follow-ups/complaints/{id}/{action}", post(follow_ups::complaint_action)),
        ("/follow-ups/events", get(follow_ups::events).post(follow_ups::create_event)),
        ("/follow-ups/events/{id}", get(follow_ups::event)),
        ("/follow-ups/events/{id}/letters", post(follow_ups::send_letters)),
        ("/follow-ups/stand-ins", get(follow_ups::stand_ins).post(follow_ups::assign_stand_in)),
        ("/follow-ups/stand-ins/{id}/revoke", post(follow_ups::revoke_stand_in)),
        ("/follow-ups/board", get(follow_ups::board)),
        ("/follow-ups/summaries", get(follow_ups::summaries).post(follow_ups::draft_summary)),
        ("/follow-ups/summaries/{id}", get(follow_ups::summary).patch(follow_ups::save_summary)),
        ("/follow-ups/summaries/{id}/file", post(follow_ups::file_summary)),
        ("/follow-ups/next-contacts", get(follow_ups::next_contacts)),
        ("/follow-ups/customers/{id}/next-contact", post(follow_ups::plan_next_contact)),
        ("/follow-ups/lost-customers", post(follow_ups::lost_customers)),
        ("/follow-ups/customers/{id}/visits", post(follow_ups::record_visit)),
        ("/follow-ups/visits", get(follow_ups::visits)),
        ("/follow-ups/settings", get(follow_ups::settings).put(follow_ups::save_settings)),
        ("/follow-ups/complaints/{id}/letters", post(follow_ups::write_reply)),
        ("/follow-ups/letters/{id}", get(follow_ups::letter)),
        ("/insurers", get(insurance::list_insurers).post(insurance::create_insurer)),
        ("/insurers/{id}", get(insurance::get_insurer).put(insurance::put_insurer)),
        ("/insurers/{id}/covers", post(insurance::add_cover)),
        ("/claim-checklists", get(insurance::checklists).post(insurance::set_checklist)),
        ("/insurance-policies", get(insurance::list_policies).post(insurance::create_policy)),
        ("/insurance-policies/{id}", get(insurance::get_policy)),
        ("/insurance-policies/{id}/{action}", post(insurance::policy_action)),
        ("/insurance-claims", get(insurance::list_claims).post(insurance::create_claim)),
        ("/insurance-claims/{id}", get(insurance::get_claim)),
        ("/insurance-claims/{id}/assessment", axum::routing::put(insurance::put_assessment)),
        ("/insurance-claims/{id}/documents", post(insurance::claim_document)),
        ("/insurance-claims/{id}/{action}", post(insurance::claim_step)),
        ("/insurance-commission", get(insurance::commission)),
        ("/insurance-pay-rules", post(insurance::set_pay_rule)),
        ("/attachments", get(attachments::list).post(attachments::upload).layer(DefaultBodyLimit::max(IMPORT_LIMIT))),
        ("/attachments/{id}", get(attachments::get)),
        ("/attachments/{id}/content", get(attachments::content)),
        ("/attachments/{id}/remove", post(attachments::remove)),
        ("/settlement-statements", get(statements::list).post(statements::create)),
        ("/settlement-statements/import", post(statements::import).layer(DefaultBodyLimit::max(IMPORT_LIMIT))),
        ("/settlement-statements/{id}", get(statements::get)),
        ("/settlement-statements/{id}/payments", post(statements::payment)),
        ("/settlement-statements/{id}/invoices", post(statements::invoice)),
        ("/settlement-statements/{id}/appeals", post(statements::appeal)),
        ("/settlement-appeals", get(statements::appeals)),
        ("/settlement-appeals/{id}", get(statements::get_appeal)),
        ("/settlement-appeals/{id}/{action}", post(statements::appeal_action)),
        ("/settlement/check", get(statements::check)),
        ("/settlement/income", get(statements::income)),
        ("/settlement/aging", get(statements::aging)),
        ("/settlement/accountability", get(statements::accountability)),
        ("/settlement/accountability-rule", axum::routing::put(statements::put_rule)),
        ("/commission-statements", get(statements::commission_list).post(statements::commission_create)),
        (
            "/commission-statements/import",
            post(statements::commission_import).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        ),
        ("/commission-statements/{id}", get(statements::commission_get)),
        ("/rules", get(rules::list)),
        ("/rules/{rule}", post(rules::eval)),
        ("/openapi.json", get(openapi::document)),
    ]
}

/// The API routes, mounted under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    api_route_table().into_iter().fold(Router::new(), |router, (path, route)| router.route(path, route))
}

fn ui_routes() -> Router<AppState> {
    use ui::*;
    Router::new()
        .route("/", get(worklist::show))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/language", post(login::language))
        .route("/switch-store", post(login::switch_store))
        .route("/worklist", post(worklist::create))
        .route("/worklist/{id}/done", get(worklist::confirm_done).post(worklist::done))
        .route("/customers", get(customers::list).post(customers::create))
        .route("/customers.xlsx", get(customers::export))
        .route("/customers/new", get(customers::new))
        .route("/customers/import", get(import::show).post(import::upload).layer(DefaultBodyLimit::max(IMPORT_LIMIT)))
        .route("/customers/import/template.xlsx", get(import::template))
        .route("/customers/import/{token}", post(import::run))
        .route("/customers/import/{token}/errors.xlsx", get(import::errors))
        .route("/customers/{id}", get(customers::show).post(customers::update))
        .route("/customers/{id}/edit", get(customers::edit))
        .route("/customers/{id}/print", get(customers::print))
        .route("/vehicles", get(vehicles::list).post(vehicles::create))
        .route("/vehicles.xlsx", get(vehicles::export))
        .route("/vehicles/new", get(vehicles::new))
        .route("/vehicles/{id}", get(vehicles::show).post(vehicles::update))
        .route("/vehicles/{id}/edit", get(vehicles::edit))
        .route("/vehicles/{id}/change-owner", post(vehicles::change_owner))
        .route("/repair-orders", get(repair_orders::list).post(repair_orders::create))
        .route("/repair-orders.xlsx", get(repair_orders::export))
        .route("/repair-orders/new", get(repair_orders::new))
        .route("/repair-orders/{id}", get(repair_orders::show))
        .route("/repair-orders/{id}/print", get(repair_orders::print))
        .route("/repair-orders/{id}/{action}", post(repair_orders::action))
        .route("/follow-ups/customers/{id}", get(follow_ups::archive))
        .route("/follow-ups/customers/{id}/archive", get(follow_ups::archive_edit).post(follow_ups::archive_save))
        .route("/follow-ups/customers/{id}/print", get(follow_ups::archive_print))
        .route("/follow-ups/customers/{id}/call", get(follow_ups::call_new).post(follow_ups::call_save))
        .route("/follow-ups/calls/new", get(follow_ups::inbound_new))
        .route("/follow-ups/calls", post(follow_ups::inbound_save))
        .route("/follow-ups/complaints", get(follow_ups::complaints))
        .route("/follow-ups/complaints.xlsx", get(follow_ups::complaints_export))
        .route("/follow-ups/complaints/{id}", get(follow_ups::complaint))
        .route("/follow-ups/complaints/{id}/{action}", post(follow_ups::complaint_action))
        .route("/follow-ups/registers", get(follow_ups::registers))
        .route("/follow-ups/registers.xlsx", get(follow_ups::registers_export))
        .route("/follow-ups/registers/print", get(follow_ups::registers_print))
        .route("/follow-ups/events", get(follow_ups::events).post(follow_ups::event_create))
        .route("/follow-ups/events.xlsx", get(follow_ups::events_export))
        .route("/follow-ups/events/new", get(follow_ups::event_new))
        .route("/follow-ups/events/{id}", get(follow_ups::event_show))
        .route("/follow-ups/events/{id}/letters", post(follow_ups::event_letters))
        .route("/follow-ups/events/{id}/letters/print", get(follow_ups::event_letters_print))
        .route("/follow-ups/stand-ins", get(follow_ups::stand_ins).post(follow_ups::stand_in_create))
        .route("/follow-ups/stand-ins/{id}/revoke", get(follow_ups::stand_in_confirm).post(follow_ups::stand_in_revoke))
        .route("/follow-ups/next-service", get(follow_ups::next_service))
        .route("/follow-ups/next-service.xlsx", get(follow_ups::next_service_export))
        .route("/follow-ups/lost-customers", post(follow_ups::lost_customers))
        .route("/follow-ups/board", get(follow_ups::board))
        .route("/follow-ups/board.xlsx", get(follow_ups::board_export))
        .route("/follow-ups/summaries", get(follow_ups::summaries).post(follow_ups::summary_draft))
        .route("/follow-ups/summaries/{id}", get(follow_ups::summary_show).post(follow_ups::summary_save))
        .route("/follow-ups/summaries/{id}/file", post(follow_ups::summary_file))
        .route("/follow-ups/summaries/{id}/print", get(follow_ups::summary_print))
        .route("/follow-ups/summaries.xlsx", get(follow_up_more::summaries_export))
        .route("/follow-ups/stand-ins.xlsx", get(follow_up_more::stand_ins_export))
        .route("/follow-ups/events/{id}/targets.xlsx", get(follow_up_more::event_targets_export))
        .route("/follow-ups/event-targets/{id}", get(follow_up_more::event_target))
        .route("/follow-ups/settings", get(follow_up_more::settings_show).post(follow_up_more::settings_save))
        .route("/follow-ups/customers/{id}/visit", get(follow_up_more::visit_new).post(follow_up_more::visit_save))
        .route("/follow-ups/visits", get(follow_up_more::visits))
        .route("/follow-ups/visits.xlsx", get(follow_up_more::visits_export))
        .route("/follow-ups/complaints/{id}/letters", post(follow_up_more::reply_save))
        .route("/follow-ups/letters/{id}/print", get(follow_up_more::letter_print))
        .route("/vehicles/{id}/sanbao-terms", get(sanbao_cases::terms_print))
        .route("/repair-orders/{id}/sanbao", post(sanbao_cases::save_record))
        .route("/repair-orders/{id}/spare-car", post(sanbao_cases::save_spare))
        .route("/sanbao-terms/{brand}", get(sanbao_cases::brand_terms).post(sanbao_cases::save_brand_terms))
        .route("/sanbao-cases", get(sanbao_cases::list).post(sanbao_cases::create))
        .route("/sanbao-cases.xlsx", get(sanbao_cases::export))
        .route("/sanbao-cases/new", get(sanbao_cases::new))
        .route("/sanbao-cases/{id}", get(sanbao_cases::show))
        .route("/sanbao-cases/{id}/decide", post(sanbao_cases::decide))
        .route("/sanbao-cases/{id}/complete", post(sanbao_cases::complete))
        .route("/sanbao-cases/{id}/print", get(sanbao_cases::print))
        .route("/warranty-claims", get(warranty::list).post(warranty::create))
        .route("/warranty-claims.xlsx", get(warranty::export))
        .route("/warranty-claims/new", get(warranty::new))
        .route("/warranty-claims/{id}", get(warranty::show).post(warranty::update))
        .route("/warranty-claims/{id}/edit", get(warranty::edit))
        .route("/warranty-claims/{id}/decide", get(warranty::decide_form).post(warranty::decide))
        .route("/warranty-claims/{id}/print", get(warranty::print))
        .route("/warranty-claims/{id}/do/{action}", post(warranty::action))
        .route("/warranty-claims/{id}/goodwill/{decision}", post(warranty_flow::goodwill_decide))
        .route("/warranty/preauths", get(warranty_flow::preauths).post(warranty_flow::preauth_create))
        .route("/warranty/preauths/new", get(warranty_flow::preauth_new))
        .route("/warranty/preauths/{id}", get(warranty_flow::preauth_show))
        .route("/warranty/preauths/{id}/do/{action}", post(warranty_flow::preauth_action))
        .route("/warranty/archive", get(warranty_flow::archive))
        .route("/warranty/archive/{month}/zip", get(warranty_flow::archive_zip))
        .route("/warranty/board", get(warranty_flow::board_page))
        .route("/warranty/rates", get(warranty_flow::rates_page))
        .route("/warranty/rates.xlsx", get(warranty_flow::rates_export))
        .route("/campaigns", get(campaigns::list).post(campaigns::create))
        .route("/campaigns.xlsx", get(campaigns::export))
        .route("/campaigns/new", get(campaigns::new))
        .route("/campaigns/{id}", get(campaigns::show).post(campaigns::update))
        .route("/campaigns/{id}/edit", get(campaigns::edit))
        .route("/campaigns/{id}/report.xlsx", get(campaigns::report_xlsx))
        .route("/campaigns/{id}/do/{action}", post(campaigns::action))
        .route(
            "/campaigns/{id}/import",
            get(campaigns::import_show).post(campaigns::import_upload).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/campaigns/{id}/import/{token}", post(campaigns::import_run))
        .route("/campaigns/{id}/import/{token}/errors.xlsx", get(campaigns::import_errors))
        .route("/campaign-vehicles/{id}", get(campaigns::vehicle))
        .route("/campaign-vehicles/{id}/contact", post(campaigns::contact))
        .route("/campaign-vehicles/{id}/claim", post(campaigns::claim))
        .route("/campaign-vehicles/{id}/do/{action}", post(campaigns::vehicle_action))
        .route("/quality/reports", get(quality::reports).post(quality::report_create))
        .route("/quality/reports.xlsx", get(quality::reports_export))
        .route("/quality/reports/new", get(quality::report_new))
        .route("/quality/reports/{id}", get(quality::report_show))
        .route("/quality/reports/{id}/send", post(quality::report_send))
        .route("/quality/proposals", get(quality::proposals).post(quality::adopt))
        .route("/quality/settings", post(quality::settings_save))
        .route("/quality/bulletins", get(quality::bulletins).post(quality::bulletin_create))
        .route("/quality/bulletins.xlsx", get(quality::bulletins_export))
        .route("/quality/bulletins/new", get(quality::bulletin_new))
        .route("/quality/bulletins/{id}", get(quality::bulletin_show))
        .route("/quality/bulletins/{id}/read", post(quality::bulletin_read))
        .route("/warranty/settings", get(warranty::settings_list))
        .route("/warranty/settings/{brand}", get(warranty::settings_show).post(warranty::settings_save))
        .route("/warranty/settings/{brand}/import", post(warranty::settings_import))
        .route("/warranty/settings/{brand}/returns", get(returns::rules_show).post(returns::rules_save))
        .route("/part-tags", get(returns::tags))
        .route("/part-tags.xlsx", get(returns::tags_export))
        .route("/part-tags/labels", get(returns::tag_labels))
        .route("/part-tags/scrap", post(returns::scrap))
        .route("/part-tags/{id}", get(returns::tag_show).post(returns::tag_save))
        .route("/part-tags/{id}/label", get(returns::tag_label_one))
        .route("/part-scraps", get(returns::scraps))
        .route("/part-scraps.xlsx", get(returns::scraps_export))
        .route("/return-shipments", get(returns::shipments))
        .route("/return-shipments.xlsx", get(returns::shipments_export))
        .route("/return-shipments/propose", post(returns::propose))
        .route("/return-shipments/{id}", get(returns::shipment_show))
        .route("/return-shipments/{id}/print", get(returns::shipment_print))
        .route("/return-shipments/{id}/labels", get(returns::box_labels))
        .route("/return-shipments/{id}/inspect", get(returns::inspect_form).post(returns::inspect))
        .route("/return-shipments/{id}/do/{action}", post(returns::shipment_action))
        .route("/insurance/policies", get(insurance::policies).post(insurance::policy_create))
        .route("/insurance/policies.xlsx", get(insurance::policies_export))
        .route("/insurance/policies/new", get(insurance::policy_new))
        .route("/insurance/policies/{id}", get(insurance::policy_show))
        .route("/insurance/policies/{id}/print", get(insurance::policy_print))
        .route("/insurance/policies/{id}/{action}", post(insurance::policy_action))
        .route("/insurance/claims", get(insurance::claims).post(insurance::claim_create))
        .route("/insurance/claims.xlsx", get(insurance::claims_export))
        .route("/insurance/claims/new", get(insurance::claim_new))
        .route("/insurance/claims/{id}", get(insurance::claim_show))
        .route("/insurance/claims/{id}/step", post(insurance::claim_step))
        .route("/insurance/claims/{id}/withdraw", post(insurance::claim_withdraw))
        .route("/insurance/claims/{id}/documents", post(insurance::claim_document))
        .route("/insurance/claims/{id}/assessment", get(insurance::assessment_edit).post(insurance::assessment_save))
        .route("/insurance/claims/{id}/print", get(insurance::claim_print))
        .route("/insurance/leads", get(insurance::leads).post(insurance::lead_create))
        .route("/insurance/leads.xlsx", get(insurance::leads_export))
        .route("/insurance/leads/new", get(insurance::lead_new))
        .route("/insurance/leads/{id}", get(insurance::lead_show))
        .route("/insurance/leads/{id}/{action}", post(insurance::lead_action))
        .route("/insurance/commission", get(insurance::commission).post(insurance::pay_rule_save))
        .route("/insurance/commission.xlsx", get(insurance::commission_export))
        .route("/insurance/insurers", get(insurance::insurers_page).post(insurance::insurer_create))
        .route("/insurance/checklists", post(insurance::checklist_save))
        .route("/insurance/insurers/{id}", get(insurance::insurer_show).post(insurance::insurer_update))
        .route("/insurance/insurers/{id}/covers", post(insurance::insurer_cover))
        .route("/settlement/statements", get(statements::list))
        .route("/settlement/statements.xlsx", get(statements::list_export))
        .route(
            "/settlement/statements/import",
            get(statements::import_new).post(statements::import_post).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/settlement/statements/{id}", get(statements::show))
        .route("/settlement/statements/{id}/lines.xlsx", get(statements::show_export))
        .route("/settlement/statements/{id}/payments", post(statements::payment))
        .route("/settlement/statements/{id}/invoices", post(statements::invoice))
        .route("/settlement/statements/{id}/appeal", get(statements::appeal_new).post(statements::appeal_create))
        .route("/settlement/appeals", get(statements::appeals))
        .route("/settlement/appeals.xlsx", get(statements::appeals_export))
        .route("/settlement/appeals/{id}", get(statements::appeal_show))
        .route("/settlement/appeals/{id}/print", get(statements::appeal_print))
        .route("/settlement/appeals/{id}/do/{action}", post(statements::appeal_action))
        .route("/settlement/check", get(statements::check))
        .route("/settlement/check.xlsx", get(statements::check_export))
        .route("/settlement/income", get(statements::income))
        .route("/settlement/income.xlsx", get(statements::income_export))
        .route("/settlement/aging", get(statements::aging))
        .route("/settlement/aging.xlsx", get(statements::aging_export))
        .route("/settlement/accountability", get(statements::accountability).post(statements::rule_save))
        .route("/settlement/accountability.xlsx", get(statements::accountability_export))
        .route("/insurance/commission-statements", get(statements::commission_list))
        .route("/insurance/commission-statements.xlsx", get(statements::commission_export))
        .route(
            "/insurance/commission-statements/import",
            get(statements::commission_import_new)
                .post(statements::commission_import_post)
                .layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/insurance/commission-statements/{id}", get(statements::commission_show))
        .route("/insurance/commission-statements/{id}/lines.xlsx", get(statements::commission_show_export))
        .route("/admin/stores", get(admin::stores).post(admin::create_store))
        .route("/admin/stores/new", get(admin::new_store))
        .route("/admin/stores/{id}", get(admin::edit_store).post(admin::update_store))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/new", get(admin::new_user))
        .route("/admin/users/{id}", get(admin::show_user))
        .route("/admin/users/{id}/grant", post(admin::grant))
        .route("/admin/users/{id}/revoke/{grant}", get(admin::confirm_revoke).post(admin::revoke))
        .route("/admin/permissions", get(admin::permissions))
        .route("/admin/calendar", get(calendar::show).post(calendar::add))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", get(account::tokens).post(account::create_token))
        .route("/account/tokens/{id}/revoke", get(account::confirm_revoke).post(account::revoke_token))
        .route("/sanbao", get(rule_pages::sanbao).post(rule_pages::assess))
        .route("/sanbao/print", post(rule_pages::print))
        .route("/adjustment", get(rule_pages::adjustment).post(rule_pages::adjust))
        .route("/rules", get(rules::index))
        .route("/rules/{name}", get(rules::show).post(rules::try_rule))
        .route(
            "/attachments/upload/{owner_kind}/{owner_id}",
            post(attachments::upload).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/attachments/{id}", get(attachments::download))
        .route("/attachments/{id}/remove", post(attachments::remove))
        .route("/static/{name}", get(crate::static_files::serve))
        .route("/api/docs", get(api_docs))
        .route("/health", get(|| async { "ok" }))
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(ui_routes())
        .nest("/api/v1", api_routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(16 * 1024 * 1024))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        crate::error::ApiError(claimdesk_app::AppError::NotFound).into_response()
    } else {
        ui::error_page(crate::messages::Locale::Zh, claimdesk_app::AppError::NotFound)
    }
}

/// A readable API page drawn from the OpenAPI document, served by the binary (no CDN).
async fn api_docs() -> Html<String> {
    use utoipa::OpenApi;
    let doc = api::openapi::ApiDoc::openapi();
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>claimdesk API</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main class=\"main\" style=\"max-width:1100px;margin:0 auto\">",
    );
    html.push_str("<h1>claimdesk API <small class=\"subtitle\">/api/v1 · <a href=\"/api/v1/openapi.json\">openapi.json</a></small></h1>");
    if let Some(description) = &doc.info.description {
        html.push_str(&format!("<p>{}</p>", escape(description)));
    }
    html.push_str("<div class=\"table-wrap\"><table class=\"grid\"><thead><tr><th scope=\"col\">method</th><th scope=\"col\">path</th><th scope=\"col\">summary</th></tr></thead><tbody>");
    for (path, item) in &doc.paths.paths {
        let operations = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PATCH", &item.patch),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation {
                let summary = operation.summary.clone().or_else(|| operation.description.clone()).unwrap_or_default();
                html.push_str(&format!(
                    "<tr><td class=\"mono\">{method}</td><td class=\"mono\">{}</td><td>{}</td></tr>",
                    escape(path),
                    escape(&summary)
                ));
            }
        }
    }
    html.push_str("</tbody></table></div></main></body></html>");
    Html(html)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
