"""Proof-reading checks for speech drafts; generator.check is the public face."""
