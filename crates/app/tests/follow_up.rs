//! The follow-up month of issue 7 on both databases: a car handed over on a Monday → the archive → the first
//! call with a complaint → escalation after 2 days → a solution → the customer told → the second call →
//! the monthly summary; plus the rules the services enforce (no repeated topics, retries, stand-ins, 404).

use claimdesk_app::customers::{self, CustomerWithVehicle};
use claimdesk_app::follow_up::{self, ArchiveInput, CallForm, StandInInput};
use claimdesk_app::repair_orders::{self, RepairOrderInput};
use claimdesk_app::worklist::{self, ManualDueInput};
use claimdesk_app::{Actor, App, AppError, FixedClock, auth};
use claimdesk_domain::customer::CustomerInput;
use claimdesk_domain::vehicle::VehicleInput;
use claimdesk_testkit::{Which, backends, demo, names, test_app};
use rand::SeedableRng;

async fn login(app: &App, username: &str) -> Actor {
    auth::login(app, username, "pw-test-1", "test").await.unwrap_or_else(|e| panic!("{username}: {e:?}")).actor
}

fn at(clock: &FixedClock, day: &str) {
    clock.set(format!("{day}T02:00:00Z").parse().unwrap());
}

fn call(customer_id: &str, kind: &str, topics: &[&str]) -> CallForm {
    CallForm {
        customer_id: Some(customer_id.into()),
        kind: kind.into(),
        outcome: "reached".into(),
        topics: topics.iter().map(|t| t.to_string()).collect(),
        answers: topics.iter().map(|t| (t.to_string(), format!("answer {t}"))).collect(),
        satisfaction: Some(4),
        ..CallForm::default()
    }
}

