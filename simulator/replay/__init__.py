"""The replay engine: plays scenarios on the platform model, delivers callbacks, checks answers."""
