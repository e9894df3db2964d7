"""QR codes of public links as inline SVG images, ready to print (the drawing is common/qr.py's, shared with
the two-factor setup page)."""
from common.qr import qr_data_uri

__all__ = ["qr_data_uri"]
