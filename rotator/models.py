"""Models of the rotator app."""
