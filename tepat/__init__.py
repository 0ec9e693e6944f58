"""Tepat: the information system of a city's poverty-reduction coordination team."""
