"""The prospect card's Customer section, shown for a won prospect.

``section`` is the widget (code, engagement, cadence, purchases, survey, referrals);
``text`` words what it shows from the customer details; ``actions`` turns its buttons into
undoable commands through the customer services; ``dialogs`` asks for a purchase or a
survey answer.
"""
