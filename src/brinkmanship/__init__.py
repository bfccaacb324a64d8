"""brinkmanship: simulate, replay, play and analyse crisis bargaining under the risk of war."""
