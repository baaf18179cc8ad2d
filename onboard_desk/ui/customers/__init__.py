"""The Customers screen: every won prospect with their retention figures.

``view`` is the screen (owner filter, referral-code lookup, empty state); ``model`` the
lazy table over the customer services' pages; ``delegate`` draws the engagement bar;
``state`` is what the screen remembers between starts; ``commands`` are the undoable
purchase and survey changes the card's Customer section pushes.
"""
