-- 0009: what the follow-up desk still lacked (issue 7).
--
-- Why a new migration: 0002 is applied in the field and is never edited.
-- 1. Each store's follow-up practice (跟踪服务规范: archive days, call windows, escalation days, event
--    notice and letter days, lost-customer months) as one JSON document per store; a store without a row
--    follows the documented defaults (rules.md part D).
-- 2. Consultation visits (咨询来访): a customer who comes in without a repair order is a visit too (F1),
--    and the archive lists it in the service history.
-- 3. Event notices and letters become due items of the event target (one per event and customer), so a
--    customer targeted by two events has two notices, each cleared by its own call. Existing open items
--    move to their target; LIKE on the params text and || work the same on both databases.
-- 4. An index on customers' last visit for the lost-customer list and event targeting.

CREATE TABLE follow_up_settings (
    store_id   TEXT PRIMARY KEY REFERENCES stores (id),
    settings   TEXT NOT NULL DEFAULT '{}',
    updated_by TEXT REFERENCES users (id),
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE follow_up_visits (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    number      TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    visited_on  TEXT NOT NULL,
    purpose     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    CONSTRAINT follow_up_visits_number_key UNIQUE (store_id, number)
);
CREATE INDEX follow_up_visits_customer ON follow_up_visits (store_id, customer_id, visited_on);
CREATE INDEX follow_up_visits_store_day ON follow_up_visits (store_id, visited_on);

CREATE INDEX follow_up_event_targets_customer ON follow_up_event_targets (store_id, customer_id);

-- Lost customers (last visit before a cutoff) and event targets (last visit in a range) read customers by
-- their last visit; without this index both walked every customer of the store.
CREATE INDEX customers_store_last_visit ON customers (store_id, last_visit_on);

UPDATE due_items SET subject_type = 'event_target', subject_id = (
    SELECT t.id FROM follow_up_event_targets t
    WHERE t.store_id = due_items.store_id AND t.customer_id = due_items.subject_id
      AND due_items.params LIKE '%"event_id":"' || t.event_id || '"%'
)
WHERE kind IN ('event_notice', 'event_letter') AND subject_type = 'customer' AND EXISTS (
    SELECT 1 FROM follow_up_event_targets t
    WHERE t.store_id = due_items.store_id AND t.customer_id = due_items.subject_id
      AND due_items.params LIKE '%"event_id":"' || t.event_id || '"%'
);
