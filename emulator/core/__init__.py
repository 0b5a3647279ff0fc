"""The provider-neutral core: records, rules, store, clock. It imports no provider and no web framework."""
