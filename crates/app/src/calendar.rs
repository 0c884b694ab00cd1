//! The working-day calendar: loading an admin's holiday notice and putting it in force.

use claimdesk_domain::Violation;
use claimdesk_domain::access::Permission;
use claimdesk_domain::calendar::{self, CalendarRow, DayKind, WorkCalendar};
use claimdesk_store::calendar::{self as store_calendar, CalendarDayRow};
use claimdesk_store::job;

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

fn to_domain(row: &CalendarDayRow) -> Option<CalendarRow> {
    Some(CalendarRow {
        date: row.day.parse().ok()?,
        kind: if row.kind == "work" { DayKind::Work } else { DayKind::Off },
        holiday: row.holiday.clone(),
        source: row.source.clone(),
    })
}

/// Puts the stored notices in force (at start, and after each change).
pub async fn load(app: &App) -> AppResult<usize> {
    let rows =
        app.db.read(job(|tx| Box::pin(async move { Ok::<_, AppError>(store_calendar::all(tx).await?) }))).await?;
    let extra: Vec<CalendarRow> = rows.iter().filter_map(to_domain).collect();
    let count = extra.len();
    WorkCalendar::install(extra);
    Ok(count)
}

/// Loads a year's notice: CSV rows `date,kind,holiday,year,source` as in the built-in file. Group admins only.
pub async fn add_notice(app: &App, actor: &Actor, csv: &str) -> AppResult<usize> {
    if !actor.has_group_role() || !actor.can_anywhere(Permission::StoresManage) {
        return Err(AppError::Forbidden);
    }
    let rows = calendar::parse_csv(csv).map_err(|violation| violation.nested("csv"))?;
    if rows.is_empty() {
        return Err(Violation::new("csv", "required").into());
    }
    let now = app.now_ms();
    let actor_clone = actor.clone();
    let count = rows.len();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                for row in &rows {
                    let stored = CalendarDayRow {
                        day: row.date.to_string(),
                        kind: if row.kind == DayKind::Work { "work".into() } else { "off".into() },
                        holiday: row.holiday.clone(),
                        source: row.source.clone(),
                        created_at: now,
                        created_by: actor_clone.actor_id().map(str::to_string),
                    };
                    store_calendar::upsert(tx, &stored).await?;
                    let shown =
                        serde_json::json!({"kind": stored.kind, "holiday": stored.holiday, "source": stored.source});
                    audit::record(
                        tx,
                        &actor_clone,
                        now,
                        audit::Entry {
                            store_id: None,
                            entity: "calendar_day",
                            entity_id: &stored.day,
                            action: "upsert",
                            before: None::<&()>,
                            after: Some(&shown),
                        },
                    )
                    .await?;
                }
                Ok::<_, AppError>(())
            })
        }))
        .await?;
    load(app).await?;
    Ok(count)
}

/// The years the calendar covers now.
pub fn years() -> Vec<i16> {
    WorkCalendar::current().years().collect()
}
