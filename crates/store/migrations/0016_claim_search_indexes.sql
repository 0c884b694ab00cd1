-- 0016: the claim search (the archive, issue 4) lists newest first by id instead of by created_at. Ids are
-- UUIDv7, so id order is creation order, and an index that ends in the id hands the matches over in that
-- order or at least without reading a claim: the page is cut from the index range and only its 50 claims are
-- read, instead of every match being read and sorted (a state holds an eighth of a store's claims, 125,000
-- at 1,000,000 claims). `claimdesk bench claims` found it.
--
-- The indexes that ended in created_at served only that list, and each is replaced by one ending in id; the
-- VIN and failure-code-and-date indexes get the id too, so a VIN's or a month's matches are sorted from the
-- index alone. warranty_claims_store_failure (store_id, failure_code) is a prefix of
-- warranty_claims_store_failure_date and goes: one index fewer for every claim written.
DROP INDEX warranty_claims_store_created;
CREATE INDEX warranty_claims_store_recent ON warranty_claims (store_id, id);
DROP INDEX warranty_claims_store_state;
CREATE INDEX warranty_claims_store_state ON warranty_claims (store_id, state, id);
DROP INDEX warranty_claims_store_clerk;
CREATE INDEX warranty_claims_store_clerk ON warranty_claims (store_id, clerk_id, id);
DROP INDEX warranty_claims_store_vin;
CREATE INDEX warranty_claims_store_vin ON warranty_claims (store_id, vin, id);
DROP INDEX warranty_claims_store_failure_date;
CREATE INDEX warranty_claims_store_failure_date ON warranty_claims (store_id, failure_code, repair_date, id);
DROP INDEX warranty_claims_store_failure;
