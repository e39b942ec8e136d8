-- An acting user is a Greenhouse user id: a row inserted by SQL with 0 or a negative id is refused at once (naming
-- the constraint) instead of being sent with a token for no one. NOT VALID: rows from before are left as they are.
alter table outbox add constraint outbox_acting_user_is_an_id check (acting_user > 0) not valid;
