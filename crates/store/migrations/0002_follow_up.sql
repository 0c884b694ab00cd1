-- 0002: after-sales follow-up (跟踪服务, README F1–F8, rules.md part D).
--
-- Why a new migration: 0001 is applied in the field and is never edited. The customer archive fields
-- (客户档案基本资料表) already live on `customers`; this adds what the follow-up desk records around them:
-- every call (跟踪服务电话记录表 / 电话登记表), complaints (投诉) with their escalation and solution, events
-- (联谊活动 / 优惠服务月 / 免费检测周) with their target customers, letters (跟踪服务信函登记表), stand-ins for
-- absent staff (代理人/代班, F7) and the monthly and yearly summaries (月度小结 / 年度总结, F8).
-- Deadlines stay in `due_items`; an index on `escalated_to` lets the supervisor's worklist find what was
-- escalated to them. Same portable SQL as 0001: TEXT ids and dates, BIGINT epoch ms, JSON as TEXT.

-- 跟踪服务电话记录表: one row per call, outbound or inbound, reached or not.
CREATE TABLE follow_up_calls (
    id              TEXT PRIMARY KEY,
    store_id        TEXT NOT NULL REFERENCES stores (id),
    number          TEXT NOT NULL,
    customer_id     TEXT REFERENCES customers (id),
    repair_order_id TEXT REFERENCES repair_orders (id),
    event_id        TEXT,
    kind            TEXT NOT NULL,
    direction       TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    called_on       TEXT NOT NULL,
    called_at       BIGINT NOT NULL,
    agent_id        TEXT REFERENCES users (id),
    caller_name     TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    topics          TEXT NOT NULL DEFAULT '',
    answers         TEXT NOT NULL DEFAULT '{}',
    satisfaction    BIGINT,
    summary         TEXT NOT NULL DEFAULT '',
    complaint_id    TEXT,
    created_at      BIGINT NOT NULL,
    CONSTRAINT follow_up_calls_number_key UNIQUE (store_id, number)
);
CREATE INDEX follow_up_calls_store_day ON follow_up_calls (store_id, called_on);
CREATE INDEX follow_up_calls_customer ON follow_up_calls (store_id, customer_id, called_on);

-- 投诉 / 客户请求 opened as a case when the call could not settle it.
CREATE TABLE complaints (
    id               TEXT PRIMARY KEY,
    store_id         TEXT NOT NULL REFERENCES stores (id),
    number           TEXT NOT NULL,
    customer_id      TEXT REFERENCES customers (id),
    call_id          TEXT,
    content          TEXT NOT NULL,
    status           TEXT NOT NULL,
    opened_on        TEXT NOT NULL,
    owner_id         TEXT REFERENCES users (id),
    escalated_at     BIGINT,
    escalated_to     TEXT REFERENCES users (id),
    solution         TEXT NOT NULL DEFAULT '',
    solved_on        TEXT,
    customer_told_on TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT complaints_number_key UNIQUE (store_id, number)
);
CREATE INDEX complaints_store_opened ON complaints (store_id, opened_on);
CREATE INDEX complaints_store_status ON complaints (store_id, status);

-- 联谊活动 · 优惠服务月 · 免费检测周, with the filters that chose the target customers.
CREATE TABLE follow_up_events (
    id              TEXT PRIMARY KEY,
    store_id        TEXT NOT NULL REFERENCES stores (id),
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    event_on        TEXT NOT NULL,
    place           TEXT NOT NULL DEFAULT '',
    content         TEXT NOT NULL DEFAULT '',
    target_model    TEXT NOT NULL DEFAULT '',
    last_visit_from TEXT,
    last_visit_to   TEXT,
    target_area     TEXT NOT NULL DEFAULT '',
    letter_template TEXT NOT NULL DEFAULT '',
    created_by      TEXT REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX follow_up_events_store_day ON follow_up_events (store_id, event_on);

CREATE TABLE follow_up_event_targets (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    event_id    TEXT NOT NULL REFERENCES follow_up_events (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    notified_on TEXT,
    letter_id   TEXT,
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX follow_up_event_targets_key ON follow_up_event_targets (store_id, event_id, customer_id);

-- 跟踪服务信函登记表: every letter (notice, invitation, reply), with the text as sent.
CREATE TABLE follow_up_letters (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    number      TEXT NOT NULL,
    customer_id TEXT REFERENCES customers (id),
    event_id    TEXT,
    complaint_id TEXT,
    template    TEXT NOT NULL,
    recipient   TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    sent_on     TEXT NOT NULL,
    created_by  TEXT REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    CONSTRAINT follow_up_letters_number_key UNIQUE (store_id, number)
);
CREATE INDEX follow_up_letters_store_day ON follow_up_letters (store_id, sent_on);

-- 代理人(代班): who stands in for whom, from–to (store dates, both included). Revoked rows stay for the record.
CREATE TABLE stand_ins (
    id               TEXT PRIMARY KEY,
    store_id         TEXT NOT NULL REFERENCES stores (id),
    absent_user_id   TEXT NOT NULL REFERENCES users (id),
    stand_in_user_id TEXT NOT NULL REFERENCES users (id),
    from_on          TEXT NOT NULL,
    to_on            TEXT NOT NULL,
    reason           TEXT NOT NULL DEFAULT '',
    created_by       TEXT REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    revoked_at       BIGINT
);
CREATE INDEX stand_ins_stand_in ON stand_ins (stand_in_user_id, from_on);
CREATE INDEX stand_ins_store ON stand_ins (store_id, from_on);

-- 月度小结 / 年度总结: drafted from the figures, edited and filed by the supervisor, kept.
CREATE TABLE follow_up_summaries (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    period_kind TEXT NOT NULL,
    period      TEXT NOT NULL,
    figures     TEXT NOT NULL DEFAULT '{}',
    body        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    filed_at    BIGINT,
    filed_by    TEXT REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT follow_up_summaries_period_key UNIQUE (store_id, period_kind, period)
);

CREATE INDEX due_items_escalated ON due_items (escalated_to, status, due_on);
CREATE INDEX due_items_kind ON due_items (store_id, kind, status, due_on);
