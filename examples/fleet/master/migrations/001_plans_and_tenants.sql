-- The master database: which tenants exist and what they pay for.
CREATE TYPE plan AS ENUM ('free', 'team', 'enterprise');

CREATE TABLE tenants (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    database_name text NOT NULL UNIQUE,
    plan plan NOT NULL DEFAULT 'free',
    created_at timestamptz NOT NULL DEFAULT now()
);
