"""People and access: who may see and do what, and who did it."""
