-- Relation OIDs that split the relations to read into equal slices ($2: the fractions).
SELECT percentile_disc($2::float8[]) WITHIN GROUP (ORDER BY c.oid) AS bounds
FROM pg_class c
WHERE c.relnamespace = ANY ($1::oid[])
  AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
