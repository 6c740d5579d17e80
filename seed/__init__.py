"""Reference data for a real installation (seed) and a generated demonstration (demo)."""
