CREATE UNIQUE INDEX customers_email ON customers (lower(email));
