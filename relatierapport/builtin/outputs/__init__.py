"""Built-in output formats: HTML, PDF, report.json and calendars."""
