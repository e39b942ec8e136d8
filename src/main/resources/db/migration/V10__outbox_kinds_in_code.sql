-- The outbox's kinds are the classes listed in dev.trellis.outbound.OutboundKinds (docs/outbox.md, "Add a kind"), so
-- a new kind needs no migration: a row of a kind this hub does not know goes to the dead-letter queue naming 'kind'.
alter table outbox drop constraint outbox_kind_check;
