-- 0003: holiday notices added by an admin. The calendar of 2013–2026 ships in the binary; when the State
-- Council publishes a new year's notice, an admin loads its rows here and every working-day deadline uses
-- them (a date in a year without data stays an error, never a guess). Group-wide: no store.

CREATE TABLE calendar_days (
    day        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    holiday    TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES users (id)
);
