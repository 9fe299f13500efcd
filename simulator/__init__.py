"""The vcall library: spec, validator, platform model and engine. No terminal code here."""
