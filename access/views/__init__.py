"""Account pages of the signed-in user."""
