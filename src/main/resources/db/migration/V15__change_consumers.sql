-- The greenhouse:changes consumers (docs/component.md): one row per consumer name, its durable offset.
-- Events are read in (xid, seq) order below the xid read horizon (V14), so the offset is the pair of the last event
-- the consumer's route completed: a transaction that commits later always has an xid above every offset taken
-- before, so nothing is skipped even when its seq is lower.
create table change_consumer (
    name        text primary key,
    last_xid    xid8 not null default '0',
    last_seq    bigint not null default 0,
    -- which instance (host/pid) last advanced it, for people reading the table
    owner       text,
    updated_at  timestamptz not null default now()
);
-- the consumers' read order. It replaces V14's index on xid alone, which serves the same queries as its prefix: with
-- both, the planner could take the xid one and sort every event of a large transaction for each batch it reads
drop index change_event_xid;
create index change_event_xid_seq on change_event (xid, seq);
