"""Departments, accounts and roles."""
