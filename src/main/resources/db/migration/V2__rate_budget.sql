-- One row per tenant: the Greenhouse rate window that every route of every Trellis instance draws from.
-- Windows are fixed 30-second spans aligned to Greenhouse's own (learned from X-RateLimit-Reset).
create table rate_budget (
    tenant        text primary key,
    window_start  timestamptz not null,
    used          integer     not null,
    server_limit  integer,              -- X-RateLimit-Limit as last seen
    phase_ms      integer     not null default 0,  -- window phase: X-RateLimit-Reset modulo the window length
    blocked_until timestamptz           -- after a 429: Retry-After
);
