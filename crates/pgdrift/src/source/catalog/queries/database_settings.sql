-- Settings of the database read (ALTER DATABASE ... SET, and ALTER ROLE ... IN DATABASE
-- ... SET), one row per setting, as PostgreSQL stores them (`name=value`).
SELECT CASE WHEN s.setrole = 0 THEN NULL ELSE pg_get_userbyid(s.setrole)::text END AS role,
       split_part(c.item, '=', 1) AS name,
       substr(c.item, strpos(c.item, '=') + 1) AS value
FROM pg_db_role_setting s
CROSS JOIN LATERAL unnest(s.setconfig) AS c(item)
WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
