"""The Hugging Face Hub: is it allowed, and can it be reached — answered in bounded time."""

from __future__ import annotations

import os
import urllib.error
import urllib.request

from .catalog import ModelEntry, offline_ids
from .errors import HubUnavailable

PROBE_TIMEOUT_S = 5.0


def hub_is_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` asks for no network (read at call time, not import time)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def hub_endpoint() -> str:
    from huggingface_hub import constants

    return constants.ENDPOINT.rstrip("/")


def require_hub(entry: ModelEntry, allow_hub: bool, timeout: float = PROBE_TIMEOUT_S) -> None:
    """Raise HubUnavailable, within about ``timeout`` seconds, unless the Hub can serve ``entry``.

    huggingface_hub retries a refused connection for about a minute; one short probe first turns
    "no network" into a message at once.
    """
    offline_list = ", ".join(offline_ids())
    if not allow_hub or hub_is_offline():
        raise HubUnavailable(
            f"{entry.id} is only available from the Hugging Face Hub ({entry.hub_id}), and downloads are "
            f"switched off here (allow_hub=False or HF_HUB_OFFLINE=1). Models that run offline: "
            f"{offline_list}. To download {entry.id}: be online, start Jupyter without HF_HUB_OFFLINE=1, "
            "and call load_model without allow_hub=False."
        )
    url = f"{hub_endpoint()}/api/models/{entry.hub_id}"
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout).close()
    except urllib.error.HTTPError:
        return  # the Hub answered (a gated or private repo answers 401/403): downloading will say more
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise HubUnavailable(
            f"The Hugging Face Hub ({hub_endpoint()}) cannot be reached ({reason}), so {entry.id} "
            f"cannot be downloaded. Check your network, or use a model that runs offline: {offline_list}."
        ) from None
