//! Issue 7's remaining follow-up pieces on both databases: consultation visits, the store's settings used
//! by the services, reply letters, event notices keyed per event, stand-ins on their store's date, the
//! paged worklist and the paged lists.

use claimdesk_app::AppError;
use claimdesk_app::follow_up::{
    self, CallForm, ConsultationInput, EventInput, RegisterForm, RegisterPage, ReplyInput, SettingsInput, StandInInput,
};
use claimdesk_app::page::PageRequest;
use claimdesk_app::worklist::{self, DueSpec, create_due};
use claimdesk_domain::access::Role;
use claimdesk_domain::followup::FollowUpSettings;
use claimdesk_store::job;

use crate::helpers::{World, backends, fields, has};

fn at(world: &World, instant: &str) {
    world.clock.set(instant.parse().expect("instant"));
}

fn visit(purpose: &str) -> ConsultationInput {
    ConsultationInput { visited_on: None, purpose: purpose.into(), note: String::new() }
}

fn call(customer_id: &str, kind: &str, event_id: Option<&str>) -> CallForm {
    CallForm {
        customer_id: Some(customer_id.into()),
        kind: kind.into(),
        outcome: "reached".into(),
        event_id: event_id.map(str::to_string),
        ..CallForm::default()
    }
}

/// Every open item of a person, whatever the page size.
async fn all_items(world: &World, actor: &claimdesk_app::Actor) -> Vec<worklist::DueItemView> {
    let list = worklist::my_worklist_page(&world.app, actor, PageRequest::new(None, Some(200))).await.unwrap();
    list.items().cloned().collect()
}

#[tokio::test]
async fn a_consultation_visit_makes_the_archive_and_first_call_due() {
    for which in backends() {
        let world = World::new(which).await;
        let agent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        let stranger = world.person("sh01.followup", Some(&world.store_b), Role::FollowUpAgent).await;
        let customer = world.customer(&agent, "李咨询", 1).await;

        // Monday 2024-05-13: the customer comes in to ask about a maintenance price, no repair order.
        let made =
            follow_up::record_consultation(&world.app, &agent, &customer.id, visit("咨询保养价格")).await.unwrap();
        assert_eq!(made.visit.visited_on, "2024-05-13", "{which:?}");
        assert!(made.visit.number.starts_with("ZX20240513"), "{}", made.visit.number);
        let items = all_items(&world, &agent).await;
        let mine: Vec<_> = items.iter().filter(|i| i.subject_id == customer.id).collect();
        let archive = mine.iter().find(|i| i.kind == "customer_archive").expect("archive due item");
        assert_eq!(archive.due_on, "2024-05-15", "F1: within 2 days of the visit ({which:?})");
        assert_eq!(archive.params["consultation"], made.visit.number.as_str());
        let first = mine.iter().find(|i| i.kind == "first_call").expect("first call");
        assert_eq!((first.window_from.as_deref(), first.due_on.as_str()), (Some("2024-05-16"), "2024-05-20"));

        // The archive lists the visit in the service history, and it is the customer's last visit.
        let view = follow_up::archive(&world.app, &agent, &customer.id).await.unwrap();
        assert_eq!(view.visits.len(), 1);
        assert_eq!(view.customer.last_visit_on.as_deref(), Some("2024-05-13"));

        // A visit in the future or without a purpose is refused, naming the field; another store's customer
        // is not found.
        let future = ConsultationInput { visited_on: Some("2024-05-20".into()), ..visit("x") };
        let refused = fields(follow_up::record_consultation(&world.app, &agent, &customer.id, future).await);
        assert!(has(&refused, "visited_on", "date_in_future"), "{refused:?}");
        let refused = fields(follow_up::record_consultation(&world.app, &agent, &customer.id, visit(" ")).await);
        assert!(has(&refused, "purpose", "required"), "{refused:?}");
        let hidden = follow_up::record_consultation(&world.app, &stranger, &customer.id, visit("x")).await;
        assert!(matches!(hidden, Err(AppError::NotFound)), "{hidden:?}");
        // A second visit replaces the open deadlines rather than doubling them.
        at(&world, "2024-05-14T02:00:00Z");
        follow_up::record_consultation(&world.app, &agent, &customer.id, visit("取资料")).await.unwrap();
        let items = all_items(&world, &agent).await;
        let archives: Vec<_> =
            items.iter().filter(|i| i.subject_id == customer.id && i.kind == "customer_archive").collect();
        assert_eq!(archives.len(), 1);
        assert_eq!(archives[0].due_on, "2024-05-16");
        let page =
            follow_up::visits_page(&world.app, &agent, "2024-05-01", "2024-05-31", PageRequest::new(Some(1), Some(1)))
                .await
                .unwrap();
        assert_eq!((page.total, page.items.len(), page.per_page), (2, 1, 1));
    }
}

