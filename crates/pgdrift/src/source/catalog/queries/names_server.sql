-- Settings that change how the server writes literals and identifiers, the keywords that
-- force quoting, every enum label, and what stored constants' bytes mean: the server's
-- encoding, and a known stored constant that shows the byte order.
SELECT current_setting('standard_conforming_strings') = 'on' AS standard_strings,
       current_setting('server_encoding') = 'UTF8' AS utf8,
       current_setting('quote_all_identifiers') = 'on' AS quote_all,
       (SELECT p.proargdefaults::text FROM pg_proc p
        WHERE p.oid = 'pg_catalog.jsonb_set(pg_catalog.jsonb, pg_catalog.text[], pg_catalog.jsonb, pg_catalog.bool)'::regprocedure) AS probe,
       ARRAY(SELECT k.word::text FROM pg_get_keywords() k WHERE k.catcode <> 'U') AS keywords,
       ARRAY(SELECT e.oid::text || ' ' || e.enumlabel::text FROM pg_enum e) AS enums
