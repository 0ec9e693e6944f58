"""URL modules per area, included by tepat/urls.py (one owner per file)."""
