"""The working-day calendar: holidays and make-up working days as data the county can edit.

Data only: publishing a year re-times running applications, so the calendar's API and CLI live
with the clock in ``deadlines``."""
