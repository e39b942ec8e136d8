-- The write-back outbox: work for Greenhouse (notes, e-mail logs, interviews), put here by the REST API, by routes
-- (direct:outbox) or by other systems with a plain INSERT, and delivered by the dispatchers of every Trellis
-- instance on this database. The contract for direct inserts is in docs/outbox.md: give tenant, kind and payload
-- (and optionally acting_user and idempotency_key); the defaults and the trigger below fill in the rest.
create table outbox (
    id               bigserial   primary key,
    tenant           text        not null,
    kind             text        not null check (kind in
                         ('note', 'email', 'interview_create', 'interview_update', 'interview_delete')),
    payload          jsonb       not null default '{}'::jsonb,
    -- Greenhouse user id whose token sends it (v3 has no On-Behalf-Of); null = the tenant's harvest.user-id
    acting_user      bigint,
    -- a repeated insert with the same key is the same item (unique per tenant; null = no deduplication)
    idempotency_key  text,
    -- items with the same key are delivered one at a time, in id order (the interview they are about)
    ordering_key     text,
    status           text        not null default 'queued' check (status in ('queued', 'sending', 'delivered', 'dead')),
    attempts         integer     not null default 0,
    next_attempt_at  timestamptz not null default now(),
    -- true once an attempt may have been applied without our knowing (timeout after sending, 5xx, crash while
    -- sending): the next attempt reads Greenhouse before it writes
    ambiguous        boolean     not null default false,
    greenhouse_id    bigint,
    last_error       text,
    -- the dispatcher (a session advisory lock id) that claimed it last; a 'sending' row whose dispatcher holds no
    -- lock any more was orphaned by a crash
    claimed_by       integer,
    claimed_at       timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    delivered_at     timestamptz,
    unique (tenant, idempotency_key)
);

-- what the dispatchers claim: due items, oldest first
create index outbox_due on outbox (next_attempt_at, id) where status = 'queued';
-- the ordering check: earlier unfinished items of the same key
create index outbox_ordering on outbox (tenant, ordering_key, id) where ordering_key is not null;
-- depth and age by kind, orphan recovery
create index outbox_open on outbox (status, kind) where status in ('queued', 'sending');
-- one Greenhouse note per note item and one interview per create item: two reconciliations can never both claim
-- the same record
create unique index outbox_note_record on outbox (tenant, greenhouse_id)
    where kind in ('note', 'email') and greenhouse_id is not null;
create unique index outbox_interview_record on outbox (tenant, greenhouse_id)
    where kind = 'interview_create' and greenhouse_id is not null;

-- Fills the ordering key of interview items, so SQL inserts need not know it: a create orders under its own id, an
-- update or delete under the create it names ("outbox-<id>"), or under the create that got that Greenhouse id, or
-- under the Greenhouse id itself.
create function outbox_fill() returns trigger language plpgsql as $$
declare
    ref text;
    origin bigint;
begin
    if new.ordering_key is null then
        if new.kind = 'interview_create' then
            new.ordering_key := 'interview:outbox-' || new.id;
        elsif new.kind in ('interview_update', 'interview_delete') then
            ref := new.payload ->> 'interview';
            if ref ~ '^outbox-[0-9]+$' then
                new.ordering_key := 'interview:' || ref;
            elsif ref ~ '^[0-9]+$' then
                select id into origin from outbox
                 where tenant = new.tenant and kind = 'interview_create' and greenhouse_id = ref::bigint
                 order by id limit 1;
                new.ordering_key := 'interview:' || coalesce('outbox-' || origin, ref);
            end if;
        end if;
    end if;
    return new;
end $$;

create trigger outbox_fill before insert on outbox for each row execute function outbox_fill();

-- Wakes the dispatchers of every instance (LISTEN trellis_outbox); once per statement, so a bulk insert is one wake-up.
create function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('trellis_outbox', '');
    return null;
end $$;

create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();
