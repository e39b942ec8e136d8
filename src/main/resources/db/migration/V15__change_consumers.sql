-- The greenhouse:changes consumers (docs/component.md): one row per consumer name, its durable offset: the seq of
-- the last event the consumer's route completed. Consumers read up to change_event_bound() (V14), so an event whose
-- transaction commits after a higher seq is still read, never skipped.
create table change_consumer (
    name        text primary key,
    last_seq    bigint not null default 0,
    -- which instance (host/pid) last advanced it, for people reading the table
    owner       text,
    updated_at  timestamptz not null default now()
);
