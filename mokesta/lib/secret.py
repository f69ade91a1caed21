"""The installation's own secret key, for when SECRET_KEY is not set in the environment."""

import os
import secrets
import tempfile
from pathlib import Path


def local_secret_key(path: Path) -> str:
    """A random key made once for this installation and kept in `path` (readable by the owner
    only). Several processes starting at once agree on one key: the file is linked into place,
    which fails for all but the first."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent)  # created with mode 600
    try:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(50))
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process was first: use its key
    finally:
        os.unlink(temporary)
    return path.read_text().strip()
