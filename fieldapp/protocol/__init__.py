"""The wire protocol shared by the laptop and the server (docs/sync-api.md).

`entities`: which record types sync carries, in the order their parents come first, and which are mutable.
`records`: what a valid record of each type is (fields, ranges, lengths, formats, cross-field rules and
references). The server refuses what breaks it; the laptop checks it before writing and after pulling.
`bundle`: the sync bundle file that goes by USB stick both ways (sealed, signed, versioned).
Nothing here imports the laptop's storage or the server's.
"""
