"""Demo applications for a new database (never in the production configuration)."""
