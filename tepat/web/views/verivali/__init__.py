"""Verivali pages: campaigns (analyst), the enumerator's phone form, the lurah's musyawarah."""
