"""How filings move: transition services (the one write path), policies, the audit log, notifications."""
