"""Applications: one per applicant and bundle, with its items, history and transitions."""
