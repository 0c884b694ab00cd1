-- 0001: the platform. Stores and people, customers and vehicles, repair orders (the visits the three jobs
-- hang on), due items, the notification outbox and the hash-chained audit trail.
--
-- Portable SQL for SQLite and PostgreSQL: ids are TEXT made by the application (UUIDv7), instants are
-- BIGINT epoch milliseconds, civil dates TEXT 'YYYY-MM-DD', money BIGINT fen, numbers BIGINT (so both
-- backends decode them as i64), JSON as TEXT. Every store-scoped table carries store_id and its indexes
-- lead with it, so a group can later distribute tables by store.

CREATE TABLE stores (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    brands      TEXT NOT NULL DEFAULT '',
    time_zone   TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    address     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT stores_code_key UNIQUE (code)
);

CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    username            TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    locale              TEXT NOT NULL DEFAULT 'zh-CN',
    phone               TEXT NOT NULL DEFAULT '',
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    password_changed_at BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT users_username_key UNIQUE (username)
);

-- A user may hold roles in several stores; group roles have no store.
CREATE TABLE user_roles (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    store_id   TEXT REFERENCES stores (id),
    role       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX user_roles_key ON user_roles (user_id, store_id, role);
CREATE INDEX user_roles_store ON user_roles (store_id, role);

-- The session id column holds the SHA-256 of the cookie value, so a database dump cannot log anyone in.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    csrf_token  TEXT NOT NULL,
    store_id    TEXT REFERENCES stores (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    last_used_at BIGINT,
    revoked_at   BIGINT,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_attempts (
    id         TEXT PRIMARY KEY,
    username   TEXT NOT NULL,
    remote     TEXT NOT NULL DEFAULT '',
    at         BIGINT NOT NULL,
    succeeded  BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (username, at);

-- 客户档案: the fields of the 客户档案基本资料表.
CREATE TABLE customers (
    id                          TEXT PRIMARY KEY,
    store_id                    TEXT NOT NULL REFERENCES stores (id),
    name                        TEXT NOT NULL,
    kind                        TEXT NOT NULL DEFAULT 'person',
    mobile                      TEXT NOT NULL DEFAULT '',
    phone                       TEXT NOT NULL DEFAULT '',
    resident_id                 TEXT NOT NULL DEFAULT '',
    address                     TEXT NOT NULL DEFAULT '',
    area                        TEXT NOT NULL DEFAULT '',
    first_visit_on              TEXT,
    last_visit_on               TEXT,
    maintenance_interval_km     BIGINT,
    maintenance_interval_months BIGINT,
    next_maintenance_on         TEXT,
    wanted_services             TEXT NOT NULL DEFAULT '',
    notes                       TEXT NOT NULL DEFAULT '',
    follow_up_user_id           TEXT REFERENCES users (id),
    created_at                  BIGINT NOT NULL,
    updated_at                  BIGINT NOT NULL,
    version                     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX customers_store_name ON customers (store_id, name);
CREATE INDEX customers_store_mobile ON customers (store_id, mobile);
CREATE INDEX customers_store_follow_up ON customers (store_id, follow_up_user_id);
CREATE INDEX customers_store_recent ON customers (store_id, id);

CREATE TABLE vehicles (
    id                TEXT PRIMARY KEY,
    store_id          TEXT NOT NULL REFERENCES stores (id),
    vin               TEXT NOT NULL,
    plate             TEXT NOT NULL DEFAULT '',
    plate_kind        TEXT NOT NULL DEFAULT '',
    brand             TEXT NOT NULL DEFAULT '',
    model             TEXT NOT NULL DEFAULT '',
    vehicle_type      TEXT NOT NULL DEFAULT '',
    color             TEXT NOT NULL DEFAULT '',
    engine_no         TEXT NOT NULL DEFAULT '',
    powertrain        TEXT NOT NULL DEFAULT 'ice',
    use_nature        TEXT NOT NULL DEFAULT 'private',
    invoice_on        TEXT,
    delivered_on      TEXT,
    sale_price_fen    BIGINT,
    owner_id          TEXT REFERENCES customers (id),
    odometer_km       BIGINT NOT NULL DEFAULT 0,
    odometer_on       TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT vehicles_store_vin_key UNIQUE (store_id, vin)
);
CREATE INDEX vehicles_store_plate ON vehicles (store_id, plate);
CREATE INDEX vehicles_owner ON vehicles (store_id, owner_id);
CREATE INDEX vehicles_vin ON vehicles (vin);

-- Ownership changes keep their history (三包 rights follow the car, 2021 Art 30).
CREATE TABLE vehicle_owners (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    vehicle_id  TEXT NOT NULL REFERENCES vehicles (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    from_on     TEXT NOT NULL,
    to_on       TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX vehicle_owners_vehicle ON vehicle_owners (store_id, vehicle_id);

CREATE TABLE odometer_readings (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    vehicle_id  TEXT NOT NULL REFERENCES vehicles (id),
    read_on     TEXT NOT NULL,
    km          BIGINT NOT NULL,
    source      TEXT NOT NULL,
    source_id   TEXT,
    replaced    BOOLEAN NOT NULL DEFAULT FALSE,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX odometer_readings_vehicle ON odometer_readings (store_id, vehicle_id, read_on);

-- 维修工单: the visit record.
CREATE TABLE repair_orders (
    id                TEXT PRIMARY KEY,
    store_id          TEXT NOT NULL REFERENCES stores (id),
    number            TEXT NOT NULL,
    vehicle_id        TEXT NOT NULL REFERENCES vehicles (id),
    customer_id       TEXT REFERENCES customers (id),
    kind              TEXT NOT NULL,
    status            TEXT NOT NULL,
    checked_in_at     BIGINT NOT NULL,
    handed_over_at    BIGINT,
    mileage_in        BIGINT NOT NULL,
    complaint         TEXT NOT NULL DEFAULT '',
    findings          TEXT NOT NULL DEFAULT '',
    advisor_id        TEXT REFERENCES users (id),
    odometer_replaced BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT repair_orders_number_key UNIQUE (store_id, number)
);
CREATE INDEX repair_orders_vehicle ON repair_orders (store_id, vehicle_id, checked_in_at);
CREATE INDEX repair_orders_store_checked_in ON repair_orders (store_id, checked_in_at);

CREATE TABLE repair_order_items (
    id              TEXT PRIMARY KEY,
    store_id        TEXT NOT NULL REFERENCES stores (id),
    repair_order_id TEXT NOT NULL REFERENCES repair_orders (id),
    line_no         BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    code            TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL,
    hours_centi     BIGINT NOT NULL DEFAULT 0,
    part_no         TEXT NOT NULL DEFAULT '',
    quantity_milli  BIGINT NOT NULL DEFAULT 0,
    unit_price_fen  BIGINT NOT NULL DEFAULT 0,
    amount_fen      BIGINT NOT NULL DEFAULT 0,
    payer           TEXT NOT NULL DEFAULT 'customer'
);
CREATE INDEX repair_order_items_order ON repair_order_items (store_id, repair_order_id, line_no);

-- Per-store counters for human-readable numbers (RO-20240513-0001).
CREATE TABLE counters (
    store_id TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    BIGINT NOT NULL,
    PRIMARY KEY (store_id, name)
);

-- 待办: every deadline the jobs imply.
CREATE TABLE due_items (
    id             TEXT PRIMARY KEY,
    store_id       TEXT NOT NULL REFERENCES stores (id),
    assignee_id    TEXT REFERENCES users (id),
    kind           TEXT NOT NULL,
    rule           TEXT NOT NULL DEFAULT '',
    subject_type   TEXT NOT NULL,
    subject_id     TEXT NOT NULL,
    subject_label  TEXT NOT NULL DEFAULT '',
    params         TEXT NOT NULL DEFAULT '{}',
    window_from    TEXT,
    due_on         TEXT NOT NULL,
    escalate_after_days BIGINT,
    escalate_to_role    TEXT,
    escalated_at   BIGINT,
    escalated_to   TEXT REFERENCES users (id),
    reminded_at    BIGINT,
    status         TEXT NOT NULL DEFAULT 'open',
    done_at        BIGINT,
    done_by        TEXT REFERENCES users (id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX due_items_worklist ON due_items (store_id, assignee_id, status, due_on);
CREATE INDEX due_items_open ON due_items (status, due_on);
CREATE INDEX due_items_subject ON due_items (store_id, subject_type, subject_id);

-- Notifications leave through this table; a sender claims rows with a lease, so two app servers never
-- send the same message twice.
CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    channel     TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    attempts    BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT,
    last_error  TEXT,
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT
);
CREATE INDEX outbox_pending ON outbox (status, created_at);

-- 审计日志: append-only, chained per store by SHA-256 (chain 'group' for records without a store).
CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    chain       TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    store_id    TEXT,
    actor_id    TEXT,
    actor_name  TEXT NOT NULL,
    at          BIGINT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    CONSTRAINT audit_log_chain_seq_key UNIQUE (chain, seq)
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, seq);

CREATE TABLE audit_heads (
    chain TEXT PRIMARY KEY,
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
