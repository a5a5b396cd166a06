"""The org model: structures of positions (`structure.py`), parsed from the text people
type, validated, drawn as a tree and compared."""
