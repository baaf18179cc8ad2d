"""The Customers screen: every won prospect with their retention figures."""
