-- Trust nothing a laptop sends (issue 13, docs/sync-api.md "Valid records" and "Roles").

-- A pulled record this laptop would refuse (fieldapp.protocol.records says what a valid record is, or the
-- store refused it): kept here, listed on the Sync screen with its problem, never applied, and the pull
-- goes on. A later valid version of the same record takes its place and removes it from here.
CREATE TABLE sync_refused (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version   INTEGER,
    record    TEXT NOT NULL,
    pos       INTEGER NOT NULL,
    problem   TEXT NOT NULL,  -- "field: problem", never a value
    at        TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
) WITHOUT ROWID;

-- The member who made each change (signed in with a PIN): the server lets only a team leader make the
-- leader-only ones. Ops already waiting take the member the audit log names for their record.
ALTER TABLE outbox ADD COLUMN actor TEXT;
UPDATE outbox SET actor = a.member_id
FROM (
    SELECT entity, entity_id, member_id, max(seq) FROM audit_log
    WHERE member_id IS NOT NULL AND entity_id IS NOT NULL
      AND entity IN ('members', 'targets', 'campaigns', 'campaign_periods', 'persons')
    GROUP BY entity, entity_id
) AS a
WHERE outbox.state = 'pending' AND a.entity = outbox.entity AND a.entity_id = outbox.entity_id
  AND (outbox.entity <> 'persons' OR outbox.op = 'erase');
