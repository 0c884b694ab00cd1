-- 0010: counterparty statements (对账/结算, README W10 and I6). The manufacturer's settlement statements
-- (结算单) and the insurers' commission statements share one pair of tables, because both are a file of
-- lines matched one by one against what the store expects (claim lines, or the commission booked per
-- policy); `kind` tells them apart and `counterparty` is the brand or the insurer's id. Each line keeps the
-- amount expected, the amount stated and the outcome of the match, so a statement reads back exactly as it
-- was matched even after the claims change. Debits (扣款) are statement lines with a negative amount.
--
-- Appeals (复议) of cut and rejected lines, payments received (回款) against statements, invoices issued to
-- the manufacturer for confirmed amounts, and the store's rule for charging rejected amounts to the people
-- responsible (拒赔问责). Two indexes serve the monthly reconciliation: claims by decision time and repair
-- orders by handover time, both leading with the store.

CREATE TABLE statements (
    id                TEXT PRIMARY KEY,
    store_id          TEXT NOT NULL REFERENCES stores (id),
    kind              TEXT NOT NULL,
    counterparty      TEXT NOT NULL,
    counterparty_name TEXT NOT NULL DEFAULT '',
    number            TEXT NOT NULL,
    period            TEXT NOT NULL,
    statement_date    TEXT NOT NULL,
    source            TEXT NOT NULL,
    file_name         TEXT NOT NULL DEFAULT '',
    expected_fen      BIGINT NOT NULL DEFAULT 0,
    stated_fen        BIGINT NOT NULL DEFAULT 0,
    confirmed_fen     BIGINT NOT NULL DEFAULT 0,
    received_fen      BIGINT NOT NULL DEFAULT 0,
    invoiced_fen      BIGINT NOT NULL DEFAULT 0,
    counts_json       TEXT NOT NULL DEFAULT '{}',
    created_at        BIGINT NOT NULL,
    created_by        TEXT REFERENCES users (id),
    updated_at        BIGINT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT statements_number_key UNIQUE (store_id, kind, counterparty, number)
);
CREATE INDEX statements_store_date ON statements (store_id, kind, statement_date);

CREATE TABLE statement_lines (
    id            TEXT PRIMARY KEY,
    store_id      TEXT NOT NULL REFERENCES stores (id),
    statement_id  TEXT NOT NULL REFERENCES statements (id),
    position      BIGINT NOT NULL,
    row_no        BIGINT NOT NULL DEFAULT 0,
    reference     TEXT NOT NULL DEFAULT '',
    line_ref      TEXT NOT NULL DEFAULT '',
    subject_id    TEXT,
    line_no       BIGINT,
    description   TEXT NOT NULL DEFAULT '',
    expected_fen  BIGINT,
    stated_fen    BIGINT,
    claimed_fen   BIGINT,
    outcome       TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX statement_lines_statement ON statement_lines (store_id, statement_id, position);
CREATE INDEX statement_lines_subject ON statement_lines (store_id, subject_id);

CREATE TABLE statement_appeals (
    id            TEXT PRIMARY KEY,
    store_id      TEXT NOT NULL REFERENCES stores (id),
    number        TEXT NOT NULL,
    statement_id  TEXT NOT NULL REFERENCES statements (id),
    line_id       TEXT NOT NULL REFERENCES statement_lines (id),
    claim_id      TEXT REFERENCES warranty_claims (id),
    state         TEXT NOT NULL,
    requested_fen BIGINT NOT NULL,
    granted_fen   BIGINT,
    reason        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    created_by    TEXT REFERENCES users (id),
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT statement_appeals_number_key UNIQUE (store_id, number)
);
CREATE INDEX statement_appeals_store ON statement_appeals (store_id, state, created_at);
CREATE INDEX statement_appeals_statement ON statement_appeals (store_id, statement_id);

CREATE TABLE statement_payments (
    id            TEXT PRIMARY KEY,
    store_id      TEXT NOT NULL REFERENCES stores (id),
    statement_id  TEXT NOT NULL REFERENCES statements (id),
    received_on   TEXT NOT NULL,
    amount_fen    BIGINT NOT NULL,
    reference     TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    created_by    TEXT REFERENCES users (id)
);
CREATE INDEX statement_payments_statement ON statement_payments (store_id, statement_id, received_on);

CREATE TABLE statement_invoices (
    id            TEXT PRIMARY KEY,
    store_id      TEXT NOT NULL REFERENCES stores (id),
    statement_id  TEXT NOT NULL REFERENCES statements (id),
    invoice_no    TEXT NOT NULL,
    issued_on     TEXT NOT NULL,
    amount_fen    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    created_by    TEXT REFERENCES users (id),
    CONSTRAINT statement_invoices_number_key UNIQUE (store_id, invoice_no)
);
CREATE INDEX statement_invoices_statement ON statement_invoices (store_id, statement_id);

-- 拒赔问责: one rule per store; percentages as decimal text, the technician and manager named.
CREATE TABLE accountability_rules (
    store_id           TEXT PRIMARY KEY REFERENCES stores (id),
    advisor_percent    TEXT NOT NULL DEFAULT '0',
    technician_percent TEXT NOT NULL DEFAULT '0',
    clerk_percent      TEXT NOT NULL DEFAULT '0',
    manager_percent    TEXT NOT NULL DEFAULT '0',
    technician_id      TEXT REFERENCES users (id),
    manager_id         TEXT REFERENCES users (id),
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL DEFAULT 1
);

-- Covering: the month's income reads the claims' kind and the lines' kind and amounts from the indexes alone.
CREATE INDEX warranty_claims_store_decided ON warranty_claims (store_id, decided_at, kind, id);
CREATE INDEX warranty_claim_lines_amounts ON warranty_claim_lines (store_id, claim_id, kind, amount_fen, approved_fen);
CREATE INDEX repair_orders_store_handed_over ON repair_orders (store_id, handed_over_at);
