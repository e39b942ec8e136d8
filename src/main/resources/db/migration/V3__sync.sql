-- Inbound sync state. One row per (tenant, stream): the watermark (everything updated up to it is stored) and,
-- while a run is under way, its window and the next page to fetch, written in the same transaction as each page's
-- records so that a run stopped at any point resumes where it was.
create table sync_stream (
    tenant          text        not null,
    stream          text        not null,
    watermark       timestamptz,
    window_start    timestamptz,
    window_end      timestamptz,
    next_url        text,
    run_id          bigint,
    paused_reason   text,
    last_sweep_at   timestamptz,
    primary key (tenant, stream)
);

-- One row per run (incremental window or deletion sweep), for status and history.
create table sync_run (
    id           bigserial   primary key,
    tenant       text        not null,
    stream       text        not null,
    kind         text        not null check (kind in ('incremental', 'sweep')),
    started_at   timestamptz not null default now(),
    ended_at     timestamptz,
    window_start timestamptz,
    window_end   timestamptz,
    pages        integer     not null default 0,
    fetched      bigint      not null default 0,
    written      bigint      not null default 0,
    unchanged    bigint      not null default 0,
    deleted      bigint      not null default 0,
    status       text        not null default 'running' check (status in ('running', 'done', 'failed')),
    error        text
);
create index sync_run_stream on sync_run (tenant, stream, id desc);

-- Ids seen by a deletion sweep while it pages through a resource.
create unlogged table sync_sweep_id (
    tenant text   not null,
    stream text   not null,
    id     bigint not null,
    primary key (tenant, stream, id)
);
