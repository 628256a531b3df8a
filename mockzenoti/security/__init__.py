"""What mockzenoti guards (docs/security.md): bounded inputs, private credentials, no open bind.

- ``limits``: every bound on what a user hands in (sizes, counts, nesting,
  numbers), and depth-checked JSON decoding;
- ``secrecy``: URL passwords shown as ``****``, secrets never shown;
- ``binds``: listening beyond loopback needs a token (or a loud opt-out).

Plain Python (no asyncio): every layer may use it.
"""
