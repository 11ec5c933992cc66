"""The wire contracts: event payloads, subjects, streams and consumers.

Depends on pydantic and the standard library only (import-linter checks it), so
any service, the gateway or a partner's tool can use it without the rest.
"""
