"""The Pipeline screen: one column per stage, cards dragged between them."""
