-- The change feed (docs/changes.md): one row per create, update or delete of a synced record, appended in the
-- same transaction as the row change.
-- A change_event.xid: the newest transaction id that can have drawn a lower seq, i.e. the next transaction id less
-- one, read after the row's seq was drawn (the column default after seq) from a fresh snapshot (a volatile PL/pgSQL
-- function takes one per call). The writing transaction's own id is not enough: a transaction whose id is older
-- (it wrote something else first) can draw a higher seq and commit while a younger one still holds a lower seq.
create function change_event_xid() returns xid8 language plpgsql volatile as $$
begin
    return (pg_snapshot_xmax(pg_current_snapshot())::text::bigint - 1)::text::xid8;
end
$$;

create table change_event (
    seq         bigint generated always as identity primary key,
    -- the read horizon: a reader reads ascending by seq and STOPS at the first event whose
    -- xid >= pg_snapshot_xmin(pg_current_snapshot()) (taken in the same statement); every event before it is final:
    -- no transaction that may hold a lower seq is still running, so a later commit of a lower seq is never skipped.
    -- (Filtering such events out instead of stopping can skip one: two rows' xids need not follow their seqs.)
    xid         xid8 not null default change_event_xid(),
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
-- no index on xid: readers stop at the horizon while scanning by seq, so it would only cost every write

-- Retention (trellis.changes.retention-days) deletes the oldest events, always a prefix of seq; a cursor below
-- trimmed_through lost events and is answered 410
create table change_trim (
    only_row        boolean primary key default true check (only_row),
    trimmed_through bigint not null default 0
);
insert into change_trim default values;
