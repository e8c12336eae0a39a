CREATE VIEW monthly_revenue AS
SELECT date_trunc('month', placed_at) AS month, sum(total_cents) AS total_cents
FROM orders
WHERE status IN ('paid', 'shipped')
GROUP BY 1;
