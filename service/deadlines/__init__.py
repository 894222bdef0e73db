"""The statutory clock of applications and items: deadlines, pauses, extensions, warnings."""
