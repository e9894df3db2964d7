"""QR codes as inline SVG images (pure Python: no Pillow), for printed links and authenticator apps."""
import base64

import qrcode
from qrcode.image.svg import SvgPathFillImage


def qr_data_uri(text):
    """A `data:image/svg+xml;base64,...` QR code for `text`, scalable to any print size."""
    image = qrcode.make(text, image_factory=SvgPathFillImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()
