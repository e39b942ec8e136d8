-- The change feed (docs/changes.md): one row per create, update or delete of a synced record, appended in the
-- same transaction as the row change.
create table change_event (
    seq         bigint generated always as identity primary key,
    -- the writing transaction: a reader takes only events of transactions older than every running one
    -- (xid < pg_snapshot_xmin(pg_current_snapshot())), so a later commit of a lower seq is never skipped
    xid         xid8 not null default pg_current_xact_id(),
    tenant      text not null,
    stream      text not null,
    record_id   bigint not null,
    op          text not null check (op in ('create', 'update', 'delete')),
    -- top-level fields that changed (updates); null for create and delete
    fields      text[],
    -- the record after the change (for a delete, the record as last stored)
    after       jsonb,
    -- for updates, the changed fields' values before
    before      jsonb,
    -- Greenhouse's updated_at of the record
    updated_at  timestamptz,
    seen_at     timestamptz not null default now(),
    source      text not null check (source in ('poll', 'sweep', 'webhook', 'write-back')),
    -- a create from a stream's first backfill: consumers choose whether they receive these
    backfill    boolean not null default false
);
create index change_event_stream on change_event (tenant, stream, seq);
create index change_event_xid on change_event (xid);
