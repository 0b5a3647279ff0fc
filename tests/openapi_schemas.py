"""The vendors' API descriptions, read from ../shared/reference beside the repository, and their OpenAPI 3.0
schemas as JSON Schema, to validate the emulator's answers against them."""

from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def as_json_schema(node):
    """`nullable: true` admits null, and so does an enum whose description names NULL as a value ("or NULL to omit
    transcriptions"), which OpenAPI 3.0 cannot say."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False) is True and isinstance(converted.get("type"), str):
        converted["type"] = [converted["type"], "null"]
    if "enum" in converted and "NULL" in str(converted.get("description", "")):
        converted["enum"] = [*converted["enum"], None]
    return converted
