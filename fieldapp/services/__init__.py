"""Use cases: validate, build domain records, and write them through a storage Writer.

The GUI, the CLI and demo-data all call these, so every path fills the outbox and the audit log the
same way. No SQL here (storage/ has it), no Qt.
"""
