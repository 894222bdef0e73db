"""Uploaded materials: what a file is by its content, where its bytes are kept, whether it was
scanned. Domain code without Flask or the database; the routes come with the online counter."""