#[tokio::test]
async fn the_stores_settings_change_the_dates_the_services_compute() {
    for which in backends() {
        let world = World::new(which).await;
        let agent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        let supervisor = world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
        let admin = world.person("bj01.admin", Some(&world.store_a), Role::StoreAdmin).await;

        let view = follow_up::follow_up_settings(&world.app, &agent, None).await.unwrap();
        assert!(view.is_default, "{which:?}");
        assert_eq!(view.settings, FollowUpSettings::default());

        // The follow-up agent may read but not change them.
        let input = |settings: FollowUpSettings, version: i64| SettingsInput {
            settings,
            version: Some(version),
            store_id: None,
        };
        let faster = FollowUpSettings {
            archive_days: 1,
            escalation_days: 1,
            lost_after_months: 3,
            ..FollowUpSettings::default()
        };
        let denied = follow_up::save_follow_up_settings(&world.app, &agent, input(faster.clone(), 0)).await;
        assert!(matches!(denied, Err(AppError::Forbidden)), "{denied:?}");
        // A window that ends before it starts is named on its field.
        let backwards = FollowUpSettings { first_call_from: 9, ..FollowUpSettings::default() };
        let refused = fields(follow_up::save_follow_up_settings(&world.app, &supervisor, input(backwards, 0)).await);
        assert!(has(&refused, "first_call_to", "followup_window_order"), "{refused:?}");
        let saved =
            follow_up::save_follow_up_settings(&world.app, &supervisor, input(faster.clone(), 0)).await.unwrap();
        assert!(!saved.is_default);
        assert_eq!(saved.version, 1);
        // A save on a stale version is refused; the store admin may save too.
        let stale = follow_up::save_follow_up_settings(&world.app, &admin, input(faster.clone(), 0)).await;
        assert!(matches!(stale, Err(AppError::Conflict("stale_version"))), "{stale:?}");
        let by_admin = follow_up::save_follow_up_settings(&world.app, &admin, input(faster.clone(), 1)).await.unwrap();
        assert_eq!(by_admin.version, 2);
        // The other store keeps the defaults.
        let other = world.person("sh01.followup", Some(&world.store_b), Role::FollowUpAgent).await;
        assert!(follow_up::follow_up_settings(&world.app, &other, None).await.unwrap().is_default);

        // The services use them: the archive is due within 1 day of a visit, a complaint reaches the
        // supervisor within 1 day.
        let customer = world.customer(&agent, "王设置", 2).await;
        follow_up::record_consultation(&world.app, &agent, &customer.id, visit("咨询")).await.unwrap();
        let items = all_items(&world, &agent).await;
        let archive = items.iter().find(|i| i.subject_id == customer.id && i.kind == "customer_archive").unwrap();
        assert_eq!(archive.due_on, "2024-05-14", "{which:?}");
        let mut complaint_call = call(&customer.id, "inbound_complaint", None);
        complaint_call.complaint = "等待时间太长".into();
        let made = follow_up::record_call(&world.app, &agent, complaint_call).await.unwrap();
        let complaint = made.call.complaint_id.expect("complaint");
        let items = all_items(&world, &agent).await;
        let escalation = items.iter().find(|i| i.subject_id == complaint).expect("escalation item");
        assert_eq!(escalation.params["escalate_by"], "2024-05-14");

        // Lost customers after 3 months: a customer last seen in January is listed, one seen in March not.
        let lost = world.customer(&agent, "赵流失", 3).await;
        let recent = world.customer(&agent, "钱最近", 4).await;
        for (id, day) in [(&lost.id, "2024-01-20"), (&recent.id, "2024-03-01")] {
            world.execute(&format!("UPDATE customers SET last_visit_on = '{day}' WHERE id = '{id}'")).await;
        }
        assert!(follow_up::generate_lost_customers(&world.app, &agent).await.unwrap() >= 1);
        let items = all_items(&world, &agent).await;
        assert!(items.iter().any(|i| i.subject_id == lost.id && i.kind == "lost_customer"));
        assert!(!items.iter().any(|i| i.subject_id == recent.id && i.kind == "lost_customer"));
    }
}

