"""The domain: records, enums, validation, money and dates. No SQL, no HTTP, no Qt."""
