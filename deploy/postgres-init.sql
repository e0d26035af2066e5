-- Runs once when the PostgreSQL volume is created: a runtime role for the application, separate from the owner
-- that runs migrations, so that the audit tables can be made append-only for the application.
CREATE ROLE welfare_app LOGIN PASSWORD 'change-me-app';
