"""Errors of the remote-server code, each worded for the user (one line; never credentials)."""


class RemoteError(Exception):
    """A problem with the remote server, worded for the user (one line)."""


class RemoteTruncated(RemoteError):
    """The server returned fewer results than the query asked for (row cap, timeout)."""


class EndpointError(ValueError):
    """A base URL or endpoint that cannot be used (a user error)."""
