"""The one exception type devnet raises for problems a person must fix."""


class DevnetError(Exception):
    """A step failed; the message says what and usually what to do about it."""
