"""The school contact update: the record, its exports and the school inbox."""
