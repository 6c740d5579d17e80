"""The app's registered admin views, found by endpoint (a leaf: uploads and screens ask it)."""

from __future__ import annotations

from typing import Any

from flask import current_app


def model_view(endpoint: str) -> Any:
    """Return the app's admin view registered under an endpoint, or None."""
    for admin in current_app.extensions.get("admin", []):
        for view in admin._views:
            if getattr(view, "endpoint", None) == endpoint:
                return view
    return None
