"""Offline field work: the ODK/KoboToolbox XLSForm of a campaign and the ingest of their submission exports.

    xlsform_bytes(campaign_form_spec(campaign))   the form, families preloaded (xlsform.py, campaign.py)
    ingest_file(campaign, path, acting_user=...)  an export -> visits via do_submit_visit (ingest.py)

`form.py` names the groups, fields and choice lists once for both directions; `columns.py`,
`tables.py` and `mapping.py` are pure (no Django). `central_export.py` and `kobo_export.py` write exports
as ODK Central's briefcase.js and KoboToolbox's formpack do, for the tests and bench/verivali.py (the
application does not use them).
"""