#[tokio::test]
async fn a_reply_letter_is_registered_and_printable() {
    for which in backends() {
        let world = World::new(which).await;
        let agent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        let stranger = world.person("sh01.followup", Some(&world.store_b), Role::FollowUpAgent).await;
        let customer = world.customer(&agent, "孙投诉", 5).await;
        let mut complaint_call = call(&customer.id, "inbound_complaint", None);
        complaint_call.complaint = "发票抬头错误".into();
        let complaint =
            follow_up::record_call(&world.app, &agent, complaint_call).await.unwrap().call.complaint_id.unwrap();

        // No solution yet and no text: the body is required.
        let refused = fields(follow_up::write_reply(&world.app, &agent, &complaint, ReplyInput::default()).await);
        assert!(has(&refused, "body", "required"), "{refused:?}");
        follow_up::solve(&world.app, &agent, &complaint, "已重开发票并寄出").await.unwrap();
        // The body defaults to the solution; the subject to the complaint's number.
        let letter = follow_up::write_reply(&world.app, &agent, &complaint, ReplyInput::default()).await.unwrap();
        assert_eq!((letter.template.as_str(), letter.body.as_str()), ("reply", "已重开发票并寄出"), "{which:?}");
        assert_eq!(letter.recipient, "孙投诉");
        assert_eq!(letter.complaint_id.as_deref(), Some(complaint.as_str()));
        let view = follow_up::complaint(&world.app, &agent, &complaint).await.unwrap();
        assert_eq!(view.letters.len(), 1);
        assert_eq!(letter.subject, view.complaint.number);

        // In the letter register of the period, and readable only in its store.
        let page = follow_up::register_page(
            &world.app,
            &agent,
            RegisterForm::LetterRegister,
            "2024-05-01",
            "2024-05-31",
            PageRequest::default(),
        )
        .await
        .unwrap();
        let RegisterPage::Letters(letters) = page else { panic!("letters") };
        assert_eq!(letters.items.iter().map(|l| l.template.as_str()).collect::<Vec<_>>(), ["reply"]);
        assert!(matches!(follow_up::letter(&world.app, &stranger, &letter.id).await, Err(AppError::NotFound)));
        let other = follow_up::write_reply(&world.app, &stranger, &complaint, ReplyInput::default()).await;
        assert!(matches!(other, Err(AppError::NotFound)));
    }
}

