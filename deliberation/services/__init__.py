"""Every change of state: one function per use case, in one transaction, audited."""
