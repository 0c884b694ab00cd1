-- 0014: the rest of the claim workflow (issue 4): pre-authorisation (预授权) of warranty repairs before work
-- starts, the approval chain of goodwill claims (善意索赔), and the indexes the archive search, the month view,
-- the supervisor's board and the claim benchmark need.
--
-- The operations a manufacturer names for pre-authorisation are a brand setting like the threshold; 0005 is
-- applied, so the column is added here with a default every existing brand takes (no operation named).
ALTER TABLE warranty_brands ADD COLUMN preauth_ops_json TEXT NOT NULL DEFAULT '[]';

-- 预授权申请: one request per repair order at a time; its amount and reasons are frozen as requested, so an
-- approval covers the warranty work the manufacturer saw and no more.
CREATE TABLE warranty_preauths (
    id               TEXT PRIMARY KEY,
    store_id         TEXT NOT NULL REFERENCES stores (id),
    number           TEXT NOT NULL,
    repair_order_id  TEXT NOT NULL REFERENCES repair_orders (id),
    vehicle_id       TEXT NOT NULL REFERENCES vehicles (id),
    vin              TEXT NOT NULL,
    brand            TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL,
    amount_fen       BIGINT NOT NULL,
    reasons_json     TEXT NOT NULL DEFAULT '[]',
    lines_json       TEXT NOT NULL DEFAULT '[]',
    note             TEXT NOT NULL DEFAULT '',
    approval_no      TEXT NOT NULL DEFAULT '',
    decision_reason  TEXT NOT NULL DEFAULT '',
    requested_by     TEXT REFERENCES users (id),
    decided_by       TEXT REFERENCES users (id),
    requested_at     BIGINT NOT NULL,
    decided_at       BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT warranty_preauths_number_key UNIQUE (store_id, number)
);
CREATE INDEX warranty_preauths_store_order ON warranty_preauths (store_id, repair_order_id, created_at);
CREATE INDEX warranty_preauths_store_state ON warranty_preauths (store_id, state, created_at);

-- 善意索赔审批: each step of the chain the admin set, as decided. An approval holds the amount it approved:
-- a later change of the claim's amount needs the chain again.
CREATE TABLE warranty_goodwill_approvals (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    claim_id    TEXT NOT NULL REFERENCES warranty_claims (id),
    step        BIGINT NOT NULL,
    role        TEXT NOT NULL,
    decision    TEXT NOT NULL,
    amount_fen  BIGINT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    decided_by  TEXT REFERENCES users (id),
    decided_at  BIGINT NOT NULL
);
CREATE INDEX warranty_goodwill_approvals_claim ON warranty_goodwill_approvals (store_id, claim_id, decided_at);

-- Archive search by part number: the claims whose lines name the part.
CREATE INDEX warranty_claim_lines_code ON warranty_claim_lines (store_id, code, claim_id);
-- The archive search by failure code within a period (a manufacturer's audit of one fault over a month).
CREATE INDEX warranty_claims_store_failure_date ON warranty_claims (store_id, failure_code, repair_date);
-- The month view and the archive zip read a store's claims by repair date.
CREATE INDEX warranty_claims_store_repair_date ON warranty_claims (store_id, repair_date);
-- The board and the rates read the claims decided in a month through warranty_claims_store_decided
-- (store_id, decided_at, kind, id), made by 0010_statements.sql for the month's income.
