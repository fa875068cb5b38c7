"""Everything printed: the PDF helper (fetcher, fonts), the plan, wallet cards."""
