"""Maintenance tools: the offline GPU check and its preparation."""
