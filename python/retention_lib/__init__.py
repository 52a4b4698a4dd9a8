"""Helpers for the retention dbt project: data generator and raw-export contract."""
