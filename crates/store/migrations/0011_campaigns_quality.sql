-- 0011: recalls and campaigns (召回/质量返修/服务活动, W5), quality reports (质量信息反馈) and technical bulletins
-- (技术通报) (W7), issue 5.
--
-- Campaigns and bulletins come from the manufacturer for a brand and are the group's, like the warranty
-- settings of 0005: they carry no store. A campaign's vehicle rows carry the store of the vehicle when the
-- group knows the VIN; a recall lists many vehicles no store has seen yet, so store_id stays empty until the
-- vehicle turns up (the flag at reception looks the VIN up, not the store). Store-scoped indexes lead with
-- store_id; the VIN index serves the flag on every vehicle page.

CREATE TABLE campaigns (
    id              TEXT PRIMARY KEY,
    code            TEXT NOT NULL,
    brand           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    failure_code    TEXT NOT NULL DEFAULT '',
    labor_ops_json  TEXT NOT NULL DEFAULT '[]',
    parts_json      TEXT NOT NULL DEFAULT '[]',
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL,
    state           TEXT NOT NULL,
    vehicle_count   BIGINT NOT NULL DEFAULT 0,
    created_by      TEXT REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT campaigns_code_key UNIQUE (brand, code)
);
CREATE INDEX campaigns_state ON campaigns (state, ends_on);

CREATE TABLE campaign_vehicles (
    id                TEXT PRIMARY KEY,
    campaign_id       TEXT NOT NULL REFERENCES campaigns (id),
    store_id          TEXT REFERENCES stores (id),
    vehicle_id        TEXT REFERENCES vehicles (id),
    vin               TEXT NOT NULL,
    state             TEXT NOT NULL,
    done_on           TEXT,
    repair_order_id   TEXT REFERENCES repair_orders (id),
    claim_id          TEXT REFERENCES warranty_claims (id),
    contact_attempts  BIGINT NOT NULL DEFAULT 0,
    note              TEXT NOT NULL DEFAULT '',
    updated_at        BIGINT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT campaign_vehicles_key UNIQUE (campaign_id, vin)
);
CREATE INDEX campaign_vehicles_vin ON campaign_vehicles (vin);
CREATE INDEX campaign_vehicles_store ON campaign_vehicles (store_id, campaign_id, state);

-- Every attempt to reach an owner: three make a vehicle unreachable.
CREATE TABLE campaign_contacts (
    id                   TEXT PRIMARY KEY,
    store_id             TEXT NOT NULL REFERENCES stores (id),
    campaign_vehicle_id  TEXT NOT NULL REFERENCES campaign_vehicles (id),
    channel              TEXT NOT NULL,
    outcome              TEXT NOT NULL,
    note                 TEXT NOT NULL DEFAULT '',
    contacted_at         BIGINT NOT NULL,
    created_by           TEXT REFERENCES users (id)
);
CREATE INDEX campaign_contacts_vehicle ON campaign_contacts (store_id, campaign_vehicle_id, contacted_at);

-- 质量信息反馈. proposal_key is set on a report adopted from a repeated-failure proposal, so the same
-- failure is not proposed again while its window lasts.
CREATE TABLE quality_reports (
    id               TEXT PRIMARY KEY,
    store_id         TEXT NOT NULL REFERENCES stores (id),
    number           TEXT NOT NULL,
    vehicle_id       TEXT NOT NULL REFERENCES vehicles (id),
    vin              TEXT NOT NULL,
    brand            TEXT NOT NULL DEFAULT '',
    model            TEXT NOT NULL DEFAULT '',
    repair_order_id  TEXT REFERENCES repair_orders (id),
    claim_id         TEXT REFERENCES warranty_claims (id),
    part_no          TEXT NOT NULL DEFAULT '',
    part_name        TEXT NOT NULL DEFAULT '',
    failure_code     TEXT NOT NULL DEFAULT '',
    symptom          TEXT NOT NULL,
    frequency        TEXT NOT NULL,
    affected         BIGINT NOT NULL DEFAULT 1,
    departments      TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL,
    proposal_key     TEXT,
    basis_json       TEXT NOT NULL DEFAULT '{}',
    sent_at          BIGINT,
    sent_by          TEXT REFERENCES users (id),
    created_by       TEXT REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT quality_reports_number_key UNIQUE (store_id, number)
);
CREATE INDEX quality_reports_store ON quality_reports (store_id, created_at);
CREATE INDEX quality_reports_store_state ON quality_reports (store_id, state, created_at);
CREATE INDEX quality_reports_store_proposal ON quality_reports (store_id, proposal_key);

-- The store's threshold N of the repeated-failure rule.
CREATE TABLE quality_settings (
    store_id          TEXT PRIMARY KEY REFERENCES stores (id),
    repeat_threshold  BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);

-- 技术通报, group-wide per brand.
CREATE TABLE bulletins (
    id          TEXT PRIMARY KEY,
    number      TEXT NOT NULL,
    brand       TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    models      TEXT NOT NULL DEFAULT '',
    issued_on   TEXT NOT NULL,
    read_days   BIGINT NOT NULL,
    created_by  TEXT REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    CONSTRAINT bulletins_number_key UNIQUE (brand, number)
);
CREATE INDEX bulletins_issued ON bulletins (issued_on);

-- Who must read a bulletin, and when they confirmed it.
CREATE TABLE bulletin_reads (
    id           TEXT PRIMARY KEY,
    store_id     TEXT NOT NULL REFERENCES stores (id),
    bulletin_id  TEXT NOT NULL REFERENCES bulletins (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    assigned_at  BIGINT NOT NULL,
    due_on       TEXT NOT NULL,
    read_at      BIGINT,
    CONSTRAINT bulletin_reads_key UNIQUE (bulletin_id, user_id, store_id)
);
CREATE INDEX bulletin_reads_store ON bulletin_reads (store_id, bulletin_id);
CREATE INDEX bulletin_reads_user ON bulletin_reads (store_id, user_id, read_at);
