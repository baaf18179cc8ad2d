"""The main window: sidebar, menus, the side panel, reminders and the quick switcher."""
