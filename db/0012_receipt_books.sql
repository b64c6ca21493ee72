-- Receipt books (issue 17, item 4; docs/sync-api.md "Receipts", fieldapp.domain.receipt_books).
--
-- The receipt's Ký hiệu is now the form's `{product}-{agent code}-{year}`, the same on every laptop of one
-- collector, and numbers stay unique because each laptop numbers only inside the books (number ranges) the
-- server handed it. The laptop keeps every device's books, from the devices list, because verifying a
-- receipt reads which device holds the book its number falls in: only that device's key may sign it. This
-- laptop's own books also arrive in the enrolment answer and at every sync (POST /v1/receipt-blocks), and
-- are never dropped by a devices list (an older server's has none). The number last issued from them is
-- in meta (`receipt_book_last`), next to the device's signing key.
CREATE TABLE receipt_blocks (
    first     INTEGER PRIMARY KEY,
    last      INTEGER NOT NULL,
    device_id TEXT NOT NULL
);
CREATE INDEX receipt_blocks_by_device ON receipt_blocks (device_id);
-- a book's next number is above every receipt here in that book (storage.receipt_books.next_number)
CREATE INDEX receipts_by_number ON receipts (number);
