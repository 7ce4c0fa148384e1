-- The table ConsentReceipts dbd writes to (PostgreSQL; one row a choice).
-- No address or other identifying data: the id is also the last field of
-- the visitor's consent cookie. Rows are not hash-chained (the receipts
-- file is): restrict the web server's role to INSERT (see README).
CREATE TABLE IF NOT EXISTS consent_receipts (
    id              text PRIMARY KEY,
    time            timestamptz NOT NULL,
    action          text NOT NULL CHECK (action IN ('grant', 'refuse', 'revoke')),
    categories      jsonb NOT NULL,
    policy_revision integer NOT NULL,
    gpc             boolean NOT NULL,
    dnt             boolean NOT NULL
);
-- Added with the method, site, language, expiry and notice of a choice;
-- run again on a table made before them.
ALTER TABLE consent_receipts
    ADD COLUMN IF NOT EXISTS method  text NOT NULL DEFAULT 'unknown',
    ADD COLUMN IF NOT EXISTS host    text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS lang    text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS expires timestamptz,
    ADD COLUMN IF NOT EXISTS notice  text NOT NULL DEFAULT 'unknown';
