"""Messages to citizens and departments, written in the transaction that caused them and sent
after it commits (sending is a later issue)."""
