"""Verivali: field verification campaigns, visits, change requests and the kelurahan musyawarah."""
