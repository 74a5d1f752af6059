"""Email delivery: the transactional outbox, the RQ jobs that send, the templates."""
