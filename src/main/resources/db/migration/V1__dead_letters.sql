-- The dead-letter queue: what a route could not deliver after its redeliveries, kept for people to inspect,
-- replay or discard. Body and headers are stored with secrets masked.
create table dead_letter (
    id                bigserial primary key,
    tenant            text,
    route_id          text        not null,
    endpoint          text,
    body              text,
    body_format       text        not null default 'text' check (body_format in ('text', 'json')),
    headers           jsonb       not null default '{}'::jsonb,
    exception_class   text,
    exception_message text,
    attempts          integer     not null,
    first_failed_at   timestamptz not null default now(),
    last_failed_at    timestamptz not null default now(),
    status            text        not null default 'open' check (status in ('open', 'replayed', 'discarded')),
    status_changed_at timestamptz,
    replays           integer     not null default 0
);

create index dead_letter_status_route on dead_letter (status, route_id);
create index dead_letter_tenant_status on dead_letter (tenant, status);