async fn month(which: Which) {
    let (app, clock, _db) = test_app(which, "2024-05-13T02:00:00Z").await;
    demo::load(&app, 8, "pw-test-1").await.unwrap();
    let agent = login(&app, "bj01.followup").await;
    let supervisor = login(&app, "bj01.manager").await;
    let advisor = login(&app, "bj01.advisor").await;
    let other_store = login(&app, "gz01.followup").await;

    // Monday 2024-05-13: a customer's car is collected.
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let customer = customers::create(
        &app,
        &advisor,
        CustomerWithVehicle {
            customer: CustomerInput {
                name: "王建国".into(),
                kind: "person".into(),
                mobile: "13912345678".into(),
                address: "北京市朝阳区望京街1号".into(),
                area: "朝阳".into(),
                follow_up_user_id: Some(agent.user_id.clone()),
                ..CustomerInput::default()
            },
            vehicle: Some(VehicleInput {
                vin: names::vin(&mut rng, "LHG"),
                plate: "京N12345".into(),
                brand: "广汽本田".into(),
                model: "雅阁".into(),
                powertrain: "ice".into(),
                use_nature: "private".into(),
                delivered_on: Some("2023-05-10".into()),
                odometer_km: Some(5_000),
                ..VehicleInput::default()
            }),
            store_id: None,
        },
    )
    .await
    .unwrap();
    let order = repair_orders::create(
        &app,
        &advisor,
        RepairOrderInput {
            vehicle_id: customer.vehicles[0].id.clone(),
            kind: "maintenance".into(),
            mileage_in: Some(12_000),
            ..RepairOrderInput::default()
        },
    )
    .await
    .unwrap();
    for action in ["start", "complete", "hand_over"] {
        repair_orders::transition(&app, &advisor, &order.id, action).await.unwrap();
    }
    let list = worklist::my_worklist(&app, &agent).await.unwrap();
    let mine: Vec<_> = list.this_week.iter().filter(|i| i.subject_id == customer.id).collect();
    let archive = mine.iter().find(|i| i.kind == "customer_archive").expect("archive due item");
    assert_eq!(archive.due_on, "2024-05-15", "FU-01: within 2 days");
    let first = mine.iter().find(|i| i.kind == "first_call").expect("first call due item");
    assert_eq!((first.window_from.as_deref(), first.due_on.as_str()), (Some("2024-05-16"), "2024-05-20"));

    // Tuesday: the archive, with the next maintenance computed.
    at(&clock, "2024-05-14");
    let archived = follow_up::complete_archive(
        &app,
        &agent,
        &customer.id,
        ArchiveInput {
            maintenance_interval_km: Some(5_000),
            maintenance_interval_months: Some(6),
            wanted_services: "保养提醒".into(),
            ..ArchiveInput::default()
        },
    )
    .await
    .unwrap();
    assert!(archived.archived);
    assert!(archived.customer.next_maintenance_on.is_some());
    assert!(archived.due.iter().any(|d| d.kind == "next_service"), "F2: a planned next contact");

    // Friday 2024-05-17: the first call, with a complaint left open.
    at(&clock, "2024-05-17");
    let mut first_call = call(&customer.id, "first_call", &["usage", "service_opinion"]);
    first_call.satisfaction = Some(2);
    first_call.complaint = "保养后发动机有异响".into();
    let made = follow_up::record_call(&app, &agent, first_call).await.unwrap();
    let complaint_id = made.call.complaint_id.clone().expect("a complaint case");
    let archive_view = follow_up::archive(&app, &agent, &customer.id).await.unwrap();
    let second = archive_view.due.iter().find(|d| d.kind == "second_call").expect("second call due");
    assert_eq!((second.window_from.as_deref(), second.due_on.as_str()), (Some("2024-05-25"), "2024-05-31"));
    assert!(!archive_view.due.iter().any(|d| d.kind == "first_call"));

    // Another store's complaint reads as missing.
    assert!(matches!(follow_up::complaint(&app, &other_store, &complaint_id).await, Err(AppError::NotFound)));

    // Sunday 2024-05-19: unsolved, so the scheduler hands it to the supervisor (FU-03).
    at(&clock, "2024-05-18");
    worklist::escalate_overdue(&app).await.unwrap();
    follow_up::sync_escalations(&app).await.unwrap();
    assert_eq!(follow_up::complaint(&app, &agent, &complaint_id).await.unwrap().complaint.status, "open");
    at(&clock, "2024-05-19");
    assert!(worklist::escalate_overdue(&app).await.unwrap() >= 1);
    assert_eq!(follow_up::sync_escalations(&app).await.unwrap(), 1);
    let escalated = follow_up::complaint(&app, &agent, &complaint_id).await.unwrap();
    assert_eq!(escalated.complaint.status, "escalated");
    assert_eq!(escalated.complaint.escalated_to.as_deref(), Some(supervisor.user_id.as_str()));
    let boss = worklist::my_worklist(&app, &supervisor).await.unwrap();
    assert!(boss.overdue.iter().any(|i| i.kind == "complaint_escalation" && i.subject_id == complaint_id));

    // Monday 2024-05-20: the supervisor finds the solution; the customer is told the same day.
    at(&clock, "2024-05-20");
    let err = follow_up::solve(&app, &supervisor, &complaint_id, " ").await.unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)));
    follow_up::solve(&app, &supervisor, &complaint_id, "更换正时皮带张紧器，免费").await.unwrap();
    let today = worklist::my_worklist(&app, &agent).await.unwrap();
    assert!(today.due_today.iter().any(|i| i.kind == "tell_customer"), "same-day due item");
    let told = follow_up::tell_customer(&app, &agent, &complaint_id, "").await.unwrap();
    assert_eq!(told.complaint.status, "closed");
    assert_eq!(told.complaint.customer_told_on.as_deref(), Some("2024-05-20"));

    // Saturday 2024-05-25: unreachable, tried again the next day; the second call may not repeat the first.
    at(&clock, "2024-05-25");
    let mut nobody = call(&customer.id, "second_call", &[]);
    nobody.outcome = "unreachable".into();
    let attempt = follow_up::record_call(&app, &agent, nobody).await.unwrap();
    assert_eq!(attempt.next_attempt.as_deref(), Some("2024-05-26"));
    at(&clock, "2024-05-26");
    let repeat = follow_up::record_call(&app, &agent, call(&customer.id, "second_call", &["usage", "events"])).await;
    let Err(AppError::Invalid(violations)) = repeat else { panic!("{repeat:?}") };
    assert_eq!((violations.0[0].field.as_str(), violations.0[0].code), ("topics", "second_call_repeats_topics"));
    follow_up::record_call(&app, &agent, call(&customer.id, "second_call", &["new_needs", "events"])).await.unwrap();

    // An inbound consultation goes into the registers too.
    let mut inbound = CallForm {
        kind: "inbound_consultation".into(),
        caller_name: "李女士".into(),
        phone: "13800000000".into(),
        ..CallForm::default()
    };
    inbound.summary = "咨询保养价格".into();
    follow_up::record_call(&app, &agent, inbound).await.unwrap();
    let registers = follow_up::registers(&app, &agent, "2024-05-01", "2024-05-31").await.unwrap();
    let kinds: Vec<&str> = registers.calls.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["first_call", "complaint_reply", "second_call", "second_call", "inbound_consultation"]);

    // F7: the supervisor names a stand-in; the stand-in's worklist shows the absent person's items.
    let stand_in = follow_up::assign_stand_in(
        &app,
        &supervisor,
        StandInInput {
            absent_user_id: agent.user_id.clone(),
            stand_in_user_id: advisor.user_id.clone(),
            from_on: "2024-05-26".into(),
            to_on: "2024-05-28".into(),
            reason: "年假".into(),
            store_id: None,
        },
    )
    .await
    .unwrap();
    let task = ManualDueInput {
        title: "回电王先生".into(),
        due_on: "2024-05-27".into(),
        assignee_id: Some(agent.user_id.clone()),
        store_id: None,
    };
    worklist::create_manual(&app, &supervisor, task).await.unwrap();
    let covering = worklist::my_worklist(&app, &advisor).await.unwrap();
    assert!(
        covering.this_week.iter().any(|i| i.subject_label == "回电王先生"),
        "stand-in sees the absent person's items"
    );
    assert!(follow_up::assign_stand_in(&app, &agent, StandInInput::default()).await.is_err(), "agents cannot assign");
    follow_up::revoke_stand_in(&app, &supervisor, &stand_in.stand_in.id).await.unwrap();
    let after = worklist::my_worklist(&app, &advisor).await.unwrap();
    assert!(!after.this_week.iter().any(|i| i.subject_label == "回电王先生"));

    // Friday 2024-05-31: the monthly summary counts all of it; once filed it is kept as it is.
    at(&clock, "2024-05-31");
    assert!(follow_up::month_end_items(&app).await.unwrap() >= 1);
    let draft = follow_up::draft_summary(&app, &supervisor, "month", "2024-05").await.unwrap();
    let figures = &draft.board;
    assert_eq!(
        (figures.first_calls, figures.second_calls, figures.unreachable, figures.inbound_calls),
        (1, 1, 1, 1),
        "{figures:?}"
    );
    assert_eq!(
        (figures.complaints_opened, figures.complaints_escalated, figures.complaints_solved, figures.complaints_told),
        (1, 1, 1, 1)
    );
    assert!(figures.archives_done >= 1);
    assert_eq!(figures.satisfaction, Some(50), "one 2 and one 4");
    assert!(matches!(follow_up::draft_summary(&app, &agent, "month", "2024-05").await, Err(AppError::Forbidden)));
    let filed =
        follow_up::file_summary(&app, &supervisor, &draft.summary.id, Some("本月回访按时完成。")).await.unwrap();
    assert_eq!(filed.summary.status, "filed");
    assert!(matches!(
        follow_up::save_summary(&app, &supervisor, &draft.summary.id, "x").await,
        Err(AppError::Conflict(_))
    ));
    let boss = worklist::my_worklist(&app, &supervisor).await.unwrap();
    assert!(!boss.due_today.iter().any(|i| i.kind == "summary_due"), "filing closes the month-end item");
    assert!(claimdesk_app::audit::verify(&app).await.unwrap().broken.is_none());
}

