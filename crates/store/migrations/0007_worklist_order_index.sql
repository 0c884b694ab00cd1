-- The worklist reads a person's open items in one store ordered by (due_on, id) and stops at a page.
-- 0001's due_items_worklist index ends at due_on, so every open item of the person was read and sorted
-- to return the first page; with id in the index the rows come out in order and the scan stops early.
-- (Found by `claimdesk bench reads`: at 100,000 customers a follow-up person has thousands of items.)
CREATE INDEX due_items_worklist_order ON due_items (store_id, assignee_id, status, due_on, id);
DROP INDEX due_items_worklist;
