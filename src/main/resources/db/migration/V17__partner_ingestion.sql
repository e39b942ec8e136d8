-- Partner connections for Candidate Ingestion too (docs/connections.md "Partner connections (OAuth)"): a tenant may
-- hold one grant per API, each from its own partner app, authorize and token URLs.
alter table oauth_state add column api text not null default 'harvest' check (api in ('harvest', 'ingestion'));

alter table partner_grant add column api text not null default 'harvest' check (api in ('harvest', 'ingestion'));
alter table partner_grant drop constraint partner_grant_pkey;
alter table partner_grant add primary key (tenant, api);

alter table tenant_secret drop constraint tenant_secret_name_check;
alter table tenant_secret add constraint tenant_secret_name_check check (name in ('harvest.client_secret',
    'ingestion.api_key', 'webhooks.secret', 'oauth.access_token', 'oauth.refresh_token',
    'oauth.ingestion.access_token', 'oauth.ingestion.refresh_token'));
