-- 0012: parts return (旧件回运, W3). Part tags for every part replaced under a claim, return shipments with
-- their boxes, the manufacturer's inspection, the debits it causes, and the scrapping of parts the
-- manufacturer does not want back.
--
-- The return rules are the manufacturer's, per brand and group-wide like warranty_brands; they live in a
-- table of their own (one JSON document per brand) so the brand settings' columns stay as they are and a
-- new rule needs no migration. Tags, shipments, debits and scrap records are store records.

CREATE TABLE parts_return_rules (
    brand       TEXT PRIMARY KEY,
    rules_json  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);

-- 旧件标签: one per part line of a claim; what the label prints is copied so it never changes afterwards.
CREATE TABLE part_tags (
    id               TEXT PRIMARY KEY,
    store_id         TEXT NOT NULL REFERENCES stores (id),
    number           TEXT NOT NULL,
    claim_id         TEXT NOT NULL REFERENCES warranty_claims (id),
    claim_number     TEXT NOT NULL,
    line_no          BIGINT NOT NULL,
    vin              TEXT NOT NULL,
    brand            TEXT NOT NULL,
    part_no          TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    failure_code     TEXT NOT NULL DEFAULT '',
    quantity_milli   BIGINT NOT NULL,
    repair_date      TEXT NOT NULL,
    tagged_on        TEXT NOT NULL,
    location         TEXT NOT NULL DEFAULT '',
    weight_g         BIGINT NOT NULL DEFAULT 0,
    length_cm        BIGINT NOT NULL DEFAULT 0,
    width_cm         BIGINT NOT NULL DEFAULT 0,
    height_cm        BIGINT NOT NULL DEFAULT 0,
    hazardous        BOOLEAN NOT NULL DEFAULT FALSE,
    return_required  BOOLEAN NOT NULL,
    scrap_from       TEXT,
    state            TEXT NOT NULL,
    shipment_id      TEXT,
    box_no           BIGINT,
    inspection       TEXT,
    inspection_reason TEXT NOT NULL DEFAULT '',
    scrap_id         TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT part_tags_number_key UNIQUE (store_id, number),
    CONSTRAINT part_tags_line_key UNIQUE (store_id, claim_id, line_no)
);
CREATE INDEX part_tags_store_state ON part_tags (store_id, state, brand, tagged_on);
CREATE INDEX part_tags_store_shipment ON part_tags (store_id, shipment_id);
CREATE INDEX part_tags_store_vin ON part_tags (store_id, vin);

-- 旧件回运单.
CREATE TABLE return_shipments (
    id              TEXT PRIMARY KEY,
    store_id        TEXT NOT NULL REFERENCES stores (id),
    number          TEXT NOT NULL,
    brand           TEXT NOT NULL,
    period          TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    state           TEXT NOT NULL,
    boxes_json      TEXT NOT NULL DEFAULT '[]',
    box_count       BIGINT NOT NULL DEFAULT 0,
    part_count      BIGINT NOT NULL DEFAULT 0,
    weight_g        BIGINT NOT NULL DEFAULT 0,
    carrier         TEXT NOT NULL DEFAULT '',
    tracking_no     TEXT NOT NULL DEFAULT '',
    packed_at       BIGINT,
    shipped_at      BIGINT,
    received_on     TEXT,
    inspected_at    BIGINT,
    debit_fen       BIGINT NOT NULL DEFAULT 0,
    created_by      TEXT REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT return_shipments_number_key UNIQUE (store_id, number)
);
CREATE INDEX return_shipments_store_created ON return_shipments (store_id, created_at);
CREATE INDEX return_shipments_store_state ON return_shipments (store_id, state, created_at);

-- A rejected or missing part charged back on its claim (旧件扣款).
CREATE TABLE parts_return_debits (
    id           TEXT PRIMARY KEY,
    store_id     TEXT NOT NULL REFERENCES stores (id),
    claim_id     TEXT NOT NULL REFERENCES warranty_claims (id),
    tag_id       TEXT NOT NULL REFERENCES part_tags (id),
    shipment_id  TEXT NOT NULL REFERENCES return_shipments (id),
    reason       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    amount_fen   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT REFERENCES users (id)
);
CREATE INDEX parts_return_debits_claim ON parts_return_debits (store_id, claim_id);
CREATE INDEX parts_return_debits_created ON parts_return_debits (store_id, created_at);

-- 旧件报废记录: parts the manufacturer does not want back, scrapped after their hold period.
CREATE TABLE part_scraps (
    id           TEXT PRIMARY KEY,
    store_id     TEXT NOT NULL REFERENCES stores (id),
    number       TEXT NOT NULL,
    scrapped_on  TEXT NOT NULL,
    part_count   BIGINT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    created_by   TEXT REFERENCES users (id),
    CONSTRAINT part_scraps_number_key UNIQUE (store_id, number)
);
CREATE INDEX part_scraps_store_created ON part_scraps (store_id, created_at);
