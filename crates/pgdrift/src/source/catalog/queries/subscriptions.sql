-- Subscriptions of the database read (pg_subscription is shared by every database). Options
-- are read by version. The connection string is readable by superusers only on some
-- versions: a column the role may not read cannot even be named in a query that the role
-- runs, so it is read through dynamic SQL (query_to_xml) only when the role may read it,
-- and unescaped from the XML; the reader masks its passwords at once.
SELECT s.subname::text AS name,
       s.subpublications::text[] AS publications,
       CASE WHEN has_column_privilege('pg_catalog.pg_subscription', 'subconninfo', 'SELECT')
            THEN replace(replace(replace(replace(substring(
                   query_to_xml(format('SELECT subconninfo AS c FROM pg_catalog.pg_subscription '
                                       'WHERE oid = %s', s.oid), true, false, '')::text
                   FROM '<c>(.*)</c>'), '&lt;', '<'), '&gt;', '>'), '&#x0D;', E'\r'), '&amp;', '&')
       END AS connection,
       s.subenabled AS enabled,
       s.subslotname::text AS slot_name,
       s.subsynccommit::text AS synchronous_commit,
       s.subbinary AS binary,
       {{since 16}}CASE s.substream WHEN 't' THEN 'on' WHEN 'p' THEN 'parallel' ELSE 'off' END
       {{else}}CASE WHEN s.substream THEN 'on' ELSE 'off' END{{end}} AS streaming,
       {{since 15}}s.subtwophasestate <> 'd'{{else}}false{{end}} AS two_phase,
       {{since 15}}s.subdisableonerr{{else}}false{{end}} AS disable_on_error,
       {{since 16}}s.suborigin::text{{else}}NULL::text{{end}} AS origin,
       {{since 16}}s.subpasswordrequired{{else}}NULL::bool{{end}} AS password_required,
       {{since 16}}s.subrunasowner{{else}}NULL::bool{{end}} AS run_as_owner,
       {{since 17}}s.subfailover{{else}}NULL::bool{{end}} AS failover,
       pg_get_userbyid(s.subowner)::text AS owner,
       d.description AS comment
FROM pg_subscription s
-- (Their comments are in pg_description, not in the shared pg_shdescription.)
LEFT JOIN pg_description d
       ON d.objoid = s.oid AND d.classoid = 'pg_subscription'::regclass AND d.objsubid = 0
WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
