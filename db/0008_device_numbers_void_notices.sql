-- Receipts bind series to signer (issue 13, docs/sync-api.md "Receipts"). Verifying a receipt's QR offline
-- needs the number of every device (a series names the device that may sign it: `BI-DV01.3-2026` is device
-- 3's), which the server's devices list gives, and the voids of the whole province, which the server
-- publishes as void notices: a laptop of another team never holds the voided receipt, so the void itself
-- (which names the receipt by id) would wait for it for ever.

ALTER TABLE devices ADD COLUMN number INTEGER;
-- this laptop's own number, known since enrolment (meta), for the receipts it verifies before a sync
UPDATE devices SET number = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'receipt_device_number')
WHERE id = (SELECT value FROM meta WHERE key = 'device_id');
CREATE INDEX devices_by_number ON devices (number) WHERE number IS NOT NULL;
CREATE INDEX devices_by_key ON devices (key_id) WHERE key_id IS NOT NULL;

-- A receipt of the province voided (pulled, entity `void_notices`; made by the server, never by a laptop):
-- by its series and number, with the confirmation code of its QR (NULL: the receipt had none).
CREATE TABLE void_notices (
    id           TEXT PRIMARY KEY,
    series       TEXT NOT NULL,
    number       INTEGER NOT NULL,
    confirmation TEXT,
    at           TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX void_notices_by_receipt ON void_notices (series, number);
