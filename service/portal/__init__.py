"""The applicant's pages: look-up, status, receipt, rating. Chinese first, on a phone, no
script needed."""
