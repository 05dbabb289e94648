"""RQ jobs. Each job takes ids, loads its state from the database, and is safe to run twice."""
