//! The audit chain (审计日志): each record's hash covers its content and the previous record's hash, so a
//! record edited or deleted directly in the database breaks the chain ("不得弄虚作假").

use sha2::{Digest, Sha256};

/// The hash before the first record of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain of records that belong to no store (users, group settings).
pub const GROUP_CHAIN: &str = "group";

/// One audit record's content, as hashed.
#[derive(Debug, Clone, Copy)]
pub struct AuditContent<'a> {
    pub chain: &'a str,
    pub seq: i64,
    pub store_id: Option<&'a str>,
    pub actor_id: Option<&'a str>,
    pub actor_name: &'a str,
    pub at: i64,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub before_json: Option<&'a str>,
    pub after_json: Option<&'a str>,
    pub prev_hash: &'a str,
}

/// SHA-256 over length-prefixed fields, so no two different records can be spelled the same way.
pub fn record_hash(record: &AuditContent<'_>) -> String {
    let mut hasher = Sha256::new();
    let mut field = |value: Option<&str>| match value {
        None => hasher.update(b"-"),
        Some(text) => {
            hasher.update((text.len() as u64).to_be_bytes());
            hasher.update(text.as_bytes());
        }
    };
    field(Some(record.chain));
    field(Some(&record.seq.to_string()));
    field(record.store_id);
    field(record.actor_id);
    field(Some(record.actor_name));
    field(Some(&record.at.to_string()));
    field(Some(record.entity));
    field(Some(record.entity_id));
    field(Some(record.action));
    field(record.before_json);
    field(record.after_json);
    field(Some(record.prev_hash));
    hex::encode(hasher.finalize())
}

/// Why a chain does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// A sequence number is missing or repeated: a record was deleted or inserted.
    Gap { expected_seq: i64, found_seq: i64 },
    /// The record does not point at its predecessor's hash.
    Link { seq: i64 },
    /// The record's content no longer matches its hash: it was edited.
    Content { seq: i64 },
    /// The chain's head (last seq and hash) disagrees with its last record: records were cut off the end.
    Head { expected_seq: i64, found_seq: i64 },
}

/// Checks one chain's records in sequence order; the stored hash is compared with a recomputation.
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier { expected_seq: 1, prev_hash: GENESIS.to_string() }
    }
}

impl ChainVerifier {
    pub fn push(&mut self, record: &AuditContent<'_>, stored_hash: &str) -> Result<(), ChainBreak> {
        if record.seq != self.expected_seq {
            return Err(ChainBreak::Gap { expected_seq: self.expected_seq, found_seq: record.seq });
        }
        if record.prev_hash != self.prev_hash {
            return Err(ChainBreak::Link { seq: record.seq });
        }
        if record_hash(record) != stored_hash {
            return Err(ChainBreak::Content { seq: record.seq });
        }
        self.expected_seq += 1;
        self.prev_hash = stored_hash.to_string();
        Ok(())
    }

    /// Compares the end of the chain with its head row.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<(), ChainBreak> {
        let last_seq = self.expected_seq - 1;
        if head_seq != last_seq || head_hash != self.prev_hash {
            return Err(ChainBreak::Head { expected_seq: head_seq, found_seq: last_seq });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(seq: i64, prev: &str, after: &str) -> (String, String) {
        let record = AuditContent {
            chain: "s1",
            seq,
            store_id: Some("s1"),
            actor_id: Some("u1"),
            actor_name: "张三",
            at: 1_700_000_000_000 + seq,
            entity: "customer",
            entity_id: "c1",
            action: "update",
            before_json: None,
            after_json: Some(after),
            prev_hash: prev,
        };
        (record_hash(&record), after.to_string())
    }

    #[test]
    fn a_chain_verifies_and_an_edit_breaks_it() {
        let (h1, _) = content(1, GENESIS, "{\"name\":\"a\"}");
        let (h2, _) = content(2, &h1, "{\"name\":\"b\"}");
        let mut verifier = ChainVerifier::default();
        let r1 = AuditContent {
            chain: "s1",
            seq: 1,
            store_id: Some("s1"),
            actor_id: Some("u1"),
            actor_name: "张三",
            at: 1_700_000_000_001,
            entity: "customer",
            entity_id: "c1",
            action: "update",
            before_json: None,
            after_json: Some("{\"name\":\"a\"}"),
            prev_hash: GENESIS,
        };
        verifier.push(&r1, &h1).unwrap();
        let r2 =
            AuditContent { seq: 2, at: 1_700_000_000_002, after_json: Some("{\"name\":\"b\"}"), prev_hash: &h1, ..r1 };
        verifier.push(&r2, &h2).unwrap();
        verifier.finish(2, &h2).unwrap();

        let mut verifier = ChainVerifier::default();
        verifier.push(&r1, &h1).unwrap();
        let edited = AuditContent { after_json: Some("{\"name\":\"c\"}"), ..r2 };
        assert_eq!(verifier.push(&edited, &h2), Err(ChainBreak::Content { seq: 2 }));
    }

    #[test]
    fn a_deleted_record_is_a_gap_and_a_cut_tail_is_a_head_mismatch() {
        let mut verifier = ChainVerifier::default();
        let (h1, _) = content(1, GENESIS, "x");
        let record = AuditContent {
            chain: "s1",
            seq: 2,
            store_id: None,
            actor_id: None,
            actor_name: "",
            at: 0,
            entity: "e",
            entity_id: "i",
            action: "a",
            before_json: None,
            after_json: None,
            prev_hash: &h1,
        };
        assert_eq!(verifier.push(&record, "whatever"), Err(ChainBreak::Gap { expected_seq: 1, found_seq: 2 }));
        let verifier = ChainVerifier::default();
        assert_eq!(verifier.finish(3, "h"), Err(ChainBreak::Head { expected_seq: 3, found_seq: 0 }));
    }
}
