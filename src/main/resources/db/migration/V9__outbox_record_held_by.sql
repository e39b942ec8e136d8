-- A Greenhouse id that an older item already holds (a Greenhouse whose ids started again, such as a restarted demo
-- sandbox) is still proof that the write happened: the item is delivered, and this names the item that held the id
-- first. Only unflagged items are unique per record, so such an item can be recorded instead of being sent again.
alter table outbox add column record_held_by bigint;

drop index outbox_note_record;
create unique index outbox_note_record on outbox (tenant, greenhouse_id)
    where kind in ('note', 'email') and greenhouse_id is not null and record_held_by is null;
drop index outbox_interview_record;
create unique index outbox_interview_record on outbox (tenant, greenhouse_id)
    where kind = 'interview_create' and greenhouse_id is not null and record_held_by is null;
drop index outbox_ingest_record;
create unique index outbox_ingest_record on outbox (tenant, greenhouse_id)
    where kind = 'ingest_candidate' and greenhouse_id is not null and record_held_by is null;
