"""The local store: the one owner of the SQLite connection, migrations, keys and all SQL."""
