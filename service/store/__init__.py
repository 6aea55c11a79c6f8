"""Storage: the declarative Base and engines, the tables, the states and their transitions, the schema."""
