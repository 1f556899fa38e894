"""Signing in to YouTube: the installed-app OAuth flow and the saved token.

The author downloads an OAuth client of type *Desktop app* from the Google
Cloud console; the first publish opens the browser once and keeps the token in
the user's config folder (``~/.config/lessonreel/`` on Linux). The token can
upload to the author's channel, so it is created owner-only (0600) before a
byte is written, renamed into place whole, and never printed or logged.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs
from google.oauth2.credentials import Credentials

from lessonreel.errors import ClientSecretsError, DamagedTokenError, SignInError
from lessonreel.records import parse_json, read_object

#: One scope covers every call a publish makes: captions.insert accepts no narrower one.
SCOPES = ("https://www.googleapis.com/auth/youtube.force-ssl",)
CLIENT_SECRETS_NAME = "client_secret.json"
TOKEN_NAME = "youtube-token.json"
CONSOLE_STEPS = ("Google Cloud console > APIs & Services > Credentials > Create credentials > "
                 "OAuth client ID > Desktop app, then 'Download JSON'")
_REQUIRED_CLIENT_KEYS = ("client_id", "client_secret", "auth_uri", "token_uri")





def config_dir() -> Path:
    """The user's config folder for lessonreel (honours XDG_CONFIG_HOME on Linux)."""
    return platformdirs.user_config_path("lessonreel", appauthor=False)


def default_client_secrets() -> Path:
    return config_dir() / CLIENT_SECRETS_NAME


def default_token() -> Path:
    return config_dir() / TOKEN_NAME


def sign_in_again(slug: str, token: Path) -> str:
    """How to sign in again, for the end of an error message."""
    return (f"sign in again with: lessonreel publish youtube {slug} --sign-in "
            f"(or delete {token} and publish again)")


def load_client_config(path: Path) -> dict[str, Any]:
    """The client secrets at ``path``, checked to be an installed (Desktop) app's."""
    fix = f"download them from the {CONSOLE_STEPS}, and save the file as {path}"
    if not path.is_file():
        raise ClientSecretsError(f"no OAuth client secrets at {path}; {fix} "
                                 "(or point --client-secrets at it)")
    try:
        config = parse_json(path.read_bytes())
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ClientSecretsError(f"{path} is not a client secrets JSON file ({error}); "
                                 f"{fix}") from error
    if not isinstance(config, dict) or "installed" not in config:
        kind = ("a 'Web application' OAuth client"
                if isinstance(config, dict) and "web" in config
                else "not an OAuth client secrets file (no 'installed' section)")
        raise ClientSecretsError(f"{path} is {kind}; lessonreel signs in as a desktop app: "
                                 f"{fix}")
    installed = config["installed"]
    missing = [key for key in _REQUIRED_CLIENT_KEYS
               if not isinstance(installed, dict) or not installed.get(key)]
    if missing:
        raise ClientSecretsError(f"{path} lacks {', '.join(missing)}; it is damaged or "
                                 f"edited by hand: {fix}")
    return config


def save_token(credentials: Credentials, path: Path) -> None:
    """Write the token owner-only and atomically: there is never a readable half of it."""
    write_private(path, credentials.to_json())


def write_private(path: Path, text: str) -> None:
    """Write a secret owner-only (0600) and atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkstemp creates the file 0600 whatever the umask, so the secret is never
    # readable by others, not even between creation and a chmod.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def load_token(path: Path, slug: str) -> Credentials | None:
    """The saved sign-in, or None when there is none; a damaged one is a
    :class:`DamagedTokenError` naming the field (never its value: the file is a secret)."""
    if not path.exists():
        return None
    if path.stat().st_mode & 0o077:
        # A token copied in by hand may be readable by others: close it first.
        os.chmod(path, 0o600)
    fields, info = read_object(path, sign_in_again(slug, path), DamagedTokenError)
    for key in ("refresh_token", "client_id", "client_secret"):
        fields.text(info, key, nonempty=True)
    for key in ("token", "expiry", "quota_project_id", "rapt_token", "universe_domain",
                "account"):
        if info.get(key) is not None:
            fields.text(info, key)
    if info.get("expiry"):
        try:
            # The library reads the expiry so, and would fail on anything else.
            datetime.strptime(info["expiry"].rstrip("Z").split(".")[0], "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            fields.fail("expiry", "is not a time as Google writes one")
    if isinstance(info.get("scopes"), list):
        fields.texts(info, "scopes")
    elif info.get("scopes") is not None:
        fields.text(info, "scopes")
    try:
        credentials: Credentials = Credentials.from_authorized_user_info(info, list(SCOPES))
    except (ValueError, TypeError, AttributeError) as error:
        # The exception text may quote the file; only its type is shown.
        raise SignInError(f"the saved YouTube sign-in at {path} cannot be read "
                          f"({type(error).__name__}); {sign_in_again(slug, path)}") from None
    return credentials


def sign_in(client_config: dict[str, Any], token: Path, slug: str) -> Credentials:
    """Run the browser sign-in once and keep its token."""
    from google_auth_oauthlib.flow import InstalledAppFlow
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error

    flow = InstalledAppFlow.from_client_config(client_config, scopes=list(SCOPES))
    try:
        credentials = flow.run_local_server(
            port=0,
            authorization_prompt_message="Sign in to YouTube in your browser; if it does "
                                         "not open, visit: {url}",
            success_message="lessonreel is signed in to YouTube; you can close this tab.",
        )
    except OAuth2Error as error:
        raise SignInError(f"Google refused the sign-in ({error.error}: {error.description}); "
                          f"check the client secrets, then {sign_in_again(slug, token)}"
                          ) from None
    save_token(credentials, token)
    return credentials