#[tokio::test]
async fn event_notices_are_due_per_event() {
    for which in backends() {
        let world = World::new(which).await;
        let agent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        let customer = world.customer(&agent, "周活动", 6).await;
        let event = |title: &str, on: &str, letter: &str| EventInput {
            kind: "customer_event".into(),
            title: title.into(),
            event_on: on.into(),
            letter_template: letter.into(),
            ..EventInput::default()
        };
        let summer =
            follow_up::create_event(&world.app, &agent, event("夏季联谊会", "2024-06-15", "invitation")).await.unwrap();
        let autumn =
            follow_up::create_event(&world.app, &agent, event("秋季检测周", "2024-06-20", "notice")).await.unwrap();
        // The notices fall due weeks ahead, so they are read from the customer's archive page.
        let open = |kind: &'static str| {
            let (app, agent, id) = (world.app.clone(), agent.clone(), customer.id.clone());
            async move {
                let mut due: Vec<_> = follow_up::archive(&app, &agent, &id)
                    .await
                    .unwrap()
                    .due
                    .into_iter()
                    .filter(|d| d.kind == kind)
                    .collect();
                due.sort_by(|a, b| a.due_on.cmp(&b.due_on));
                due
            }
        };
        let notices = open("event_notice").await;
        let days: Vec<_> = notices.iter().map(|d| d.due_on.as_str()).collect();
        assert_eq!(days, ["2024-06-01", "2024-06-06"], "two events, two notices ({which:?})");
        assert!(notices.iter().all(|d| d.subject_type == "event_target"));

        // The summer call clears the summer notice only, and its letter falls due within 2 days.
        follow_up::record_call(&world.app, &agent, call(&customer.id, "event_notice", Some(&summer.event.id)))
            .await
            .unwrap();
        let days: Vec<_> = open("event_notice").await.into_iter().map(|d| d.due_on).collect();
        assert_eq!(days, ["2024-06-06"]);
        let letters = open("event_letter").await;
        assert_eq!(letters.len(), 1);
        assert_eq!(letters[0].due_on, "2024-05-15");
        assert_eq!(letters[0].params["event_id"].as_str(), Some(summer.event.id.as_str()));
        // It is on the worklist this week, and its link leads to that customer and event.
        let items = all_items(&world, &agent).await;
        let on_list = items.iter().find(|i| i.kind == "event_letter").expect("letter on the worklist");
        let (to_customer, to_event) =
            follow_up::target_redirect(&world.app, &agent, &on_list.subject_id).await.unwrap();
        assert_eq!((to_customer.as_str(), to_event.as_str()), (customer.id.as_str(), summer.event.id.as_str()));
        // A call naming an event the customer is not targeted by is refused on the field.
        let wrong =
            fields(follow_up::record_call(&world.app, &agent, call(&customer.id, "event_notice", Some("nope"))).await);
        assert!(has(&wrong, "event_id", "not_found"), "{wrong:?}");
        // The autumn call clears the autumn notice; each event's letters close its own letter item.
        follow_up::record_call(&world.app, &agent, call(&customer.id, "event_notice", Some(&autumn.event.id)))
            .await
            .unwrap();
        assert!(open("event_notice").await.is_empty());
        assert_eq!(follow_up::send_letters(&world.app, &agent, &summer.event.id).await.unwrap(), 1);
        let left = open("event_letter").await;
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].params["event_id"].as_str(), Some(autumn.event.id.as_str()));
    }
}

#[tokio::test]
async fn a_stand_in_holds_on_the_dates_of_the_absent_persons_store() {
    for which in backends() {
        // 2024-05-26 23:30 in Beijing (15:30 UTC).
        let world = World::at(which, "2024-05-26T15:30:00Z").await;
        let supervisor = world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
        let absent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        let cover = world.person("bj01.followup2", Some(&world.store_a), Role::FollowUpAgent).await;
        let spec = DueSpec {
            store_id: world.store_a.clone(),
            assignee_id: Some(absent.user_id.clone()),
            kind: "manual".into(),
            rule: String::new(),
            subject_type: "note".into(),
            subject_id: String::new(),
            subject_label: "回电吴先生".into(),
            params: serde_json::json!({}),
            window_from: None,
            due_on: "2024-05-27".parse().unwrap(),
            escalate_after_days: None,
            escalate_to_role: None,
        };
        let now = world.app.now_ms();
        world.app.db.write(job(move |tx| Box::pin(async move { create_due(tx, spec, now).await }))).await.unwrap();
        follow_up::assign_stand_in(
            &world.app,
            &supervisor,
            StandInInput {
                absent_user_id: absent.user_id.clone(),
                stand_in_user_id: cover.user_id.clone(),
                from_on: "2024-05-27".into(),
                to_on: "2024-05-27".into(),
                ..StandInInput::default()
            },
        )
        .await
        .unwrap();
        let sees = |items: Vec<worklist::DueItemView>| items.iter().any(|i| i.subject_label == "回电吴先生");
        assert!(!sees(all_items(&world, &cover).await), "still the 26th in Beijing ({which:?})");
        // 00:30 on the 27th in Beijing, still the 26th in UTC: the stand-in holds.
        at(&world, "2024-05-26T16:30:00Z");
        assert!(sees(all_items(&world, &cover).await), "the 27th in Beijing ({which:?})");
        // 00:30 on the 28th in Beijing: it has ended.
        at(&world, "2024-05-27T16:30:00Z");
        assert!(!sees(all_items(&world, &cover).await), "the 28th in Beijing ({which:?})");
    }
}

