// Quiet, in-memory defaults for every test file; a test sets its own before creating brokers.
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL || "warn";
process.env.DATA_DIR = process.env.DATA_DIR_TEST || ":memory:";
delete process.env.TRANSPORTER;
delete process.env.MONGO_URI;
delete process.env.RESERVATIONS_DB_URL;
delete process.env.MAIL_DB_URL;
delete process.env.SERVICES;
delete process.env.NODE_ENV;
delete process.env.ACCOUNTS_DB_URL;
