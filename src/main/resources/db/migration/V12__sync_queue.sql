-- The run queue of the streams: one row per (tenant, stream) waiting for a worker or being run. A Quartz firing,
-- "sync now", a new tenant and a resumption insert a row (inserting a queued pair again changes nothing); a worker
-- of any instance claims the row (claimed_by, claim_id), renews the claim while it runs and deletes the row when the
-- run ends. A claim not renewed within the lease belongs to a dead instance and is claimed again.
create sequence sync_queue_claim;
create table sync_queue (
    tenant      text        not null,
    stream      text        not null,
    queued_at   timestamptz not null default now(),
    reason      text        not null,
    claimed_by  text,
    claim_id    bigint,
    claimed_at  timestamptz,
    renewed_at  timestamptz,
    primary key (tenant, stream)
);
create index sync_queue_waiting on sync_queue (queued_at, tenant, stream) where claimed_by is null;
-- the claimer reads the (few) claimed rows on every claim
create index sync_queue_claimed on sync_queue (tenant) where claimed_by is not null;

-- A run that gave its worker up at the end of its time slice waits in the queue: 'queued', neither failed nor
-- interrupted; the worker that claims it next continues it from its saved next link.
alter table sync_run drop constraint sync_run_status_check;
alter table sync_run add constraint sync_run_status_check
    check (status in ('running', 'interrupted', 'queued', 'done', 'failed'));
