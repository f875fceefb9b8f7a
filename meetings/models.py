"""Models of this app; the capability is built in its own issue."""
