"""The import wizard: file, mapping, duplicates, preview, progress, result."""
