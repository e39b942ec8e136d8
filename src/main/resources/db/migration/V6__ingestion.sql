-- Sourcing partners (Candidate Ingestion §6, Job Board §7): imported jobs, job links, pushed candidates, their
-- applications' status and stage, and the history of changes. docs/ingestion.md describes every table.

-- the outbox gets one more kind: a candidate or prospect for POST /v1/partner/candidates
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check check (kind in
    ('note', 'email', 'interview_create', 'interview_update', 'interview_delete', 'ingest_candidate'));
-- one Greenhouse candidate per ingest item: two reconciliations can never both claim the same candidate
create unique index outbox_ingest_record on outbox (tenant, greenhouse_id)
    where kind = 'ingest_candidate' and greenhouse_id is not null;

-- GET /v1/partner/jobs: the jobs the On-Behalf-Of user can see
create table ingestion_jobs (
    tenant      text        not null,
    job_id      bigint      not null,
    name        text        not null,
    status      text,
    public      boolean     not null default false,
    raw         jsonb       not null,
    seen_at     timestamptz not null default now(),
    gone_at     timestamptz,
    primary key (tenant, job_id)
);

-- GET /v1/boards/{token}/jobs?content=true: the board's live posts, with departments and offices
create table ingestion_board_posts (
    tenant          text        not null,
    post_id         bigint      not null,
    internal_job_id bigint,
    title           text        not null,
    location        text,
    absolute_url    text,
    updated_at      timestamptz,
    content         text,
    departments     jsonb       not null default '[]'::jsonb,
    offices         jsonb       not null default '[]'::jsonb,
    raw             jsonb       not null,
    seen_at         timestamptz not null default now(),
    gone_at         timestamptz,
    primary key (tenant, post_id)
);
create index ingestion_board_posts_job on ingestion_board_posts (tenant, internal_job_id);

-- a partner job (its reference and name on the partner side) and the Greenhouse job it is linked to (null: unlinked)
create table ingestion_job_links (
    tenant          text        not null,
    partner_job_ref text        not null,
    partner_name    text,
    job_id          bigint,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (tenant, partner_job_ref)
);

-- one row per external id pushed: what Greenhouse answered, and whether the candidate is still visible
create table ingestion_candidates (
    tenant          text        not null,
    external_id     text        not null,
    outbox_id       bigint,
    prospect        boolean     not null,
    partner_job_ref text,
    job_id          bigint,
    candidate_id    bigint,
    application_id  bigint,
    profile_url     text,
    pushed_at       timestamptz not null default now(),
    delivered_at    timestamptz,
    checked_at      timestamptz,
    gone_at         timestamptz,
    gone_reason     text,
    primary key (tenant, external_id)
);
create index ingestion_candidates_candidate on ingestion_candidates (tenant, candidate_id);

-- the applications of the pushed candidates as the status sync last read them
create table ingestion_applications (
    tenant          text        not null,
    application_id  bigint      not null,
    external_id     text        not null,
    candidate_id    bigint      not null,
    job             text,
    status          text,
    stage           text,
    profile_url     text,
    first_seen_at   timestamptz not null default now(),
    changed_at      timestamptz not null default now(),
    primary key (tenant, application_id)
);
create index ingestion_applications_external on ingestion_applications (tenant, external_id);

-- every change of status or stage the sync saw (from null: first seen)
create table ingestion_status_history (
    id              bigserial   primary key,
    tenant          text        not null,
    external_id     text        not null,
    candidate_id    bigint      not null,
    application_id  bigint      not null,
    from_status     text,
    to_status       text,
    from_stage      text,
    to_stage        text,
    seen_at         timestamptz not null default now()
);
create index ingestion_status_history_external on ingestion_status_history (tenant, external_id, id);
