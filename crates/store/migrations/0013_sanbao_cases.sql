-- 0013: the 三包 duties around a vehicle (issue 4, items 9–11): the 三包 facts of a repair order (system,
-- part, problem, serious safety, replacement, excluded hours) that the Art 24 counts and the Art 21 spare
-- car read, the brand's 三包凭证 terms beyond the periods (wear parts, power battery, n of Art 27), and the
-- consumer's replacement and return cases (三包换退车) with their deadlines, money and certificate.
--
-- The repair order itself stays as 0001 made it: a visit that is not a 三包 repair has no row here, so the
-- counts read exactly the visits someone recorded as quality repairs. The brand terms are the group's and
-- keyed by brand, like warranty_brands (0005). A vehicle's mark (换退车) is read from the cases that name it
-- as the returned or the replacement car; no column on vehicles is needed.

CREATE TABLE sanbao_repairs (
    id                           TEXT PRIMARY KEY,
    store_id                     TEXT NOT NULL REFERENCES stores (id),
    repair_order_id              TEXT NOT NULL REFERENCES repair_orders (id),
    vehicle_id                   TEXT NOT NULL REFERENCES vehicles (id),
    system                       TEXT NOT NULL,
    part                         TEXT NOT NULL DEFAULT '',
    problem                      TEXT NOT NULL DEFAULT '',
    quality_problem              BOOLEAN NOT NULL DEFAULT TRUE,
    serious_safety               BOOLEAN NOT NULL DEFAULT FALSE,
    action                       TEXT NOT NULL DEFAULT 'repair',
    special_part_transport_hours BIGINT NOT NULL DEFAULT 0,
    battery_transport_hours      BIGINT NOT NULL DEFAULT 0,
    rescue_travel_hours          BIGINT NOT NULL DEFAULT 0,
    agreed_at                    BIGINT NOT NULL,
    completed_at                 BIGINT,
    spare_days_owed              BIGINT NOT NULL DEFAULT 0,
    spare_prompted_at            BIGINT,
    spare_provision              TEXT NOT NULL DEFAULT '',
    spare_days                   BIGINT NOT NULL DEFAULT 0,
    spare_amount_fen             BIGINT NOT NULL DEFAULT 0,
    spare_note                   TEXT NOT NULL DEFAULT '',
    spare_recorded_at            BIGINT,
    created_at                   BIGINT NOT NULL,
    updated_at                   BIGINT NOT NULL,
    version                      BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX sanbao_repairs_order ON sanbao_repairs (store_id, repair_order_id);
CREATE INDEX sanbao_repairs_vehicle ON sanbao_repairs (store_id, vehicle_id, agreed_at);
-- The daily Art 21 pass reads the open repairs not yet prompted.
CREATE INDEX sanbao_repairs_open ON sanbao_repairs (store_id, completed_at, spare_prompted_at);

CREATE TABLE sanbao_brand_terms (
    brand                         TEXT PRIMARY KEY,
    wear_parts_json               TEXT NOT NULL DEFAULT '[]',
    battery_fade_sanbao_percent   TEXT NOT NULL DEFAULT '',
    battery_fade_warranty_percent TEXT NOT NULL DEFAULT '',
    core_months                   BIGINT,
    core_km                       BIGINT,
    use_compensation_percent      TEXT NOT NULL DEFAULT '',
    created_at                    BIGINT NOT NULL,
    updated_at                    BIGINT NOT NULL,
    version                       BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE sanbao_cases (
    id                       TEXT PRIMARY KEY,
    store_id                 TEXT NOT NULL REFERENCES stores (id),
    number                   TEXT NOT NULL,
    vehicle_id               TEXT NOT NULL REFERENCES vehicles (id),
    vin                      TEXT NOT NULL,
    customer_id              TEXT REFERENCES customers (id),
    kind                     TEXT NOT NULL,
    status                   TEXT NOT NULL,
    received_on              TEXT NOT NULL,
    odometer_km              BIGINT NOT NULL,
    request_text             TEXT NOT NULL DEFAULT '',
    fault_json               TEXT NOT NULL DEFAULT '{}',
    reply_due_on             TEXT NOT NULL,
    completion_due_on        TEXT NOT NULL,
    entitled                 BOOLEAN NOT NULL,
    ground_article           TEXT NOT NULL DEFAULT '',
    assessment_json          TEXT NOT NULL,
    replied_on               TEXT,
    refusal_reasons          TEXT NOT NULL DEFAULT '',
    price_fen                BIGINT,
    n_percent                TEXT NOT NULL DEFAULT '',
    use_compensation_fen     BIGINT NOT NULL DEFAULT 0,
    losses_json              TEXT NOT NULL DEFAULT '{}',
    losses_fen               BIGINT NOT NULL DEFAULT 0,
    refund_fen               BIGINT NOT NULL DEFAULT 0,
    completed_on             TEXT,
    certificate_no           TEXT NOT NULL DEFAULT '',
    new_vehicle_id           TEXT REFERENCES vehicles (id),
    handover_km              BIGINT,
    manufacturer_notified_at BIGINT,
    created_by               TEXT REFERENCES users (id),
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL,
    version                  BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT sanbao_cases_number_key UNIQUE (store_id, number)
);
CREATE INDEX sanbao_cases_store_received ON sanbao_cases (store_id, received_on);
CREATE INDEX sanbao_cases_vehicle ON sanbao_cases (store_id, vehicle_id);
CREATE INDEX sanbao_cases_vin ON sanbao_cases (store_id, vin);
CREATE INDEX sanbao_cases_new_vehicle ON sanbao_cases (store_id, new_vehicle_id);
