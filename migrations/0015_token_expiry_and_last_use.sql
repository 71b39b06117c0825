-- A token may expire (`clients create --expires-in 90d`); NULL never does.
-- last_used_at is when the token last authenticated a request, to the
-- minute: the API writes it at most once a minute per token, not on every
-- request (src/clients/token-cache.ts).
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
ALTER TABLE api_tokens ADD COLUMN last_used_at timestamptz;
