-- 0006: motor insurance as agent and the claims desk (保险理赔/兼业代理, README I1–I6, rules.md part B).
--
-- Insurers the store is agent for, with their covers (commission rates per cover and period) and the
-- document checklists (单证) per claim type; the policies sold (承保) with their covers and renewal outcome
-- (续保); accident leads (事故线索); claims (理赔案件) with every workflow step, the documents checklist, the
-- loss assessment lines (定损) and the negotiation notes; the specialists' pay rules for commission (提成).
-- Deadlines (renewals, the insurer's own deadlines) stay in `due_items`. Same portable SQL as 0001: TEXT
-- ids and dates, BIGINT fen and epoch ms, decimals (percent) as TEXT, JSON as TEXT.

CREATE TABLE insurers (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    claim_phone TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT insurers_code_key UNIQUE (store_id, code)
);

-- A cover an insurer sells through the store, with the commission rate for a period and the words the
-- customer's cover explanation prints (what it covers, how to claim, which documents).
CREATE TABLE insurer_covers (
    id                 TEXT PRIMARY KEY,
    store_id           TEXT NOT NULL REFERENCES stores (id),
    insurer_id         TEXT NOT NULL REFERENCES insurers (id),
    cover              TEXT NOT NULL,
    name               TEXT NOT NULL,
    commission_percent TEXT NOT NULL DEFAULT '0',
    valid_from         TEXT NOT NULL,
    valid_to           TEXT,
    explanation        TEXT NOT NULL DEFAULT '',
    claim_method       TEXT NOT NULL DEFAULT '',
    documents          TEXT NOT NULL DEFAULT '',
    created_at         BIGINT NOT NULL
);
CREATE INDEX insurer_covers_insurer ON insurer_covers (store_id, insurer_id, cover, valid_from);

-- 单证 checklist template: the documents a claim type needs, in order.
CREATE TABLE claim_document_templates (
    id         TEXT PRIMARY KEY,
    store_id   TEXT NOT NULL REFERENCES stores (id),
    claim_type TEXT NOT NULL,
    position   BIGINT NOT NULL,
    name       TEXT NOT NULL,
    required   BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX claim_document_templates_type ON claim_document_templates (store_id, claim_type, position);

CREATE TABLE insurance_policies (
    id                TEXT PRIMARY KEY,
    store_id          TEXT NOT NULL REFERENCES stores (id),
    insurer_id        TEXT NOT NULL REFERENCES insurers (id),
    vehicle_id        TEXT NOT NULL REFERENCES vehicles (id),
    customer_id       TEXT REFERENCES customers (id),
    specialist_id     TEXT REFERENCES users (id),
    invoice_no        TEXT NOT NULL,
    owner_id_no       TEXT NOT NULL,
    policy_no         TEXT NOT NULL,
    starts_on         TEXT NOT NULL,
    ends_on           TEXT NOT NULL,
    premium_fen       BIGINT NOT NULL,
    commission_fen    BIGINT NOT NULL DEFAULT 0,
    premium_collected BOOLEAN NOT NULL DEFAULT FALSE,
    collected_on      TEXT,
    sold_on           TEXT NOT NULL,
    renewal_of        TEXT,
    renewal_outcome   TEXT NOT NULL DEFAULT '',
    renewal_note      TEXT NOT NULL DEFAULT '',
    renewal_on        TEXT,
    note              TEXT NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT insurance_policies_number_key UNIQUE (store_id, insurer_id, policy_no)
);
CREATE INDEX insurance_policies_vehicle ON insurance_policies (store_id, vehicle_id, ends_on);
CREATE INDEX insurance_policies_ends ON insurance_policies (store_id, ends_on);
CREATE INDEX insurance_policies_sold ON insurance_policies (store_id, sold_on);

CREATE TABLE insurance_policy_covers (
    id                 TEXT PRIMARY KEY,
    store_id           TEXT NOT NULL REFERENCES stores (id),
    policy_id          TEXT NOT NULL REFERENCES insurance_policies (id),
    position           BIGINT NOT NULL,
    cover              TEXT NOT NULL,
    name               TEXT NOT NULL DEFAULT '',
    sum_insured_fen    BIGINT,
    premium_fen        BIGINT NOT NULL,
    deductible_percent TEXT,
    commission_percent TEXT NOT NULL DEFAULT '0',
    commission_fen     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX insurance_policy_covers_policy ON insurance_policy_covers (policy_id, position);

-- 事故线索: a lead of an accident involving the brand, followed until the car arrives for repair.
CREATE TABLE accident_leads (
    id              TEXT PRIMARY KEY,
    store_id        TEXT NOT NULL REFERENCES stores (id),
    number          TEXT NOT NULL,
    source          TEXT NOT NULL,
    place           TEXT NOT NULL DEFAULT '',
    contact_name    TEXT NOT NULL DEFAULT '',
    contact_phone   TEXT NOT NULL DEFAULT '',
    plate           TEXT NOT NULL DEFAULT '',
    vehicle_desc    TEXT NOT NULL DEFAULT '',
    vehicle_id      TEXT REFERENCES vehicles (id),
    status          TEXT NOT NULL,
    received_on     TEXT NOT NULL,
    contacted_at    BIGINT,
    arrived_at      BIGINT,
    lost_reason     TEXT NOT NULL DEFAULT '',
    insurer_id      TEXT REFERENCES insurers (id),
    surveyor        TEXT NOT NULL DEFAULT '',
    insurer_contacted_at BIGINT,
    repair_order_id TEXT REFERENCES repair_orders (id),
    specialist_id   TEXT REFERENCES users (id),
    note            TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT accident_leads_number_key UNIQUE (store_id, number)
);
CREATE INDEX accident_leads_store_received ON accident_leads (store_id, received_on);

-- 理赔案件. The accident's other parties and liability shares are JSON (`parties`), as the adjustment reads them.
CREATE TABLE insurance_claims (
    id                   TEXT PRIMARY KEY,
    store_id             TEXT NOT NULL REFERENCES stores (id),
    number               TEXT NOT NULL,
    claim_type           TEXT NOT NULL,
    status               TEXT NOT NULL,
    vehicle_id           TEXT NOT NULL REFERENCES vehicles (id),
    customer_id          TEXT REFERENCES customers (id),
    policy_id            TEXT REFERENCES insurance_policies (id),
    insurer_id           TEXT REFERENCES insurers (id),
    lead_id              TEXT REFERENCES accident_leads (id),
    repair_order_id      TEXT REFERENCES repair_orders (id),
    insurer_claim_no     TEXT NOT NULL DEFAULT '',
    accident_at          BIGINT NOT NULL,
    reported_at          BIGINT NOT NULL,
    report_deadline_at   BIGINT NOT NULL,
    report_late          BOOLEAN NOT NULL DEFAULT FALSE,
    police_reported_at   BIGINT,
    notice_submitted_at  BIGINT,
    place                TEXT NOT NULL DEFAULT '',
    description          TEXT NOT NULL DEFAULT '',
    reporter_name        TEXT NOT NULL DEFAULT '',
    reporter_for_insured BOOLEAN NOT NULL DEFAULT FALSE,
    reporter_id_no       TEXT NOT NULL DEFAULT '',
    authorisation        BOOLEAN NOT NULL DEFAULT FALSE,
    surveyor             TEXT NOT NULL DEFAULT '',
    responsibility       TEXT NOT NULL DEFAULT '',
    parties              TEXT NOT NULL DEFAULT '[]',
    parties_present      TEXT NOT NULL DEFAULT '',
    assessed_at          BIGINT,
    third_party_pending  BOOLEAN NOT NULL DEFAULT FALSE,
    assessed_fen         BIGINT NOT NULL DEFAULT 0,
    verified_fen         BIGINT NOT NULL DEFAULT 0,
    insurer_pays_fen     BIGINT NOT NULL DEFAULT 0,
    customer_pays_fen    BIGINT NOT NULL DEFAULT 0,
    paid_fen             BIGINT NOT NULL DEFAULT 0,
    specialist_id        TEXT REFERENCES users (id),
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT insurance_claims_number_key UNIQUE (store_id, number)
);
CREATE INDEX insurance_claims_store_status ON insurance_claims (store_id, status);
CREATE INDEX insurance_claims_vehicle ON insurance_claims (store_id, vehicle_id);
CREATE INDEX insurance_claims_repair_order ON insurance_claims (repair_order_id);

-- Each workflow step: who did it and when.
CREATE TABLE insurance_claim_steps (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    claim_id    TEXT NOT NULL REFERENCES insurance_claims (id),
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    actor_id    TEXT,
    actor_name  TEXT NOT NULL DEFAULT '',
    at          BIGINT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX insurance_claim_steps_claim ON insurance_claim_steps (claim_id, at);

-- 单证: each document of the claim, received or missing, and who signed for it.
CREATE TABLE insurance_claim_documents (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    claim_id    TEXT NOT NULL REFERENCES insurance_claims (id),
    position    BIGINT NOT NULL,
    name        TEXT NOT NULL,
    required    BOOLEAN NOT NULL DEFAULT TRUE,
    received    BOOLEAN NOT NULL DEFAULT FALSE,
    received_on TEXT,
    signed_by   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX insurance_claim_documents_claim ON insurance_claim_documents (claim_id, position);

-- 定损: parts (catalogue, assessed and verified prices), labour and paint, each covered or not and why.
CREATE TABLE loss_assessment_lines (
    id           TEXT PRIMARY KEY,
    store_id     TEXT NOT NULL REFERENCES stores (id),
    claim_id     TEXT NOT NULL REFERENCES insurance_claims (id),
    position     BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    part_no      TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    quantity     TEXT NOT NULL DEFAULT '1',
    catalog_fen  BIGINT,
    assessed_fen BIGINT NOT NULL,
    verified_fen BIGINT,
    covered      BOOLEAN NOT NULL DEFAULT TRUE,
    reason       TEXT NOT NULL DEFAULT '',
    photo        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX loss_assessment_lines_claim ON loss_assessment_lines (claim_id, position);

-- Negotiation notes with the insured (协商记录).
CREATE TABLE insurance_claim_notes (
    id         TEXT PRIMARY KEY,
    store_id   TEXT NOT NULL REFERENCES stores (id),
    claim_id   TEXT NOT NULL REFERENCES insurance_claims (id),
    author_id  TEXT,
    at         BIGINT NOT NULL,
    text       TEXT NOT NULL
);
CREATE INDEX insurance_claim_notes_claim ON insurance_claim_notes (claim_id, at);

-- 提成规则: a specialist's base pay and the commission on accident repairs brought in, from a month on.
CREATE TABLE insurance_pay_rules (
    id                     TEXT PRIMARY KEY,
    store_id               TEXT NOT NULL REFERENCES stores (id),
    user_id                TEXT NOT NULL REFERENCES users (id),
    valid_from             TEXT NOT NULL,
    base_fen               BIGINT NOT NULL,
    policy_share_percent   TEXT NOT NULL DEFAULT '0',
    repair_percent         TEXT NOT NULL DEFAULT '0',
    created_at             BIGINT NOT NULL,
    CONSTRAINT insurance_pay_rules_key UNIQUE (store_id, user_id, valid_from)
);
