"""`course links --repo URL [--hub URL]`: the nbgitpuller and Binder links of every exercise.

nbgitpuller (https://nbgitpuller.readthedocs.io) clones or merges the repository into the
student's hub home and opens the notebook; Binder builds environment.yml and opens it.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit


class BadLink(ValueError):
    """A repository or hub address that cannot make links; the message is one line."""


def checked(url: str, what: str) -> str:
    """Return url without a trailing slash or .git, or raise BadLink if it is not http(s)://host/..."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise BadLink(f"{what} {url!r}: expected an address like https://github.com/course-org/course")
    return url.strip().rstrip("/").removesuffix(".git")


def binder_link(repo: str, branch: str, notebook: str) -> str:
    """Return the mybinder.org link that opens exercises/<notebook> of repo at branch."""
    parts = urlsplit(repo)
    path = f"lab/tree/exercises/{notebook}"
    if parts.netloc == "github.com" and len(parts.path.strip("/").split("/")) == 2:
        return f"https://mybinder.org/v2/gh{parts.path}/{quote(branch)}?urlpath={quote(path)}"
    return f"https://mybinder.org/v2/git/{quote(repo, safe='')}/{quote(branch)}?urlpath={quote(path)}"


def puller_link(hub: str, repo: str, branch: str, notebook: str) -> str:
    """Return the nbgitpuller link that pulls repo into a hub home and opens exercises/<notebook>."""
    folder = urlsplit(repo).path.rstrip("/").split("/")[-1]
    query = urlencode({"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder}/exercises/{notebook}"})
    return f"{hub}/hub/user-redirect/git-pull?{query}"


def links(root: Path, repo: str, hub: str | None, branch: str) -> list[str]:
    """Return, per exercise, a line with its name and links (raise BadLink on a bad address)."""
    repo = checked(repo, "--repo")
    hub = checked(hub, "--hub") if hub else None
    notebooks = sorted(p.name for p in (root / "exercises").glob("[0-9][0-9]-*.ipynb"))
    if not notebooks:
        raise BadLink(f"{root / 'exercises'} has no exercise notebooks")
    lines = []
    for name in notebooks:
        lines.append(f"{name}\n  binder: {binder_link(repo, branch, name)}")
        if hub:
            lines.append(f"  hub:    {puller_link(hub, repo, branch, name)}")
    return lines
