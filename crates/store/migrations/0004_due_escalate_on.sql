-- 0004: the day an overdue item goes up to the supervisor, stored with the item. The scheduler used to pick
-- overdue items and then check each one's grace days, so a few hundred items still inside their grace could
-- hide the ones past it; with the date stored, the claim query selects exactly the items to escalate.

ALTER TABLE due_items ADD COLUMN escalate_on TEXT;
CREATE INDEX due_items_escalate ON due_items (status, escalate_on);
