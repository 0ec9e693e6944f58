"""Documents: PDF (HTML through WeasyPrint) and DOCX (python-docx), built from live data."""
