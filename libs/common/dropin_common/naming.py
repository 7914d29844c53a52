"""Names as the contract spells them."""


def camel(name: str) -> str:
    """`stream_id` -> `streamId`: Flask's parameter names as the contract spells them."""
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)
