"""Long jobs (imports, realisasi, ODK ingest, boundary uploads) run in worker processes, not in the web server.

See docs/operations.md#workers. `tepat serve` starts one worker beside the web server; `tepat worker`
runs more. Jobs go through Django's Tasks framework (django-tasks, database backend) and each has a
`Job` row: its state, the process that runs it and that process's heartbeat.
"""
