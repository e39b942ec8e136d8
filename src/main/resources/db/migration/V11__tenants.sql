-- Connections made at runtime (docs/connections.md): one row per tenant the hub knows, whether it came from the
-- API or from config/tenants/<id>.properties (then only its status is kept here; its secrets stay in the file's
-- references). Every instance polls (id, revision) and applies what changed.
create table tenant (
    id          text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text,
    source      text not null check (source in ('api', 'file', 'demo')),
    file        text,
    -- the non-secret settings: URLs, client id, user id, user e-mail, board token, disabled features
    spec        jsonb not null default '{}'::jsonb,
    status      text not null check (status in ('active', 'needs_attention', 'paused', 'disconnected')),
    -- why it needs attention or is disconnected: [{feature, permission, status, detail, impact}] or [{detail}]
    reasons     jsonb not null default '[]'::jsonb,
    last_check  jsonb,
    checked_at  timestamptz,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    -- bumped on every change; instances compare it with what they loaded
    revision    bigint not null default 1
);

-- AES-256-GCM sealed values, the tenant id as associated data; key_id says which key sealed it
create table tenant_secret (
    tenant      text not null references tenant (id) on delete cascade,
    name        text not null check (name in ('harvest.client_secret', 'ingestion.api_key', 'webhooks.secret')),
    key_id      text not null,
    nonce       bytea not null check (length(nonce) = 12),
    sealed      bytea not null,
    primary key (tenant, name)
);
create index tenant_secret_key_id on tenant_secret (key_id);
