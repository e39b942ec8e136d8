-- Partner connections (docs/connections.md "Partner connections (OAuth)").

-- A pending authorization: the SHA-256 of the random state sent to Greenhouse (the state itself is never stored),
-- single use (deleted when the callback takes it), expiring in minutes.
create table oauth_state (
    state_hash  bytea primary key,
    tenant      text not null check (tenant ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    return_to   text not null,
    expires_at  timestamptz not null
);
create index oauth_state_expires_at on oauth_state (expires_at);

-- One grant per partner tenant; its two tokens are sealed in tenant_secret. A refresh holds this row's lock
-- (select ... for update), so one instance at a time refreshes a connection.
create table partner_grant (
    tenant             text primary key references tenant (id) on delete cascade,
    scopes             text not null default '',
    user_id            bigint not null,
    access_expires_at  timestamptz not null,
    refresh_issued_at  timestamptz not null,
    refreshed_at       timestamptz,
    -- a refresh whose answer was lost: the refresh token may have rotated without us knowing the new one
    ambiguous_at       timestamptz,
    ambiguous_detail   text,
    -- Greenhouse answered invalid_grant: the grant is dead until the customer authorizes again
    invalid_at         timestamptz,
    refreshes          bigint not null default 0
);
create index partner_grant_refresh_issued_at on partner_grant (refresh_issued_at);

alter table tenant_secret drop constraint tenant_secret_name_check;
alter table tenant_secret add constraint tenant_secret_name_check check (name in ('harvest.client_secret',
    'ingestion.api_key', 'webhooks.secret', 'oauth.access_token', 'oauth.refresh_token'));
