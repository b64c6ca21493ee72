"""Printouts: domain data in, PDF out. No SQL, no Qt (the GUI prints the PDF through QPrinter)."""
