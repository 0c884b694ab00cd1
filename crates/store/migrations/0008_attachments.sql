-- Attachments: photos, invoices, checklists and documents, kept by content hash (DESIGN.md "attachments
-- (content-addressed files)"). The bytes live once per store in attachment_blobs; each use of a file on a
-- record is a row of attachments. The bytes are in the database rather than on a disk so that several app
-- servers on one PostgreSQL see the same files and a backup of the database is a backup of everything.
CREATE TABLE attachment_blobs (
    store_id     TEXT NOT NULL REFERENCES stores (id),
    hash         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (store_id, hash)
);

CREATE TABLE attachments (
    id           TEXT PRIMARY KEY,
    store_id     TEXT NOT NULL REFERENCES stores (id),
    owner_kind   TEXT NOT NULL,
    owner_id     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    FOREIGN KEY (store_id, hash) REFERENCES attachment_blobs (store_id, hash)
);

CREATE INDEX attachments_owner ON attachments (store_id, owner_kind, owner_id, created_at);
CREATE INDEX attachments_hash ON attachments (store_id, hash);
