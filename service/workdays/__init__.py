"""The working-day calendar: holidays and make-up working days as data the county can edit."""
