"""Pure analytics for Tepat: no Django here (architecture.md, principle 3)."""
