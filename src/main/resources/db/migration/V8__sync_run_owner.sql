-- Who runs a sync run, and whether it continued one whose instance died: a run is 'running' only while its
-- instance holds the stream's advisory lock; a run found 'running' without it is marked 'interrupted', and the
-- instance that continues it from its saved next link sets resumed_at.
alter table sync_run add column owner text;
alter table sync_run add column interrupted_at timestamptz;
alter table sync_run add column resumed_at timestamptz;
alter table sync_run drop constraint sync_run_status_check;
alter table sync_run add constraint sync_run_status_check
    check (status in ('running', 'interrupted', 'done', 'failed'));
create index sync_run_unfinished on sync_run (id) where ended_at is null;
