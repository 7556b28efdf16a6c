#!/usr/bin/env python3
"""Writes src/main/resources/blocks/system-blocks.json: the block types and schemas that
Prefect's server registers at start-up from its own block classes (protected: Webhook, Secret,
LocalFileSystem; then every other core Block class the server imports), as Prefect 3.8.3's
classes describe themselves (`_to_block_type()`, `_to_block_schema()`).

Needs Prefect 3.8.3 importable (its source and dependencies); Baton does not run it:

    PYTHONPATH=/path/to/prefect/src python3 generate_system_blocks.py OUT.json
"""
import json
import sys

import prefect
import prefect.blocks.notifications  # noqa: F401  (registers the notification blocks)
import prefect.blocks.system  # noqa: F401
import prefect.blocks.webhook  # noqa: F401
import prefect.filesystems  # noqa: F401
from prefect.blocks.core import Block
from prefect.blocks.system import Secret
from prefect.blocks.webhook import Webhook
from prefect.filesystems import LocalFileSystem
from prefect.utilities.dispatch import get_registry_for_type

PROTECTED = [Webhook, Secret, LocalFileSystem]


def entry(cls, protected):
    t = cls._to_block_type()
    s = cls._to_block_schema()
    return {
        "name": t.name,
        "slug": t.slug,
        "logo_url": str(t.logo_url) if t.logo_url else None,
        "documentation_url": str(t.documentation_url) if t.documentation_url else None,
        "description": t.description,
        "code_example": t.code_example,
        "is_protected": protected,
        "block_schema": {
            "fields": s.fields,
            "capabilities": s.capabilities,
            "version": s.version,
            "checksum": s.checksum,
        },
    }


def main(out):
    registry = get_registry_for_type(Block) or {}
    blocks = [entry(c, True) for c in PROTECTED]
    seen = {c.get_block_type_slug() for c in PROTECTED}
    for cls in registry.values():
        if cls.get_block_type_slug() not in seen:
            seen.add(cls.get_block_type_slug())
            blocks.append(entry(cls, False))
    doc = {
        "source": "Generated from Prefect " + prefect.__version__ + " (Apache-2.0, PrefectHQ/prefect) by "
        "src/test/resources/prefect-blocks/generate_system_blocks.py: each core block class's "
        "_to_block_type() and _to_block_schema(). Data, not code.",
        "prefect_version": prefect.__version__,
        "block_types": blocks,
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
