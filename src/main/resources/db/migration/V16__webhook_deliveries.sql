-- Greenhouse webhook deliveries (docs/webhooks.md): stored, committed, before the 200; processed afterwards by
-- whichever instance claims them (FOR UPDATE SKIP LOCKED). (tenant, event_id) makes a redelivery store nothing new.
create table webhook_delivery (
    id              bigint generated always as identity primary key,
    tenant          text not null,
    -- Greenhouse-Event-ID: the same on every retry of one delivery
    event_id        text not null,
    action          text not null,
    -- what processing does: 'delete' (applied at once), 'read' (re-read by ids=, may also delete), 'none' (unknown)
    kind            text not null check (kind in ('delete', 'read', 'none')),
    -- the raw body exactly as signed (text: jsonb would refuse a valid body holding \u0000)
    body            text not null,
    received_at     timestamptz not null,
    state           text not null default 'pending' check (state in ('pending', 'done', 'failed', 'skipped')),
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    processed_at    timestamptz,
    error           text,
    unique (tenant, event_id)
);
create index webhook_delivery_pending on webhook_delivery (kind, id) where state = 'pending';
create index webhook_delivery_received on webhook_delivery (received_at);