#[tokio::test]
async fn the_follow_up_month_on_every_backend() {
    for which in backends() {
        month(which).await;
    }
}

async fn events(which: Which) {
    let (app, _clock, _db) = test_app(which, "2024-05-13T02:00:00Z").await;
    demo::load(&app, 30, "pw-test-1").await.unwrap();
    let agent = login(&app, "bj01.followup").await;
    let detail = follow_up::create_event(
        &app,
        &agent,
        follow_up::EventInput {
            kind: "free_inspection_week".into(),
            title: "夏季免费检测周".into(),
            event_on: "2024-06-15".into(),
            place: "本店售后车间".into(),
            letter_template: "invitation".into(),
            ..follow_up::EventInput::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(detail.notice_due_on, "2024-06-01");
    assert!(!detail.targets.is_empty());
    let target = detail.targets[0].target.customer_id.clone();
    let mut notice = call(&target, "event_notice", &[]);
    notice.event_id = Some(detail.event.id.clone());
    follow_up::record_call(&app, &agent, notice).await.unwrap();
    let archive = follow_up::archive(&app, &agent, &target).await.unwrap();
    let letter = archive.due.iter().find(|d| d.kind == "event_letter").expect("letter due");
    assert_eq!(letter.due_on, "2024-05-15", "within 2 days of the call");
    assert_eq!(follow_up::send_letters(&app, &agent, &detail.event.id).await.unwrap(), 1);
    let registers = follow_up::registers(&app, &agent, "2024-05-01", "2024-05-31").await.unwrap();
    assert_eq!(registers.letters.len(), 1);
    assert_eq!(registers.letters[0].template, "invitation");
    let board = follow_up::board(&app, &agent, None, None).await;
    assert!(board.is_ok());
    let lost = follow_up::generate_lost_customers(&app, &agent).await.unwrap();
    let again = follow_up::generate_lost_customers(&app, &agent).await.unwrap();
    assert_eq!(again, 0, "a lost customer is listed once (had {lost})");
}

#[tokio::test]
async fn events_letters_and_lost_customers_on_every_backend() {
    for which in backends() {
        events(which).await;
    }
}
