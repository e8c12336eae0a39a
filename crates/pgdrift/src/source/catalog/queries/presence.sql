-- Which kinds of object the database may hold, from the raw catalogs alone (no join): for
-- each kind, whether any row could be one the kind's query returns. What PostgreSQL itself
-- creates at initdb has an OID below FirstNormalObjectId (16384); everything created later
-- has one at or above it, OID wraparound included. A false column means that query would
-- return no row; a true one only that it may.
SELECT EXISTS (SELECT FROM pg_rewrite WHERE oid >= 16384 AND rulename <> '_RETURN') AS rules,
       EXISTS (SELECT FROM pg_statistic_ext WHERE oid >= 16384) AS statistics,
       EXISTS (SELECT FROM pg_collation WHERE oid >= 16384) AS collations,
       EXISTS (SELECT FROM pg_event_trigger) AS event_triggers,
       EXISTS (SELECT FROM pg_foreign_data_wrapper) AS foreign_data_wrappers,
       EXISTS (SELECT FROM pg_foreign_server) AS foreign_servers,
       EXISTS (SELECT FROM pg_cast WHERE oid >= 16384) AS casts,
       EXISTS (SELECT FROM pg_ts_dict WHERE oid >= 16384) AS ts_dictionaries,
       EXISTS (SELECT FROM pg_ts_config WHERE oid >= 16384) AS ts_configurations,
       EXISTS (SELECT FROM pg_ts_template WHERE oid >= 16384) AS ts_templates,
       EXISTS (SELECT FROM pg_ts_parser WHERE oid >= 16384) AS ts_parsers,
       EXISTS (SELECT FROM pg_publication) AS publications,
       EXISTS (SELECT FROM pg_language WHERE oid >= 16384) AS languages,
       EXISTS (SELECT FROM pg_transform WHERE oid >= 16384) AS transforms,
       EXISTS (SELECT FROM pg_conversion WHERE oid >= 16384) AS conversions,
       EXISTS (SELECT FROM pg_am WHERE oid >= 16384) AS access_methods,
       EXISTS (SELECT FROM pg_opfamily WHERE oid >= 16384) AS operator_families,
       EXISTS (SELECT FROM pg_opclass WHERE oid >= 16384) AS operator_classes,
       EXISTS (SELECT FROM pg_default_acl) AS default_privileges,
       EXISTS (SELECT FROM pg_policy) AS policies,
       EXISTS (SELECT FROM pg_operator WHERE oid >= 16384) AS operators
