"""Built-in delivery after a build: mail and its SMTP transport."""
