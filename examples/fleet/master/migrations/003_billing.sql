CREATE TABLE subscriptions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    plan plan NOT NULL,
    starts_on date NOT NULL,
    ends_on date,
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id);
