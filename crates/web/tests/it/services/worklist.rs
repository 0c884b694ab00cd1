//! The worklist: dates in the store's time zone, escalation exactly once, closing.

use claimdesk_app::AppError;
use claimdesk_app::worklist::{self, DueSpec, create_due};
use claimdesk_domain::access::Role;
use claimdesk_store::job;
use claimdesk_store::query::{self, Query};

use crate::helpers::{World, backends};

/// 2024-05-14 00:30 in Beijing, still 2024-05-13 in UTC.
const JUST_AFTER_MIDNIGHT: &str = "2024-05-13T16:30:00Z";

fn spec(world: &World, assignee: &str, due_on: &str, label: &str) -> DueSpec {
    DueSpec {
        store_id: world.store_a.clone(),
        assignee_id: Some(assignee.to_string()),
        kind: "first_call".into(),
        rule: "F3".into(),
        subject_type: "customer".into(),
        subject_id: claimdesk_app::new_id(),
        subject_label: label.into(),
        params: serde_json::json!({}),
        window_from: None,
        due_on: due_on.parse().expect("date"),
        escalate_after_days: Some(2),
        escalate_to_role: Some(Role::Supervisor.as_str().into()),
    }
}

async fn add(world: &World, spec: DueSpec) -> String {
    let now = world.app.now_ms();
    world.app.db.write(job(move |tx| Box::pin(async move { create_due(tx, spec, now).await }))).await.expect("due item")
}

#[tokio::test]
async fn due_dates_are_judged_in_the_stores_time_zone() {
    for which in backends() {
        let world = World::at(which, JUST_AFTER_MIDNIGHT).await;
        let agent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        let yesterday = add(&world, spec(&world, &agent.user_id, "2024-05-13", "昨天到期")).await;
        let today = add(&world, spec(&world, &agent.user_id, "2024-05-14", "今天到期")).await;
        let later = add(&world, spec(&world, &agent.user_id, "2024-05-17", "本周到期")).await;

        let list = worklist::my_worklist(&world.app, &agent).await.expect("worklist");
        assert_eq!(list.today, "2024-05-14", "{which:?}");
        let ids = |items: &[worklist::DueItemView]| items.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&list.due_today), vec![today], "{which:?}");
        assert_eq!(ids(&list.overdue), vec![yesterday], "{which:?}");
        assert_eq!(list.overdue[0].days_overdue, 1);
        assert_eq!(ids(&list.this_week), vec![later]);
        assert_eq!(list.this_week[0].days_left, 3);
        // Someone else's list does not show them.
        let other = world.person("bj01.followup2", Some(&world.store_a), Role::FollowUpAgent).await;
        let theirs = worklist::my_worklist(&world.app, &other).await.unwrap();
        assert!(theirs.overdue.is_empty() && theirs.due_today.is_empty() && theirs.this_week.is_empty());
    }
}

#[tokio::test]
async fn an_item_overdue_beyond_its_allowance_is_escalated_once_to_the_supervisor() {
    for which in backends() {
        let world = World::at(which, JUST_AFTER_MIDNIGHT).await;
        let agent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        let supervisor = world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
        // Another store's supervisor must not receive it.
        world.person("sh01.manager", Some(&world.store_b), Role::Supervisor).await;
        // Due on the 10th with two days' grace: beyond it on the 14th. Due on the 12th: the 14th is its
        // last day of grace.
        let late = add(&world, spec(&world, &agent.user_id, "2024-05-10", "早已过期")).await;
        add(&world, spec(&world, &agent.user_id, "2024-05-12", "宽限期内")).await;

        assert_eq!(worklist::escalate_overdue(&world.app).await.expect("first run"), 1, "{which:?}");
        assert_eq!(worklist::escalate_overdue(&world.app).await.expect("second run"), 0, "{which:?}");

        let outbox: Vec<(String, String, String)> = world
            .app
            .db
            .read(job(|tx| {
                Box::pin(async move {
                    query::fetch_all(tx, &Query::new("SELECT recipient, subject, body FROM outbox")).await
                })
            }))
            .await
            .map_err(|e: claimdesk_store::StoreError| e)
            .unwrap();
        assert_eq!(outbox.len(), 1, "{which:?}: {outbox:?}");
        assert_eq!(outbox[0].0, "bj01.manager");
        assert_eq!(outbox[0].1, "escalation:first_call");
        assert!(outbox[0].2.contains(&late));
        let escalated: Vec<(String, Option<String>)> = world
            .app
            .db
            .read(job(|tx| {
                Box::pin(async move {
                    query::fetch_all(
                        tx,
                        &Query::new("SELECT id, escalated_to FROM due_items WHERE escalated_at IS NOT NULL"),
                    )
                    .await
                })
            }))
            .await
            .map_err(|e: claimdesk_store::StoreError| e)
            .unwrap();
        assert_eq!(escalated, vec![(late.clone(), Some(supervisor.user_id.clone()))], "{which:?}");
        assert_eq!(world.count("audit_log WHERE action = 'escalate'").await, 1);

        // A day later the second item is beyond its grace too, and goes up once.
        world.clock.advance_hours(24);
        assert_eq!(worklist::escalate_overdue(&world.app).await.unwrap(), 1, "{which:?}");
        assert_eq!(world.count("outbox").await, 2);
    }
}

#[tokio::test]
async fn closing_marks_done_and_closing_twice_is_a_conflict() {
    for which in backends() {
        let world = World::at(which, JUST_AFTER_MIDNIGHT).await;
        let agent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        let id = add(&world, spec(&world, &agent.user_id, "2024-05-14", "回访")).await;
        let closed = worklist::close(&world.app, &agent, &id, "done").await.expect("close");
        assert_eq!(closed.status, "done", "{which:?}");
        let again = worklist::close(&world.app, &agent, &id, "done").await;
        assert!(matches!(again, Err(AppError::Conflict(_))), "{which:?}: {again:?}");
        let list = worklist::my_worklist(&world.app, &agent).await.unwrap();
        assert!(list.due_today.is_empty(), "{which:?}: a done item leaves the list");
        // Another store's person cannot see it at all.
        let stranger = world.person("sh01.manager", Some(&world.store_b), Role::Supervisor).await;
        let hidden = worklist::close(&world.app, &stranger, &id, "cancelled").await;
        assert!(matches!(hidden, Err(AppError::NotFound)), "{which:?}: {hidden:?}");
    }
}
