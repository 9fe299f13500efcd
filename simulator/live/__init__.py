"""What an interactive call needs that is not terminal code: a call fed step by step, its status, recording it as a fixture."""
