CREATE TABLE feature_flags (
    name text PRIMARY KEY,
    enabled_for plan[] NOT NULL DEFAULT '{}',
    note text
);
