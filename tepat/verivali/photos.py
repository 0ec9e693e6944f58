"""Visit photos: size limit, a real image check with Pillow, storage under $TEPAT_HOME/verivali/photos/."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from tepat.secure import write_private
from tepat.verivali.payload import Photo, reject

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "TEPAT_VERIVALI_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedPhoto:
    photo: Photo
    image_format: str
    width: int
    height: int
    sha256: str


def check(photo: Photo) -> CheckedPhoto:
    """Refuse empty, oversized or non-image content (Pillow decodes the header and verifies the data)."""
    size, limit = len(photo.content), max_bytes()
    if not size:
        raise reject("photo_empty", "photos", name=photo.name)
    if size > limit:
        raise reject(
            "photo_too_large", "photos", name=photo.name, size=f"{size / 1048576:.1f}", limit=f"{limit / 1048576:.0f}"
        )
    try:
        with Image.open(io.BytesIO(photo.content)) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise reject("photo_not_image", "photos", name=photo.name) from None
    if image_format not in ALLOWED_FORMATS:
        raise reject("photo_not_image", "photos", name=photo.name)
    return CheckedPhoto(photo, image_format, width, height, hashlib.sha256(photo.content).hexdigest())


def relative_path(campaign_id: int, visit_id: int, kind: str, index: int, image_format: str) -> Path:
    return (
        Path("verivali")
        / "photos"
        / str(campaign_id)
        / str(visit_id)
        / f"{kind}-{index}.{ALLOWED_FORMATS[image_format]}"
    )


def store(checked: CheckedPhoto, relative: Path) -> None:
    target = Path(settings.TEPAT_HOME) / relative
    write_private(target, checked.photo.content)
