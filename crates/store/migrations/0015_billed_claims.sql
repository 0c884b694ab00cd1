-- 0015: the claims still owed, and one automatic return shipment per cycle.
--
-- Receivables aging (W10) sums the decided claims no settlement statement has named yet. It used to find
-- them with NOT EXISTS over statement_lines, which reads every decided claim the store ever had (33 s at
-- 1,000,000 claims). A claim now carries `billed_at`, the instant a statement first named it, set in the
-- statement import's write; the partial index holds only the decided claims still unbilled, so the aging
-- reads what is owed and nothing else. Statement lines are never deleted, so the mark never goes back.
-- Existing claims take the time of the first statement that named them.
ALTER TABLE warranty_claims ADD COLUMN billed_at BIGINT;

UPDATE warranty_claims SET billed_at = (
    SELECT MIN(s.created_at) FROM statement_lines l
    JOIN statements s ON s.store_id = l.store_id AND s.id = l.statement_id
    WHERE l.store_id = warranty_claims.store_id AND l.subject_id = warranty_claims.id
)
WHERE EXISTS (
    SELECT 1 FROM statement_lines l WHERE l.store_id = warranty_claims.store_id AND l.subject_id = warranty_claims.id
);

-- The predicate is written exactly as the aging query writes it: SQLite uses a partial index only when the
-- query's WHERE repeats the index's terms.
CREATE INDEX warranty_claims_owed ON warranty_claims (store_id, brand, decided_at, approved_fen)
    WHERE billed_at IS NULL AND state IN ('approved', 'partly_approved') AND decided_at IS NOT NULL;

-- 旧件回运 (W3): the scheduler proposes each return cycle's shipment by itself. The key (store, brand, period)
-- is inserted in the proposal's write with ON CONFLICT DO NOTHING, so with several app servers on one
-- PostgreSQL only the first proposes and the others find the cycle taken; a cycle whose shipment was
-- cancelled stays taken, so the scheduler does not propose it again behind the clerk's back.
CREATE TABLE return_cycles (
    store_id     TEXT NOT NULL REFERENCES stores (id),
    brand        TEXT NOT NULL,
    period       TEXT NOT NULL,
    shipment_id  TEXT REFERENCES return_shipments (id),
    proposed_at  BIGINT NOT NULL,
    PRIMARY KEY (store_id, brand, period)
);
