-- The change feed (docs/changes.md): one row per create, update or delete of a synced record, appended in the
-- same transaction as the row change.
--
-- Reading without skipping: seqs are drawn when rows are inserted, not when they commit, so a reader may see seq 6
-- while seq 5 is still uncommitted. Every writing transaction therefore first "claims" (change_event_claim(),
-- the default of the xid column, which PostgreSQL evaluates before seq's): it holds, until it ends, a shared
-- advisory lock whose key is the last seq drawn so far, below every seq it will draw. A reader first asks
-- change_event_bound() in a statement of its own (the highest seq drawn, capped below every claim still held), then
-- reads "seq > cursor and seq <= bound" in a later statement: everything up to the bound has committed or rolled
-- back by then. (Transaction ids do not give this: an older transaction can draw a higher seq and commit first.)
-- Advisory keys (2046820352 + (seq >> 31), seq & 2147483647): the first key's range 0x7A000000.. is the feed's.
create function change_event_claim() returns xid8 language plpgsql volatile as $$
declare
    drawn bigint;
begin
    if coalesce(current_setting('trellis.change_claim', true), '') <> 'y' then
        select case when is_called then last_value else last_value - 1 end into drawn from change_event_seq_seq;
        perform pg_advisory_xact_lock_shared(2046820352 + (drawn >> 31)::int, (drawn & 2147483647)::int);
        perform set_config('trellis.change_claim', 'y', true);
    end if;
    return pg_current_xact_id();
end
$$;

create table change_event (
    -- the writing transaction; its default is the claim above, so it must stay before seq
    xid         xid8 not null default change_event_claim(),
    seq         bigint generated always as identity primary key,
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
-- no index on xid: readers go by seq and the bound, so it would only cost every write

-- The highest seq every event up to which has committed or rolled back (see above); call it in its own statement.
create function change_event_bound() returns bigint language plpgsql volatile as $$
declare
    drawn bigint;
    held bigint;
begin
    -- in this order: a seq drawn before the first read has its claim (if still open) seen by the second
    select case when is_called then last_value else last_value - 1 end into drawn from change_event_seq_seq;
    select min(((l.classid::bigint - 2046820352) << 31) | l.objid::bigint) into held from pg_locks l
        where l.locktype = 'advisory' and l.objsubid = 2 and l.granted
        and l.classid::bigint between 2046820352 and 2063597567
        and l.database = (select oid from pg_database where datname = current_database());
    return least(drawn, held);
end
$$;

-- Retention (trellis.changes.retention-days) deletes the oldest events, always a prefix of seq; a cursor below
-- trimmed_through lost events and is answered 410
create table change_trim (
    only_row        boolean primary key default true check (only_row),
    trimmed_through bigint not null default 0
);
insert into change_trim default values;
