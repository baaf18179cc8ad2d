"""What every screen shares: the context, background tasks, undo commands, dialogs, icons."""
