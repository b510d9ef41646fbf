"""What is filed and by whom: organisations, officials, declarations, their content and redaction."""
