"""The access-application engine: commands, the permission table, the projection of events."""
