"""Golden updates: rewrite fixtures' expectations from the answers a run observed."""
