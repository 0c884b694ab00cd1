-- 0005: manufacturer warranty claims (三包索赔, issue 4). The manufacturer's settings per brand with its
-- catalogues (labour operations, parts, failure codes), and the claims filed from repair orders with their
-- lines, versions and returns.
--
-- The settings and catalogues are the group's, keyed by brand, and carry no store (like calendar_days): a
-- group sells a brand in several stores under one manufacturer contract, and the group admin keeps them.
-- Claims are store records like every other and lead their indexes with store_id.
--
-- A change after submission keeps the old content as one JSON document per version in
-- warranty_claim_versions: a version is read whole and never queried by its parts, and JSON keeps each old
-- version exactly as it was sent even when the line columns change later.

CREATE TABLE warranty_brands (
    brand                  TEXT PRIMARY KEY,
    sanbao_months          BIGINT NOT NULL,
    sanbao_km              BIGINT NOT NULL,
    warranty_months        BIGINT NOT NULL,
    warranty_km            BIGINT NOT NULL,
    parts_warranty_months  BIGINT NOT NULL,
    parts_warranty_km      BIGINT NOT NULL,
    labor_rate_fen         BIGINT NOT NULL,
    filing_window_days     BIGINT NOT NULL,
    preauth_threshold_fen  BIGINT NOT NULL,
    checks_json            TEXT NOT NULL DEFAULT '{}',
    goodwill_chain_json    TEXT NOT NULL DEFAULT '[]',
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL,
    version                BIGINT NOT NULL DEFAULT 1
);

-- 工时目录: labour operations with their standard hours (in hundredths of an hour).
CREATE TABLE warranty_labor_ops (
    brand                TEXT NOT NULL,
    code                 TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    standard_hours_centi BIGINT NOT NULL,
    PRIMARY KEY (brand, code)
);

-- 配件目录: tens of thousands of rows per brand, imported from the manufacturer's Excel.
CREATE TABLE warranty_parts (
    brand      TEXT NOT NULL,
    part_no    TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    price_fen  BIGINT NOT NULL,
    wear_part  BOOLEAN NOT NULL DEFAULT FALSE,
    area       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (brand, part_no)
);

-- 故障代码, and whether the manufacturer's checklist (检点表) and photos are required.
CREATE TABLE warranty_failure_codes (
    brand              TEXT NOT NULL,
    code               TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    checklist_required BOOLEAN NOT NULL DEFAULT FALSE,
    photos_required    BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (brand, code)
);

-- 索赔申请.
CREATE TABLE warranty_claims (
    id                 TEXT PRIMARY KEY,
    store_id           TEXT NOT NULL REFERENCES stores (id),
    number             TEXT NOT NULL,
    repair_order_id    TEXT NOT NULL REFERENCES repair_orders (id),
    vehicle_id         TEXT NOT NULL REFERENCES vehicles (id),
    vin                TEXT NOT NULL,
    brand              TEXT NOT NULL DEFAULT '',
    kind               TEXT NOT NULL,
    state              TEXT NOT NULL,
    clerk_id           TEXT REFERENCES users (id),
    repair_date        TEXT NOT NULL,
    mileage            BIGINT NOT NULL,
    symptom            TEXT NOT NULL DEFAULT '',
    cause              TEXT NOT NULL DEFAULT '',
    correction         TEXT NOT NULL DEFAULT '',
    failure_code       TEXT NOT NULL DEFAULT '',
    checklist_done     BOOLEAN NOT NULL DEFAULT FALSE,
    labor_rate_fen     BIGINT NOT NULL,
    claimed_fen        BIGINT NOT NULL DEFAULT 0,
    approved_fen       BIGINT,
    eligibility        TEXT NOT NULL DEFAULT '',
    eligibility_json   TEXT NOT NULL DEFAULT '{}',
    findings_json      TEXT NOT NULL DEFAULT '[]',
    overrides_json     TEXT NOT NULL DEFAULT '{}',
    goodwill_json      TEXT,
    content_version    BIGINT NOT NULL DEFAULT 1,
    returns            BIGINT NOT NULL DEFAULT 0,
    resubmissions      BIGINT NOT NULL DEFAULT 0,
    submitted_at       BIGINT,
    decided_at         BIGINT,
    settled_at         BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT warranty_claims_number_key UNIQUE (store_id, number)
);
CREATE INDEX warranty_claims_store_created ON warranty_claims (store_id, created_at);
CREATE INDEX warranty_claims_store_state ON warranty_claims (store_id, state, created_at);
CREATE INDEX warranty_claims_store_vin ON warranty_claims (store_id, vin);
CREATE INDEX warranty_claims_store_failure ON warranty_claims (store_id, failure_code);
CREATE INDEX warranty_claims_store_clerk ON warranty_claims (store_id, clerk_id, created_at);
CREATE INDEX warranty_claims_store_order ON warranty_claims (store_id, repair_order_id);
-- The mis-claim checks look at every earlier claim of a VIN in the group.
CREATE INDEX warranty_claims_vin ON warranty_claims (vin);

CREATE TABLE warranty_claim_lines (
    id                    TEXT PRIMARY KEY,
    store_id              TEXT NOT NULL REFERENCES stores (id),
    claim_id              TEXT NOT NULL REFERENCES warranty_claims (id),
    line_no               BIGINT NOT NULL,
    kind                  TEXT NOT NULL,
    code                  TEXT NOT NULL DEFAULT '',
    description           TEXT NOT NULL DEFAULT '',
    hours_centi           BIGINT NOT NULL DEFAULT 0,
    standard_hours_centi  BIGINT,
    quantity_milli        BIGINT NOT NULL DEFAULT 0,
    unit_price_fen        BIGINT NOT NULL DEFAULT 0,
    catalogue_price_fen   BIGINT,
    role                  TEXT NOT NULL DEFAULT '',
    supplier_code         TEXT NOT NULL DEFAULT '',
    amount_fen            BIGINT NOT NULL,
    verdict               TEXT,
    approved_fen          BIGINT,
    verdict_reason        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX warranty_claim_lines_claim ON warranty_claim_lines (store_id, claim_id, line_no);

-- The content of a claim as it was at each submission, kept when a returned or decided claim is changed.
CREATE TABLE warranty_claim_versions (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    claim_id    TEXT NOT NULL REFERENCES warranty_claims (id),
    version_no  BIGINT NOT NULL,
    content     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT REFERENCES users (id),
    CONSTRAINT warranty_claim_versions_key UNIQUE (claim_id, version_no)
);
CREATE INDEX warranty_claim_versions_claim ON warranty_claim_versions (store_id, claim_id, version_no);

-- 退回: every return with its reason, counted and never overwritten.
CREATE TABLE warranty_claim_returns (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES stores (id),
    claim_id    TEXT NOT NULL REFERENCES warranty_claims (id),
    seq         BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    returned_at BIGINT NOT NULL,
    returned_by TEXT REFERENCES users (id),
    resubmitted_at BIGINT
);
CREATE INDEX warranty_claim_returns_claim ON warranty_claim_returns (store_id, claim_id, seq);