#[tokio::test]
async fn the_worklist_and_the_lists_come_a_page_at_a_time() {
    for which in backends() {
        let world = World::new(which).await;
        let agent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        let supervisor = world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
        for serial in 0..5 {
            let customer = world.customer(&agent, &format!("客户{serial}"), 20 + serial).await;
            follow_up::record_consultation(&world.app, &agent, &customer.id, visit("咨询")).await.unwrap();
            let mut complaint_call = call(&customer.id, "inbound_complaint", None);
            complaint_call.complaint = format!("问题{serial}");
            follow_up::record_call(&world.app, &agent, complaint_call).await.unwrap();
        }
        // 5 complaint items (due the 14th), 5 archives (the 15th), 5 first calls (the 20th): all this week.
        let first = worklist::my_worklist_page(&world.app, &agent, PageRequest::new(Some(1), Some(6))).await.unwrap();
        let second = worklist::my_worklist_page(&world.app, &agent, PageRequest::new(Some(2), Some(6))).await.unwrap();
        let third = worklist::my_worklist_page(&world.app, &agent, PageRequest::new(Some(3), Some(6))).await.unwrap();
        assert_eq!(
            (first.total, first.counts.this_week, first.counts.overdue),
            (15, 15, 0),
            "{which:?} {:?}",
            first.counts
        );
        let ids = |list: &worklist::Worklist| list.items().map(|i| i.id.clone()).collect::<Vec<_>>();
        let (a, b, c) = (ids(&first), ids(&second), ids(&third));
        assert_eq!((a.len(), b.len(), c.len()), (6, 6, 3));
        let mut all: Vec<_> = a.iter().chain(&b).chain(&c).cloned().collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 15, "pages do not overlap");
        let dues: Vec<_> = first.items().chain(second.items()).chain(third.items()).map(|i| i.due_on.clone()).collect();
        assert!(dues.windows(2).all(|w| w[0] <= w[1]), "oldest deadline first across pages: {dues:?}");

        let page = follow_up::complaints_page(
            &world.app,
            &agent,
            "2024-05-01",
            "2024-05-31",
            false,
            PageRequest::new(Some(2), Some(2)),
        )
        .await
        .unwrap();
        assert_eq!((page.total, page.items.len(), page.page), (5, 2, 2));
        let calls = follow_up::register_page(
            &world.app,
            &agent,
            RegisterForm::CallRecord,
            "2024-05-01",
            "2024-05-31",
            PageRequest::new(Some(1), Some(3)),
        )
        .await
        .unwrap();
        let RegisterPage::Calls(calls) = calls else { panic!("calls") };
        assert_eq!((calls.total, calls.items.len()), (5, 3));
        let draft = follow_up::draft_summary(&world.app, &supervisor, "month", "2024-05").await.unwrap();
        // F8: the yearly summary is drafted from the same data (five inbound complaints, all open), filed
        // and kept; both summaries page.
        let year = follow_up::draft_summary(&world.app, &supervisor, "year", "2024").await.unwrap();
        assert_eq!((year.board.from.as_str(), year.board.to.as_str()), ("2024-01-01", "2024-12-31"));
        assert_eq!((year.board.complaints_opened, year.board.inbound_calls), (5, 5), "{which:?}");
        let filed = follow_up::file_summary(&world.app, &supervisor, &year.summary.id, Some("全年小结")).await.unwrap();
        assert_eq!(filed.summary.status, "filed");
        let summaries =
            follow_up::summaries_page(&world.app, &agent, PageRequest::new(Some(1), Some(1))).await.unwrap();
        assert_eq!((summaries.total, summaries.items.len()), (2, 1));
        assert_eq!(summaries.items[0].id, draft.summary.id, "2024-05 sorts before 2024");
    }
}
