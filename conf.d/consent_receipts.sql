-- The table ConsentReceipts dbd writes to (PostgreSQL; one row a choice).
-- No address or other identifying data: the id is also the last field of
-- the visitor's consent cookie.
CREATE TABLE IF NOT EXISTS consent_receipts (
    id              text PRIMARY KEY,
    time            timestamptz NOT NULL,
    action          text NOT NULL CHECK (action IN ('grant', 'refuse', 'revoke')),
    categories      jsonb NOT NULL,
    policy_revision integer NOT NULL,
    gpc             boolean NOT NULL,
    dnt             boolean NOT NULL
);
