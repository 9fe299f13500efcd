"""Client side of the SmartCall API: request signing (V1 and V3), credentials, the API client,
bounded retries and batch placement. The emulator reuses :mod:`.signing` to verify signatures."""
