"""Who an online applicant is (issue 21): an SMS code proves a phone, not a person, so the name
and resident ID are checked through an identity verifier before an application is submitted."""
